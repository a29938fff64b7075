"""Building application states through the real services."""

from __future__ import annotations

from applications import services
from applications.prefill import offered_classes

ALL_CLASSES = set(range(1, 14))

COMPLETE_JIZOKUKA = {
    "plan_title": "新商品のネット販売による販路開拓",
    "sales_plan": "自社ECサイトを構築し、県外の顧客に新商品を販売する。",
    "efficiency_plan": "",
    "expected_effect": "売上高10%増",
    "tax_mode": "excluded",
    "revenue_expected": "no",
    "revenue_description": "",
    "expenses": [
        {"category": "advertising", "description": "チラシ作成", "amount": 300_000, "region": "", "nights": None, "lodging_per_night": None},
        {"category": "travel", "description": "展示会出張", "amount": 60_000, "region": "domestic_kou", "nights": 2, "lodging_per_night": 10_900},
    ],
}


def start_draft(user, *, subsidy_round=None, program="jizokuka_general", accepted=ALL_CLASSES):
    return services.application_start(actor=user, program=program, subsidy_round=subsidy_round, accepted_classes=set(accepted))


def complete_draft(user, application, **overrides):
    """A draft ready to submit: its content, and for a 持続化 draft the 様式4 issued by a
    商工会 of the business's area (through the real services, when the user is the Prime holder)."""
    content = {**COMPLETE_JIZOKUKA, **overrides}
    saved = services.application_save_draft(actor=user, application_id=application.pk, content=content, confirm_all=True)
    if saved.program == "jizokuka_general" and getattr(user, "is_prime", False):
        from tests.supportplans.helpers import issued

        issued(user, saved)
    return saved


def submitted(user, subsidy_round):
    application = complete_draft(user, start_draft(user, subsidy_round=subsidy_round))
    return services.application_submit(actor=user, application_id=application.pk, pledge=True)


__all__ = ["start_draft", "complete_draft", "submitted", "offered_classes", "COMPLETE_JIZOKUKA"]


def ensure_reference_data() -> None:
    """The policy and rounds 9-11 come from data migrations. A transactional test (the
    browser test, the concurrency test) flushes every table when it ends, so with
    --reuse-db a later session may start without them: reinstall them the same way."""
    import importlib

    from django.apps import apps

    from applications.models import SubsidyRound
    from consent.policy_loader import ensure_policy_installed

    ensure_policy_installed()
    if not SubsidyRound.objects.filter(program="jizokuka_general", number=9).exists():
        importlib.import_module("applications.migrations.0003_rounds_9_to_11").forwards(apps, None)
    from applications.models import Frame, TravelArea

    if not TravelArea.objects.exists() or not Frame.objects.filter(subsidy_round__number=9).exists():
        importlib.import_module("applications.migrations.0007_rules_data").forwards(apps, None)
    from documents.models import DocumentRequirement

    if not DocumentRequirement.objects.exists():
        importlib.import_module("documents.migrations.0002_requirements").forwards(apps, None)
