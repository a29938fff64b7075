"""The lifecycle of a 様式4 request (registered with core.transitions).

requested → in_review (the advisor takes it up) | commented | declined | withdrawn;
in_review → commented | issued | declined | withdrawn;
commented → in_review (the applicant replies) | issued | declined | withdrawn.
issued, declined and withdrawn are final. Issuing needs the advisor to have taken the
request up first (a request still "requested" cannot be issued: out of order).
"""

from __future__ import annotations

from core.transitions import StateMachine, register

from .models import SupportPlanRequest

Status = SupportPlanRequest.Status

OPEN = frozenset({Status.REQUESTED, Status.IN_REVIEW, Status.COMMENTED})

MACHINE = register(StateMachine(
    model=SupportPlanRequest,
    edges={
        Status.REQUESTED: frozenset({Status.IN_REVIEW, Status.COMMENTED, Status.DECLINED, Status.WITHDRAWN}),
        Status.IN_REVIEW: frozenset({Status.COMMENTED, Status.ISSUED, Status.DECLINED, Status.WITHDRAWN}),
        Status.COMMENTED: frozenset({Status.IN_REVIEW, Status.ISSUED, Status.DECLINED, Status.WITHDRAWN}),
    },
))
