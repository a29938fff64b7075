"""The lifecycle of an outbox message (registered with core.transitions).

pending → sending (claimed just before SMTP) | cancelled (the recipient unsubscribed);
sending → sent | pending (a failed attempt, retried after its backoff) | failed (retries
exhausted) | cancelled (a re-claim after a lost worker finds the recipient unsubscribed).
A sending row whose lease ran out is claimed again without a status change (tasks._claim).
"""

from __future__ import annotations

from core.transitions import StateMachine, register

from .models import OutboxMessage

Status = OutboxMessage.Status

MACHINE = register(StateMachine(
    model=OutboxMessage,
    edges={
        Status.PENDING: frozenset({Status.SENDING, Status.CANCELLED}),
        Status.SENDING: frozenset({Status.SENT, Status.PENDING, Status.FAILED, Status.CANCELLED}),
    },
))
