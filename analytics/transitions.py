"""The lifecycles of analytics (registered with core.transitions).

Research pledge: pending → approved | rejected | withdrawn;  approved → withdrawn.
EBPM analysis: pending → running (a worker claimed it);  running → done | failed, or back to
pending when its worker was lost (the beat job re-queues it).
"""

from __future__ import annotations

from core.transitions import StateMachine, register

from .models import EbpmAnalysis, ResearchPledge

PledgeStatus = ResearchPledge.Status

PLEDGE = register(StateMachine(
    model=ResearchPledge,
    edges={
        PledgeStatus.PENDING: frozenset({PledgeStatus.APPROVED, PledgeStatus.REJECTED, PledgeStatus.WITHDRAWN}),
        PledgeStatus.APPROVED: frozenset({PledgeStatus.WITHDRAWN}),
    },
))

AnalysisStatus = EbpmAnalysis.Status

EBPM_ANALYSIS = register(StateMachine(
    model=EbpmAnalysis,
    edges={
        AnalysisStatus.PENDING: frozenset({AnalysisStatus.RUNNING}),
        AnalysisStatus.RUNNING: frozenset({AnalysisStatus.DONE, AnalysisStatus.FAILED, AnalysisStatus.PENDING}),
    },
))
