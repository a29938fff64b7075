"""The lifecycles of analytics (registered with core.transitions).

Research pledge: pending → approved | rejected | withdrawn;  approved → withdrawn.
"""

from __future__ import annotations

from core.transitions import StateMachine, register

from .models import ResearchPledge

PledgeStatus = ResearchPledge.Status

PLEDGE = register(StateMachine(
    model=ResearchPledge,
    edges={
        PledgeStatus.PENDING: frozenset({PledgeStatus.APPROVED, PledgeStatus.REJECTED, PledgeStatus.WITHDRAWN}),
        PledgeStatus.APPROVED: frozenset({PledgeStatus.WITHDRAWN}),
    },
))
