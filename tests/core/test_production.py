"""Production settings: `check --deploy` is clean, missing secrets stop start-up, and the
docker-compose file describes the production shape."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x7Hq2Lr9VvT4pWc8Zs1Kd6Nf3Bj5Gm0Yt-Ue_Qa2Rw8Xe4Io9Pl7Mk3Jh1Sd6Fg5",
    "ALLOWED_HOSTS": "mirasapo.example.jp",
    "DATABASE_URL": "postgres://mirasapo:secret@db.invalid:5432/mirasapo",
    "REDIS_URL": "redis://redis.invalid:6379/0",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and not k.startswith("DJANGO_")}
    base.pop("MIRASAPO_TESTING", None)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_no_warning():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_has_something_to_say_in_development():
    """The test above can fail: in development mode the same check warns (DEBUG, cookies...)."""
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env={"DJANGO_ENV": "development"})
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr  # DEBUG on


def test_production_without_secret_key_refuses_to_start():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_without_database_url_refuses_to_start():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DATABASE_URL"}
    result = _manage("check", env=env)
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr


def test_docker_compose_has_the_production_shape():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "web", "proxy", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "proxy", "worker", "beat"):
        assert services[name]["healthcheck"]["test"], name
    # One migration run per deployment, as the owner role, before web and workers start.
    assert "migrate" in services["migrate"]["command"]
    assert services["migrate"]["environment"]["MIGRATION_DATABASE_URL"].startswith("postgres://mirasapo:")
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        environment = services[name]["environment"]
        assert environment["DJANGO_ENV"] == "production"
        assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"} <= set(environment)
        assert environment["DATABASE_URL"].startswith("postgres://mirasapo_app:")  # not the owner
        assert "MIGRATION_DATABASE_URL" not in environment
    # web and worker scale (--scale): no fixed name, no host port; one entry point publishes.
    for name in ("web", "worker"):
        assert "container_name" not in services[name] and "ports" not in services[name], name
    assert services["proxy"]["ports"] and "web:8000" in (ROOT / "deploy" / "nginx.conf").read_text()
    assert "gunicorn" in " ".join(services["web"]["command"])


def test_the_image_collects_static_files_when_it_is_built():
    dockerfile = (ROOT / "Dockerfile").read_text()
    run_lines = [line for line in dockerfile.replace("\\\n", " ").splitlines() if line.startswith("RUN")]
    assert any("collectstatic" in line for line in run_lines), run_lines
    assert 'CMD ["gunicorn", "mirasapo.wsgi:application"]' in dockerfile  # settings in gunicorn.conf.py
