"""The lifecycle of a review item (registered with core.transitions).

pending → confirmed | rejected (agency staff decide) | superseded (a later record of the
same partner record found its business by itself).
"""

from __future__ import annotations

from core.transitions import StateMachine, register

from .models import ReviewItem

Status = ReviewItem.Status

MACHINE = register(StateMachine(
    model=ReviewItem,
    edges={Status.PENDING: frozenset({Status.CONFIRMED, Status.REJECTED, Status.SUPERSEDED})},
))
