# Mirasapo's production image: one image for web (gunicorn), worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (PDFs) needs Pango; the Japanese font (IPAexGothic) ships with the project.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libffi8 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 mirasapo

WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
RUN pip install . gunicorn \
 && python scripts/compile_messages.py \
 && mkdir -p /app/var && chown -R mirasapo /app/var

# Static files are collected when the image is built (hashed names + manifest for
# WhiteNoise), so every container of this image serves the same files and a missing
# asset fails the build, not a page. collectstatic reads no database or Redis; the
# settings only need values to be present.
ENV STATIC_ROOT=/app/staticfiles
RUN DJANGO_ENV=production SECRET_KEY=collectstatic-build-only ALLOWED_HOSTS=build \
    DATABASE_URL=postgres://build@build.invalid/build REDIS_URL=redis://build.invalid:6379/0 \
    python manage.py collectstatic --noinput -v 0

USER mirasapo
EXPOSE 8000
# Workers, threads and timeouts: gunicorn.conf.py (WEB_CONCURRENCY, GUNICORN_THREADS).
CMD ["gunicorn", "mirasapo.wsgi:application"]
