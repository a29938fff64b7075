"""Two database roles: the owner, who runs migrations and owns every table, and the
application's role (DATABASE_URL), which reads and writes rows and nothing else.

The application's role owns no table, so it cannot ALTER one, DISABLE its triggers or
DROP it; it has no TRUNCATE privilege anywhere; and on the append-only tables it may only
SELECT and INSERT. A bug or an injected statement in the application therefore cannot
erase the audit log; only the owner could, and the owner's credentials live with the
migration job (MIGRATION_DATABASE_URL), not with the running web and worker processes.

`grant_app_role` runs after every `migrate` (core.apps, post_migrate), as the owner, so
tables added later get the same grants. It creates the role when the owner may
(CREATEROLE), with the password from DATABASE_URL.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.apps import AppConfig
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

# Tables whose rows, once written, never change or go (insert and read only).
APPEND_ONLY_TABLES = ("core_auditevent", "core_statuschange")
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _ident(name: str) -> str:
    if not _ROLE_NAME.match(name):
        raise ValueError(f"unexpected database identifier {name!r}")
    return f'"{name}"'


def grant_app_role(connection: BaseDatabaseWrapper, role: str, password: str = "") -> None:
    from psycopg import sql

    quoted = _ident(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            secret = sql.SQL(" PASSWORD {}").format(sql.Literal(password)).as_string(cursor.cursor) if password else ""
            cursor.execute(f"CREATE ROLE {quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION{secret}")
            logger.info("created the application's database role %s", role)
        elif row[0]:
            raise RuntimeError(f"the application's database role {role} is a superuser; it must not be")
        cursor.execute("SELECT current_database(), current_setting('server_version_num')::int")
        database, version = cursor.fetchone()
        cursor.execute(f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO {quoted}')
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {quoted}")
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}")
        if version >= 170000:
            # ANALYZE after a bulk load (linkage) needs MAINTAIN (PostgreSQL 17+), not ownership.
            cursor.execute(f"GRANT MAINTAIN ON ALL TABLES IN SCHEMA public TO {quoted}")
        cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
        for table in APPEND_ONLY_TABLES:
            cursor.execute("SELECT to_regclass(%s)", [table])
            if cursor.fetchone()[0] is None:
                continue
            cursor.execute(f"REVOKE ALL ON {_ident(table)} FROM {quoted}")
            cursor.execute(f"GRANT SELECT, INSERT ON {_ident(table)} TO {quoted}")


def grant_after_migrate(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: once per migrate run (sent for each app; we act on core's)."""
    from django.conf import settings
    from django.db import connections

    role = getattr(settings, "DATABASE_APP_ROLE", "")
    if not role or sender.name != "core":
        return
    grant_app_role(connections[using], role, getattr(settings, "DATABASE_APP_PASSWORD", ""))
