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

USER mirasapo
EXPOSE 8000
CMD ["gunicorn", "mirasapo.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
