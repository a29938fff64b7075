"""Django's database sessions with the one read every signed-in request makes built once
(issue 16; SESSION_ENGINE).

Loading a session through the ORM cost ~0.7 ms of CPU on this machine, nearly all of it
compiling the same SELECT again; this store runs that SELECT (the row by its key, if not
expired) from SQL built once from the model's metadata and leaves everything else —
creating, saving, deleting, the exists check — to Django's store. Still the database on
every read: no copy elsewhere that a sign-out could fail to remove (a cache-backed store
would keep serving a deleted session while Redis is unreachable during the delete).
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

FIELDS = ("session_key", "session_data", "expire_date")


@functools.cache
def _select(model: Any) -> str:
    from django.db import connection

    quote = connection.ops.quote_name
    columns = {name: quote(model._meta.get_field(name).column) for name in FIELDS}
    return (f"SELECT {', '.join(columns.values())} FROM {quote(model._meta.db_table)} "
            f"WHERE {columns['session_key']} = %s AND {columns['expire_date']} > %s")


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        """As Django's: the row, or None (and the key forgotten) when it is absent or expired."""
        db = router.db_for_read(self.model)
        with connections[db].cursor() as cursor:
            cursor.execute(_select(self.model), [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model.from_db(db, list(FIELDS), row)
