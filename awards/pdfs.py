"""The PDF of each stage (交付申請書, 交付決定通知書, 実績報告書, 確定通知書, 精算払請求書), in
Japanese with the shipped font (core.pdf), from the award as stored."""

from __future__ import annotations

from django.utils import timezone

from applications.models import Program
from core.pdf import render_pdf

from .models import Award
from .services import CATEGORY_LABELS

STAGES = {
    "grant-request": "交付申請書",
    "grant-decision": "交付決定通知書",
    "report": "実績報告書",
    "confirmation": "確定通知書",
    "claim": "精算払請求書",
}


def stages_of(award: Award | None) -> list[str]:
    if award is None:
        return []
    reached = {
        "grant-request": True,
        "grant-decision": award.granted_at is not None,
        "report": award.reported_at is not None,
        "confirmation": award.confirmed_at is not None,
        "claim": award.claimed_at is not None,
    }
    return [stage for stage, ok in reached.items() if ok]


def render_stage(award: Award, stage: str) -> bytes:
    application = award.application
    lines = list(award.lines.all())
    business = application.business
    return render_pdf(f"awards/pdf/{stage.replace('-', '_')}.html", {
        "title": STAGES[stage], "award": award, "application": application, "business_name": business.name,
        "program": Program(application.program).label, "receipt_number": application.receipt_number or "",
        "plan": [(CATEGORY_LABELS.get(c, c), v) for c, v in award.plan.items()],
        "lines": [{"line": line, "category": CATEGORY_LABELS.get(line.category, line.category)} for line in lines],
        "ledger_total": sum(line.amount for line in lines),
        "accepted_total": sum(line.accepted_amount or 0 for line in lines),
        "deductions": [line for line in lines if line.deduction],
        "report": getattr(award, "report", None) if award.reported_at else None,
        "today": timezone.localdate(), "tax_label": "税込" if award.tax_mode == "included" else "税抜",
    })
