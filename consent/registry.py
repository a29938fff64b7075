"""Which data class each field belongs to: the one registry every app uses.

Models declare `DATA_CLASSES = {field_name: class_code}` beside their fields; this module
reads those declarations, so a field and its class are written in one place. The item
lists of the policy's footnotes (※4, ※5, ※6) are named here, once.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models

IDENTITY = 1
JOINT_APPLICANTS = 2
BUSINESS = 3
SUCCESSION = 4
CONTACT_PERSON = 5
FINANCIALS = 6
BUSINESS_PLAN = 7
APPLICATION_CONTENT = 8
REVIEW = 9
PROGRAM_USAGE = 10
CHALLENGES = 11
SUPPORT_INSTITUTION = 12
SUPPORT_RECORD = 13
ALL_DATA_CLASSES = tuple(range(1, 14))

# ※5: what an approved researcher receives (api.md gives the extract's column order).
RESEARCH_EXTRACT_COLUMNS: tuple[tuple[str, int], ...] = (
    ("corporate_number", IDENTITY),
    ("sole_proprietor_name", IDENTITY),
    ("address", IDENTITY),
    ("representative", IDENTITY),
    ("phone", IDENTITY),
    ("employees", IDENTITY),
    ("capital", IDENTITY),
    ("offices", IDENTITY),
    ("founded_year", IDENTITY),
    ("prefecture", IDENTITY),
    ("industry_jsic_middle", IDENTITY),
    ("sales", FINANCIALS),
    ("ordinary_profit", FINANCIALS),
    ("value_added", FINANCIALS),
    ("review_result", REVIEW),
    ("review_score", REVIEW),
    ("program", PROGRAM_USAGE),
    ("application_fiscal_year", PROGRAM_USAGE),
    ("implementation_fiscal_year", PROGRAM_USAGE),
    ("round", PROGRAM_USAGE),
)

# ※6 (and ※4, which is the same set of items as published at adoption).
OPEN_DATA_COLUMNS: tuple[tuple[str, int], ...] = (
    ("corporate_number", IDENTITY),
    ("name", IDENTITY),
    ("prefecture", IDENTITY),
    ("municipality", IDENTITY),
    ("plan_title", APPLICATION_CONTENT),
    ("program", PROGRAM_USAGE),
    ("fiscal_year", PROGRAM_USAGE),
    ("round", PROGRAM_USAGE),
    ("result", PROGRAM_USAGE),
    ("support_institution", SUPPORT_INSTITUTION),
)


# The same ※ lists at the level of model fields, for consent.projection: what a researcher
# (recipient 4, ※5) and what other SMEs and the public (recipients 6 and 8, ※4/※6) may
# receive of a record at all. Nothing inside a JSON document is on these lists.
RESEARCH_ITEMS: dict[str, frozenset[str]] = {
    "companies.business": frozenset({
        "corp_type", "corporate_number", "name", "address", "representative_name", "phone", "employees", "capital",
        "offices", "founded_year", "prefecture", "industry_jsic",
    }),
    "companies.financialyear": frozenset({
        # ※5 付加価値額 (粗利、減価償却費): the extract sends the sum, computed from these two.
        "fiscal_year", "sales", "ordinary_profit", "operating_profit", "personnel_cost", "depreciation", "gross_profit",
    }),
    "applications.application": frozenset({
        "review_result", "review_score", "program", "fiscal_year", "implementation_fiscal_year", "round_number",
    }),
}
PUBLISHED_ITEMS: dict[str, frozenset[str]] = {
    "companies.business": frozenset({"corporate_number", "name", "prefecture", "municipality"}),
    "applications.application": frozenset({
        "plan_title", "program", "fiscal_year", "round_number", "status", "support_institution",
        # ※6: for a procedure whose applicant opted in, the fact and date of certification.
        "certified_on",
    }),
}

# ※4/※6 are published at adoption: rows of other states publish nothing.
PUBLISHED_WHEN: dict[str, tuple[str, frozenset[str]]] = {
    "applications.application": ("status", frozenset({"adopted", "completed"})),
}


@cache
def _field_classes() -> dict[str, dict[str, int]]:
    registry: dict[str, dict[str, int]] = {}
    for model in apps.get_models():
        declared = getattr(model, "DATA_CLASSES", None)
        if declared:
            registry[model._meta.label_lower] = dict(declared)
    return registry


def data_class_of(model: type[models.Model] | models.Model, field: str) -> int:
    """The data class of `model.field`; KeyError for a field that is not business data."""
    return _field_classes()[model._meta.label_lower][field]


def fields_of_class(model: type[models.Model] | models.Model, data_class: int) -> list[str]:
    return [f for f, c in _field_classes().get(model._meta.label_lower, {}).items() if c == data_class]


def classified_models() -> dict[str, dict[str, int]]:
    """Every model holding business data and its field → class map (for tests and docs)."""
    return dict(_field_classes())


# --- items inside JSON documents ---------------------------------------------------------
#
# A value's class belongs to the value, never to the document that holds it: an
# application's `content` holds the company's name (class 1), its contact person (5), its
# latest financials (6), the plan (8) and the successor's name (4) side by side. Every JSON
# field of every model is described here, key by key, with each item's class and origin;
# consent.projection walks a document with its schema and keeps only the items the decision
# allows, and consent.apps refuses a write with a key the schema does not know.
#
# Node kinds:
#   Item(class, origin)  a leaf (a scalar, or a value treated as one); class None = system
#                        metadata that is no business data (ids, counters, flags of the
#                        portal itself), released with the document that holds it
#   Doc({key: node})     an object whose keys are all known
#   ListOf(node)         a list of nodes
#   MapOf(node)          an object whose keys are not data (counters by name) - its values are
#   RowClass(column)     a leaf whose class is stored in a column of the same row
#                        (companies.RecordChange.before/after take the changed field's class)
#   SystemLog()          free keys, system metadata only, never released as business data
#                        (core.AuditEvent.data: identifiers and choices, no personal data;
#                        shown to agency staff in the read-only admin only)

RECORD, PROCEDURE, PARTNER, SYSTEM = "record", "procedure", "partner", "system"
ORIGINS = (RECORD, PROCEDURE, PARTNER, SYSTEM)


@dataclass(frozen=True)
class Item:
    data_class: int | None
    origin: str = RECORD


@dataclass(frozen=True)
class Doc:
    keys: Mapping[str, Node]


@dataclass(frozen=True)
class ListOf:
    item: Node


@dataclass(frozen=True)
class MapOf:
    value: Node


@dataclass(frozen=True)
class RowClass:
    column: str


@dataclass(frozen=True)
class SystemLog:
    pass


Node = Item | Doc | ListOf | MapOf | RowClass | SystemLog
META = Item(None, SYSTEM)


def _items(data_class: int, names: str, origin: str = RECORD) -> dict[str, Item]:
    return {name: Item(data_class, origin) for name in names.split()}


# The application form: the record fields it is pre-filled with (applications.prefill
# PREFILL_FIELDS, each with the class of its record field) and the application's own items.
APPLICATION_CONTENT_ITEMS: dict[str, Item] = {
    **_items(IDENTITY, "company_name company_name_kana corporate_number prefecture municipality address "
                       "representative_name representative_birth_date phone employees capital founded_year industry_jsic"),
    **_items(JOINT_APPLICANTS, "joint_applicants"),
    **_items(BUSINESS, "business_description main_products customers consumption_tax_status"),
    **_items(CONTACT_PERSON, "contact_name contact_department contact_phone contact_email"),
    **_items(FINANCIALS, "fy_year fy_sales fy_gross_profit fy_operating_profit fy_personnel_cost fy_depreciation"),
    **_items(BUSINESS_PLAN, "plan_overview plan_market plan_strengths plan_policy"),
    # From a certified 経営力向上計画 (a procedure): the procedure-origin rule applies.
    **_items(PROGRAM_USAGE, "keieiryoku_certified_on", PROCEDURE),
    **_items(APPLICATION_CONTENT, "plan_title sales_plan efficiency_plan expected_effect tax_mode revenue_expected "
                                  "revenue_description bonus_succession bonus_depopulated bonus_keieiryoku plan_content"),
    # The successor candidate who leads the project (事業承継加点) is succession data.
    **_items(SUCCESSION, "successor_name"),
    **_items(PROGRAM_USAGE, "data_use_consent"),
    # The 持続化 form's conditions (applications.rules, seed 003 §1-§9): the business's
    # attributes, its tax and financial position, its succession and its use of programs
    # each keep their own class; the application's own answers are class 8.
    **_items(IDENTITY, "industry_group opened_on"),
    # §2 (d-2): part-time staff and the scheduled time of the 3/4 test, with the staff count.
    **_items(IDENTITY, "part_time_staff regular_daily_hours regular_weekly_hours regular_monthly_days part_daily_hours "
                       "part_weekly_hours part_monthly_days"),
    **_items(BUSINESS, "was_tax_exempt"),
    **_items(SUCCESSION, "successor_finalist"),
    **_items(FINANCIALS, "deficit lowest_wage_hourly"),
    **_items(APPLICATION_CONTENT, "industry_group_reason plans_growth_beyond_limit invoice_special planned_wage_hourly "
                                  "wage_ledger_items worker_register_items"),
    # The id of the round's frame the applicant applies for (applications.rules).
    **_items(APPLICATION_CONTENT, "frame"),
    **_items(PROGRAM_USAGE, "specific_startup_support"),
}
EXPENSE_LINE = Doc(_items(APPLICATION_CONTENT, "category description amount region nights lodging_per_night travel_item "
                                              "building_work outer_closure land_fixed usable_space"))
APPLICATION_CONTENT_DOC = Doc({
    **APPLICATION_CONTENT_ITEMS,
    "expenses": ListOf(EXPENSE_LINE),
    "_seq": META,  # the form's save counter
})
# prefill: {form field: {value, class, source, recorded_at, object_id}}: the value, its
# source and its date carry the class of the form field.
PREFILL_DOC = Doc({
    name: Doc({"value": item, "source": item, "recorded_at": item, "class": META, "object_id": META})
    for name, item in APPLICATION_CONTENT_ITEMS.items()
})
CLASS_CODES = ListOf(META)

SNAPSHOT_DOC = Doc({
    # submission: which submission of the application this is (1, then 2 after a correction...).
    **_items(PROGRAM_USAGE, "receipt_number submitted_at program round fiscal_year data_use_consent submission"),
    **_items(APPLICATION_CONTENT, "pledge pledge_text requested_amount"),
    "business": Doc({"id": META, **_items(IDENTITY, "corporate_number name")}),
    "content": APPLICATION_CONTENT_DOC,
    "prefill": PREFILL_DOC,
    "declined_classes": CLASS_CODES,
    # The frame applied for, with its rate and cap (applications.rules): the application's content.
    "frame": Doc(_items(APPLICATION_CONTENT, "kind rate cap")),
})

JSON_SCHEMAS: dict[str, Node] = {
    "applications.application.content": APPLICATION_CONTENT_DOC,
    "applications.application.prefill": PREFILL_DOC,
    "applications.application.declined_classes": CLASS_CODES,
    "applications.application.confirmed_fields": ListOf(META),  # form field names
    "applications.application.snapshot": SNAPSHOT_DOC,
    # Every submitted version (差戻し and resubmission): the same document as the snapshot.
    "applications.applicationsnapshot.data": SNAPSHOT_DOC,
    # A 差戻し's reason for each field: about the application's content (class 8).
    "applications.applicationcorrection.reasons": MapOf(Item(APPLICATION_CONTENT)),
    "companies.recordchange.before": RowClass("data_class"),
    "companies.recordchange.after": RowClass("data_class"),
    # Partner systems' records (linkage): a payload awaiting review is the partner's copy.
    "linkage.reviewitem.payload": Doc({
        "kind": META, "record_id": META,
        **_items(IDENTITY, "corporate_number name name_kana prefecture municipality address", PARTNER),
        **_items(FINANCIALS, "fiscal_year sales gross_profit operating_profit ordinary_profit net_income depreciation "
                             "personnel_cost total_assets net_assets interest_bearing_debt cash_and_deposits receivables "
                             "inventory payables employees", PARTNER),
        **_items(SUPPORT_RECORD, "supported_on theme summary", PARTNER),
    }),
    "linkage.reviewitem.candidates": ListOf(Doc({"business_id": META, "score": META})),
    "linkage.intakebatch.counts": MapOf(META),
    "linkage.intakebatch.response_body": Doc({
        "accepted": META, "batch": META, "received_at": META,
        "records": ListOf(Doc({"index": META, "kind": META, "record_id": META, "status": META})),
    }),
    # Mail bodies (the outbox row keeps what the mail will say).
    "notifications.outboxmessage.context": Doc({
        **{k: META for k in (
            "application_id", "request_id", "disclosure_request_id", "status", "purpose", "data_classes",
            "approved_data_classes", "valid_until", "approved_until", "reason", "deadline", "days", "is_draft",
            "path", "policy_version", "changed_at", "denied", "allowed", "actor_email", "prime_email", "email",
            "current_site", "subject", "body", "html", "note", "search_name", "item_name", "request",
            "week", "version", "date", "at", "counter", "portal_base_url", "preferences_url", "unsubscribe_url",
            "due_on", "step_label",
        )},
        **_items(SUPPORT_INSTITUTION, "institution requested_by message"),
        **_items(PROGRAM_USAGE, "program receipt_number"),
        **_items(APPLICATION_CONTENT, "plan_title"),
        **_items(IDENTITY, "business business_name"),
        "programs": ListOf(MapOf(META)),  # public catalogue items (programs are not business data)
    }),
    # After adoption (awards): the planned expenses by category, and each plan change's
    # before and after, are the application's content.
    "awards.award.plan": MapOf(Item(APPLICATION_CONTENT)),
    "awards.planchange.plan_before": MapOf(Item(APPLICATION_CONTENT)),
    "awards.planchange.plan_after": MapOf(Item(APPLICATION_CONTENT)),
    "recommend.savedsearch.params": MapOf(META),  # catalogue search conditions
    # Precomputed recommendations (issue 16): {language: {kind: [catalogue item id, score,
    # reasons]}}, what recommend.engine computed under purpose 5's consent checks; read by
    # the business's own pages only, never released to anyone else.
    "recommend.recommendationset.items": MapOf(MapOf(ListOf(Doc({
        "id": META, "score": META, "reasons": META, "content": META, "collaborative": META, "finance_based": META,
    })))),
    "consent.consentchange.before": ListOf(Doc({"data_class": META, "recipient": META, "purpose": META})),
    "consent.consentchange.after": ListOf(Doc({"data_class": META, "recipient": META, "purpose": META})),
    "core.auditevent.data": SystemLog(),
    "analytics.extractdownload.filters": MapOf(META),
    # EBPM analyses are computed over businesses that allow purpose 1: aggregates only.
    "analytics.ebpmanalysis.params": MapOf(META),
    "analytics.ebpmanalysis.results": SystemLog(),
}


def project_json_fields() -> list[tuple[type[models.Model], models.JSONField]]:
    """Every JSONField of every model of the project's own apps."""
    from django.conf import settings

    base = str(settings.BASE_DIR)
    found = []
    for model in apps.get_models():
        module = sys.modules.get(model.__module__)
        path = getattr(module, "__file__", "") or ""
        if not path.startswith(base) or "/.venv/" in path or "site-packages" in path:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.JSONField):
                found.append((model, f))
    return found


def json_schema_of(model: type[models.Model] | models.Model, field: str) -> Node | None:
    return JSON_SCHEMAS.get(f"{model._meta.label_lower}.{field}")


def unknown_keys(node: Node | None, value: Any, path: str = "") -> list[str]:
    """Paths of `value` that `node` does not describe ([] when all are classified)."""
    if value is None:
        return []
    if node is None:
        return [path or "."]
    if isinstance(node, SystemLog | RowClass):
        return []
    if isinstance(node, Item):
        if isinstance(node.data_class, int) and isinstance(value, dict | list) and node.origin != SYSTEM:
            # A leaf of business data holds a scalar (or a list of scalars); a nested
            # object there would carry items of unknown class.
            if isinstance(value, dict) or any(isinstance(v, dict | list) for v in value):
                return [path or "."]
        return []
    if isinstance(node, ListOf):
        if not isinstance(value, list):
            return [path or "."]
        out: list[str] = []
        for i, v in enumerate(value):
            out += unknown_keys(node.item, v, f"{path}[{i}]")
        return out
    if not isinstance(value, dict):
        return [path or "."]
    out = []
    for key, v in value.items():
        child = node.value if isinstance(node, MapOf) else node.keys.get(str(key))
        sub = f"{path}.{key}" if path else str(key)
        if child is None:
            out.append(sub)
        else:
            out += unknown_keys(child, v, sub)
    return out


def check_document(model: type[models.Model] | models.Model, field: str, value: Any) -> None:
    """Refuse a JSON value with an item the registry does not classify (before it is stored)."""
    from django.utils.translation import gettext as _

    from core.errors import ApplicationError

    unknown = unknown_keys(json_schema_of(model, field), value)
    if unknown:
        raise ApplicationError(errors={field: [
            _("These items have no data class, so they cannot be stored: %(items)s.") % {"items": ", ".join(unknown[:10])}
        ]})


def items_of(node: Node, value: Any, path: str = "") -> list[tuple[str, int | None, str]]:
    """(path, class, origin) of every leaf in `value` described by `node` (for the owner's
    data page); RowClass and SystemLog leaves are reported with class None."""
    if value is None:
        return []
    if isinstance(node, Item):
        return [(path, node.data_class, node.origin)]
    if isinstance(node, RowClass | SystemLog):
        return [(path, None, SYSTEM)]
    if isinstance(node, ListOf) and isinstance(value, list):
        return [x for i, v in enumerate(value) for x in items_of(node.item, v, f"{path}[{i}]")]
    if isinstance(node, MapOf | Doc) and isinstance(value, dict):
        out = []
        for key, v in value.items():
            child = node.value if isinstance(node, MapOf) else node.keys.get(str(key))
            if child is not None:
                out += items_of(child, v, f"{path}.{key}" if path else str(key))
        return out
    return []
