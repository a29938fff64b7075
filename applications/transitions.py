"""The lifecycle of an application (registered with core.transitions).

draft → submitted | withdrawn;  submitted → under_review | certified | withdrawn;
under_review → adopted | not_adopted | certified | withdrawn | returned (差戻し);
returned → submitted (corrected) | withdrawn;  adopted → completed (the old free-text
report, only while no grant was requested: after that the award's steps carry on, see
awards/lifecycle.py).
Adoption and completion are for subsidies only, certification for procedures only.

Every change also records an ApplicationEvent (unique per application and status: a
second concurrent submission fails and rolls back) and tells the applicant through the
outbox, except a withdrawal, which the applicant made themselves.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.transitions import StateMachine, TransitionEvent, register
from notifications.services import mail_enqueue

from .models import Application, ApplicationEvent

Status = Application.Status

SUBSIDY_ONLY = frozenset({Status.ADOPTED, Status.NOT_ADOPTED, Status.COMPLETED})
PROCEDURE_ONLY = frozenset({Status.CERTIFIED})
# Before a decision the applicant may withdraw (取下げ).
WITHDRAWABLE = frozenset({Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.RETURNED})


def _check(application: Application, to: str) -> None:
    if (application.is_procedure and to in SUBSIDY_ONLY) or (not application.is_procedure and to in PROCEDURE_ONLY):
        raise ApplicationError(_("This step does not apply to this kind of application."))
    # Once the grant is requested the award's steps carry the lifecycle (awards.lifecycle);
    # the old free-text completion report would fork it. (The award by its relation's
    # name: applications does not import the awards app.)
    if to == Status.COMPLETED and Application.objects.filter(pk=application.pk, award__isnull=False).exists():
        raise ApplicationError(_("The grant was requested: report the project through the performance report of the "
                                 "subsidy page, not a completion report."))


def _after(event: TransitionEvent) -> None:
    application = event.obj
    assert isinstance(application, Application)
    ApplicationEvent.objects.create(application=application, from_status=event.from_status, to_status=event.to_status,
                                    actor=event.actor, cycle=max(application.submission_count, 1))
    recipient = application.submitted_by or application.created_by
    if recipient is not None and event.to_status != Status.WITHDRAWN:
        mail_enqueue(
            to_user=recipient, template="application_status", category="applications",
            idempotency_key=f"application:{application.pk}:status:{event.to_status}", business_id=application.business_id,
            context={"application_id": application.pk, "receipt_number": application.receipt_number or "",
                     "program": application.program, "status": event.to_status, "plan_title": application.plan_title},
        )


MACHINE = register(StateMachine(
    model=Application,
    edges={
        Status.DRAFT: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
        Status.SUBMITTED: frozenset({Status.UNDER_REVIEW, Status.CERTIFIED, Status.WITHDRAWN}),
        Status.UNDER_REVIEW: frozenset({Status.ADOPTED, Status.NOT_ADOPTED, Status.CERTIFIED, Status.WITHDRAWN,
                                        Status.RETURNED}),
        # 差戻し: the applicant corrects and submits again, or withdraws.
        Status.RETURNED: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
        Status.ADOPTED: frozenset({Status.COMPLETED}),
    },
    check=_check,
    after=_after,
))
