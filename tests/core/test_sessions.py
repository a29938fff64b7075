"""core.sessions: Django's database session store with its read built once (issue 16) loads
what Django's own store loads, in one query, and nothing once the row is expired or gone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_session_loads_as_djangos_store_loads_it(django_assert_num_queries):
    store = SessionStore()
    store.update({"_auth_user_id": "42", "last_seen": 1_700_000_000, "名前": "試験"})
    store.save()
    with django_assert_num_queries(1):
        ours = SessionStore(store.session_key).load()
    assert ours == DjangoStore(store.session_key).load() == {"_auth_user_id": "42", "last_seen": 1_700_000_000, "名前": "試験"}


def test_an_expired_or_unknown_session_loads_empty_and_forgets_its_key():
    store = SessionStore()
    store["x"] = 1
    store.save()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    for key in (store.session_key, "nosuchsessionkey0123456789abcdef"):
        loaded = SessionStore(key)
        assert loaded.load() == {} and loaded.session_key is None


def test_the_portal_uses_it(settings, client):
    assert settings.SESSION_ENGINE == "core.sessions"
    session = client.session
    assert isinstance(session, SessionStore)
