"""The lifecycle of a disclosure request (registered with core.transitions).

pending → approved | rejected | expired;  approved → revoked | expired.
Decision and closing dates are set by the services in disclosure/services.py, which
call core.transitions.transition on a locked row.
"""

from __future__ import annotations

from core.transitions import StateMachine, register

from .models import DisclosureRequest

Status = DisclosureRequest.Status

MACHINE = register(StateMachine(
    model=DisclosureRequest,
    edges={
        Status.PENDING: frozenset({Status.APPROVED, Status.REJECTED, Status.EXPIRED}),
        Status.APPROVED: frozenset({Status.REVOKED, Status.EXPIRED}),
    },
))
