# Mirasapo: two commands on a fresh machine.
#   make run   installs, starts PostgreSQL + Redis (embedded unless DATABASE_URL/REDIS_URL),
#              migrates, compiles translations, seeds demo data, runs worker + beat, serves :8000
#   make test  the same set-up, then the whole pytest suite
# Ports: MIRASAPO_PG_PORT (54329), MIRASAPO_REDIS_PORT (63799), MIRASAPO_PORT (8000).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
WITH_SERVICES := $(PY) scripts/devservices.py exec --
STAMP := $(VENV)/.installed

.PHONY: run test install services migrate messages seed lint bench stop clean

$(STAMP): pyproject.toml
	@echo "==> creating $(VENV) and installing Mirasapo with its dev extras"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

services: install
	@echo "==> starting data services (embedded unless DATABASE_URL / REDIS_URL are set)"
	@$(PY) scripts/devservices.py up >/dev/null

migrate: services
	@echo "==> applying database migrations"
	@$(WITH_SERVICES) $(PY) manage.py migrate --noinput -v 0

messages: install
	@echo "==> compiling translations"
	@$(PY) scripts/compile_messages.py

seed: migrate
	@echo "==> seeding demo data (only into an empty database)"
	@$(WITH_SERVICES) $(PY) manage.py seed_demo --if-empty

run: migrate messages seed
	@echo "==> serving http://127.0.0.1:$${MIRASAPO_PORT:-8000}/ with a Celery worker and beat (Ctrl-C stops everything)"
	@$(WITH_SERVICES) $(PY) scripts/run_portal.py

# The suite runs in PYTEST_WORKERS processes (pytest-xdist; each has its own test database
# and Redis database number): two keep both cores busy while one waits on PostgreSQL, a
# browser or a subprocess. PYTEST_WORKERS=0 runs it in this process.
PYTEST_WORKERS ?= 2

test: migrate messages
	@echo "==> running the test suite ($(PYTEST_WORKERS) worker processes)"
	@$(WITH_SERVICES) $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: install
	@echo "==> ruff"
	@$(VENV)/bin/ruff check .
	@for script in scripts/lint_*.py; do echo "==> $$script"; $(PY) $$script || exit 1; done
	@echo "==> mypy (django-stubs; strict on consent/, core/, accounts/: see pyproject.toml)"
	@$(VENV)/bin/mypy

bench: migrate
	@for script in bench/*.py; do echo "==> $$script"; $(WITH_SERVICES) $(PY) $$script || exit 1; done

stop:
	@$(PY) scripts/devservices.py down

clean: stop
	rm -rf var/pgdata var/redis var/screenshots
