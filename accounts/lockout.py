"""Sign-in lockout, kept in the database.

Three windows, so that one person cannot lock an office out while guessing stays slow:
- per (account, IP address): PAIR_LIMIT failures in PAIR_WINDOW lock that pair only —
  colleagues behind the same office address, and the owner from another address, can
  still sign in;
- per account, from any address (the slower global limit): ACCOUNT_LIMIT failures in
  ACCOUNT_WINDOW — a distributed guess at one password gets a few dozen tries an hour;
- per IP address, across accounts: IP_LIMIT failures in IP_WINDOW — password spraying
  from one address, set high enough that an office's honest typos never reach it.

Counting in the database rather than the cache is the choice made for a Redis outage:
the limits that protect passwords keep holding (allauth's other, cache-based limits fail
open; see core/cache.py). Successful sign-ins do not wipe failures, so an attacker cannot
reset the count by signing in to an account of their own in between.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import LoginFailure

PAIR_LIMIT, PAIR_WINDOW = 5, dt.timedelta(minutes=15)
ACCOUNT_LIMIT, ACCOUNT_WINDOW = 30, dt.timedelta(hours=1)
IP_LIMIT, IP_WINDOW = 200, dt.timedelta(hours=1)
KEEP = dt.timedelta(days=2)


def _email(value: object) -> str:
    return str(value or "").strip().lower()[:254]


def is_locked(*, email: str, ip: str, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    email = _email(email)
    recent = LoginFailure.objects.filter(at__gte=now - max(PAIR_WINDOW, ACCOUNT_WINDOW, IP_WINDOW))
    if email:
        if recent.filter(email=email, ip=ip, at__gte=now - PAIR_WINDOW).count() >= PAIR_LIMIT:
            return True
        if recent.filter(email=email, at__gte=now - ACCOUNT_WINDOW).count() >= ACCOUNT_LIMIT:
            return True
    return recent.filter(ip=ip, at__gte=now - IP_WINDOW).count() >= IP_LIMIT


def record_failure(*, email: str, ip: str) -> None:
    LoginFailure.objects.create(email=_email(email), ip=ip)


def prune(now: dt.datetime | None = None) -> int:
    """Beat job: failures older than every window are of no further use."""
    deleted, _ = LoginFailure.objects.filter(at__lt=(now or timezone.now()) - KEEP).delete()
    return deleted
