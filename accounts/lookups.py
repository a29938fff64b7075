"""The two reads every signed-in request makes, with their SQL built once (issue 16).

A session's user with its membership (accounts.backends) and an API token with its user
and membership (accounts.authentication) are read on every signed-in request. Through the
ORM each cost ~1.1 ms (the token ~1.5 ms) of CPU on this machine, of which ~0.9 ms is
compiling the same SELECT again; the query itself is ~0.2 ms. Here the SELECT is built once
per process from the models' own metadata (every concrete column, in the models' order)
and its row turned into model instances with Model.from_db, as the ORM's select_related
does: the same objects, the related ones cached on each other (tests/accounts/
test_lookups.py compares them with the ORM's, field by field). Still one query, on the
database the router gives the model, so always the current rows: nothing is cached but
the text of the query.
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import Model

from .models import ApiToken, Membership, User


def _quote(name: str | None) -> str:
    from django.db import connection

    assert name is not None  # every column here has a name
    return connection.ops.quote_name(name)


def _column(model: type[Model], field_name: str) -> str:
    return _quote(getattr(model._meta.get_field(field_name), "column", None))


def _columns(model: type[Model], alias: str) -> tuple[list[str], str]:
    fields = list(model._meta.concrete_fields)
    return [f.attname for f in fields], ", ".join(f"{alias}.{_quote(f.column)}" for f in fields)


@functools.cache
def _user_sql() -> tuple[str, list[str], list[str]]:
    user_names, user_cols = _columns(User, "u")
    member_names, member_cols = _columns(Membership, "m")
    sql = (f"SELECT {user_cols}, {member_cols} FROM {_quote(User._meta.db_table)} u "
           f"LEFT OUTER JOIN {_quote(Membership._meta.db_table)} m ON m.{_column(Membership, 'user')} = u.{_column(User, 'id')} "
           f"WHERE u.{_column(User, 'id')} = %s")
    return sql, user_names, member_names


@functools.cache
def _token_sql() -> tuple[str, list[str], list[str], list[str]]:
    token_names, token_cols = _columns(ApiToken, "t")
    user_names, user_cols = _columns(User, "u")
    member_names, member_cols = _columns(Membership, "m")
    sql = (f"SELECT {token_cols}, {user_cols}, {member_cols} FROM {_quote(ApiToken._meta.db_table)} t "
           f"INNER JOIN {_quote(User._meta.db_table)} u ON u.{_column(User, 'id')} = t.{_column(ApiToken, 'user')} "
           f"LEFT OUTER JOIN {_quote(Membership._meta.db_table)} m ON m.{_column(Membership, 'user')} = u.{_column(User, 'id')} "
           f"WHERE t.{_column(ApiToken, 'key_hash')} = %s")
    return sql, token_names, user_names, member_names


def _fetch_one(model: type[Model], sql: str, params: list[Any]) -> tuple[str, tuple[Any, ...] | None]:
    db = router.db_for_read(model)
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        return db, cursor.fetchone()


def _user_and_membership(db: str, row: tuple[Any, ...], user_names: list[str], member_names: list[str]) -> User:
    user = User.from_db(db, user_names, row[:len(user_names)])
    member_values = row[len(user_names):]
    membership = None
    if member_values[member_names.index("id")] is not None:
        membership = Membership.from_db(db, member_names, member_values)
        Membership._meta.get_field("user").set_cached_value(membership, user)
    # As select_related() leaves it: user.membership without a query, and DoesNotExist
    # without one either when there is none.
    User._meta.get_field("membership").set_cached_value(user, membership)
    return user


def user_with_membership(user_id: object) -> User | None:
    """User.objects.select_related("membership").get(pk=user_id), or None."""
    try:
        pk = User._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    sql, user_names, member_names = _user_sql()
    db, row = _fetch_one(User, sql, [pk])
    return None if row is None else _user_and_membership(db, row, user_names, member_names)


def token_with_user(key_hash: str) -> ApiToken | None:
    """ApiToken.objects.select_related("user", "user__membership").get(key_hash=key_hash), or None."""
    sql, token_names, user_names, member_names = _token_sql()
    db, row = _fetch_one(ApiToken, sql, [key_hash])
    if row is None:
        return None
    token = ApiToken.from_db(db, token_names, row[:len(token_names)])
    user = _user_and_membership(db, row[len(token_names):], user_names, member_names)
    ApiToken._meta.get_field("user").set_cached_value(token, user)
    return token
