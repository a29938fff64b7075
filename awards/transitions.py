"""The lifecycle of an award (registered with core.transitions).

requested (交付申請) → granted (交付決定);
granted → change_requested (計画変更) | reported (実績報告);  change_requested → granted
(approved or refused, the decision is on the PlanChange);  reported → confirmed (確定検査);
confirmed → claimed (精算払請求);  claimed → paid.

Every step the agency takes tells the applicant by mail (outbox) and by a notice in the
portal (お知らせ), in the transaction of the step, each once (idempotency key).
"""

from __future__ import annotations

from core.transitions import StateMachine, TransitionEvent, history, register
from notifications.services import mail_enqueue, notice_post

from .models import Award

Status = Award.Status

# The steps the agency takes, of which the applicant is told (mail and お知らせ).
TOLD = frozenset({Status.GRANTED, Status.CONFIRMED, Status.PAID})


def _after(event: TransitionEvent) -> None:
    award = event.obj
    assert isinstance(award, Award)
    if event.from_status == Status.CHANGE_REQUESTED:
        step = "change_decided"
    elif event.to_status in TOLD:
        step = event.to_status
    else:
        return
    application = award.application
    recipient = award.requested_by or application.submitted_by or application.created_by
    if recipient is None:
        return
    key = f"award:{award.pk}:{step}:{history(award).count()}"
    mail_enqueue(to_user=recipient, template="award_step", category="applications", idempotency_key=key,
                 context={"application_id": application.pk, "receipt_number": application.receipt_number or "",
                          "program": application.program, "status": step})
    notice_post(user=recipient, key=key, kind=f"award_{step}", url=f"/awards/{application.pk}/")


MACHINE = register(StateMachine(
    model=Award,
    edges={
        Status.REQUESTED: frozenset({Status.GRANTED}),
        Status.GRANTED: frozenset({Status.CHANGE_REQUESTED, Status.REPORTED}),
        Status.CHANGE_REQUESTED: frozenset({Status.GRANTED}),
        Status.REPORTED: frozenset({Status.CONFIRMED}),
        Status.CONFIRMED: frozenset({Status.CLAIMED}),
        Status.CLAIMED: frozenset({Status.PAID}),
    },
    after=_after,
))
