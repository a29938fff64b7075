"""Sign-in lockout per (account, address), per account and per address — in the database,
so that one person's typos never lock an office out and the limits hold without Redis."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts import lockout
from accounts.models import LoginFailure
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.10"
HOME = "198.51.100.7"


def _sign_in(client, email: str, password: str, ip: str):
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip)


def _signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def test_five_failures_lock_that_account_from_that_address_only(client):
    guessed, colleague = UserFactory(), UserFactory()
    for _ in range(lockout.PAIR_LIMIT):
        assert _sign_in(client, guessed.email, "wrong password 1", OFFICE).status_code == 200
    locked = _sign_in(client, guessed.email, PASSWORD, OFFICE)
    assert locked.status_code == 200 and not _signed_in(locked)  # even the right password, for now
    client.logout()
    # A colleague behind the same office address is not locked out ...
    assert _signed_in(_sign_in(client, colleague.email, PASSWORD, OFFICE))
    client.logout()
    # ... nor the owner of the account from another address.
    assert _signed_in(_sign_in(client, guessed.email, PASSWORD, HOME))


def test_the_pair_lock_ends_after_its_window(client):
    user = UserFactory()
    for _ in range(lockout.PAIR_LIMIT):
        _sign_in(client, user.email, "wrong password 1", OFFICE)
    LoginFailure.objects.update(at=timezone.now() - lockout.PAIR_WINDOW - dt.timedelta(seconds=1))
    assert _signed_in(_sign_in(client, user.email, PASSWORD, OFFICE))


def test_a_distributed_guess_at_one_account_meets_the_slower_global_limit(client):
    user = UserFactory()
    for n in range(lockout.ACCOUNT_LIMIT):  # each from its own address: no pair limit is reached
        LoginFailure.objects.create(email=user.email, ip=f"192.0.2.{n + 1}")
    assert lockout.is_locked(email=user.email, ip="192.0.2.250")
    assert not _signed_in(_sign_in(client, user.email, PASSWORD, "192.0.2.250"))
    assert not lockout.is_locked(email=UserFactory().email, ip="192.0.2.250")


def test_spraying_many_accounts_from_one_address_is_limited(client):
    for n in range(lockout.IP_LIMIT):
        LoginFailure.objects.create(email=f"user{n}@example.jp", ip=OFFICE)
    assert lockout.is_locked(email="someone-else@example.jp", ip=OFFICE)
    assert not lockout.is_locked(email="someone-else@example.jp", ip=HOME)


def test_failures_are_recorded_in_the_database_not_the_cache(client, settings):
    user = UserFactory()
    _sign_in(client, user.email, "wrong password 1", OFFICE)
    assert LoginFailure.objects.filter(email=user.email, ip=OFFICE).count() == 1
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] is False


def test_old_failures_are_pruned():
    LoginFailure.objects.create(email="a@example.jp", ip=OFFICE, at=timezone.now() - lockout.KEEP - dt.timedelta(hours=1))
    LoginFailure.objects.create(email="a@example.jp", ip=OFFICE)
    assert lockout.prune() == 1 and LoginFailure.objects.count() == 1
