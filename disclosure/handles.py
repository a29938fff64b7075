"""Opaque references to rows of the anonymised company list.

Staff choose a company from a list that shows no name and no number; the row carries a
handle, which the request form posts back. The handle is encrypted (Fernet, key derived
from SECRET_KEY) and bound to the institution, so it reveals no identifier, cannot be
forged, and is useless to another institution. It expires after a day.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

MAX_AGE_SECONDS = 24 * 60 * 60


def _fernet() -> Fernet:
    key = hashlib.sha256(f"mirasapo.disclosure.handle:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def make_handle(*, business_id: int, institution_id: int) -> str:
    return _fernet().encrypt(f"{institution_id}:{business_id}".encode()).decode()


def read_handle(handle: str, *, institution_id: int) -> int | None:
    """The business id behind a handle made for this institution, or None."""
    try:
        plain = _fernet().decrypt(handle.encode(), ttl=MAX_AGE_SECONDS).decode()
        owner, business_id = plain.split(":")
    except (InvalidToken, ValueError, UnicodeError):
        return None
    if int(owner) != institution_id:
        return None
    return int(business_id)
