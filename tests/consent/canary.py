"""The canary business: every value of every data class carries a marker of its class.

Used by tests/consent/test_canary_sweep.py. A marker is

- a token ``CNRY<cc><o><xx>`` inside a text value: ``cc`` the data class (01-13), ``o`` the
  origin (``r`` the business record or a subsidy application, ``p`` the 経営力向上計画 procedure,
  ``a`` what institution A wrote itself, ``b`` what institution B's partner system sent),
  ``xx`` a serial;
- a number ``9ccnnn`` (six digits: 9, the class, a serial) for amounts and counts;
- a date no other row uses, for dates; or
- an exact string the portal generated (the corporate number, a receipt number) or a
  figure it derived (requested and granted amounts), registered with the class of its
  field.

Every field that `DATA_CLASSES` declares on a model holding a business's data, and every
item inside the JSON documents of the canary's rows (application content, pre-fill and
snapshot, partner payloads), either carries a marker or is named in `UNMARKABLE` with the
reason it cannot carry one (a choice from a fixed list, a year, a boolean, a time stamp the
system sets). `check_coverage()` fails on anything else, so a field or item added later is
covered by itself or stops the sweep until it is.

Who may see which marker is decided here, from the policy table (policy-matrix.json), the
approvals and narrowings of the state and the conditions of the table, without asking the
portal's own consent code (`may_see`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone

from tests.consent.factories import expected_table

# --- markers ----------------------------------------------------------------------------------

RECORD, PROCEDURE, INSTITUTION_A, PARTNER_B = "r", "p", "a", "b"
TOKEN_RE = re.compile(r"cnry(\d\d)([rpab])([a-z]{2})")
_SERIALS = ["".join(p) for p in itertools.product("abcdefghijklmnopqrstuvwxyz", repeat=2)]


@dataclass(frozen=True)
class Marker:
    text: str  # canonical, lower case for tokens
    data_class: int
    origin: str
    item: str  # "model.field" or "model.document.key", e.g. "companies.business.address"
    kind: str  # token | number | date | exact


@dataclass
class Markers:
    by_text: dict[str, Marker] = field(default_factory=dict)
    _token_serial: itertools.count = field(default_factory=itertools.count)
    _number_serial: dict[int, itertools.count] = field(default_factory=dict)

    def _add(self, marker: Marker) -> None:
        previous = self.by_text.get(marker.text)
        if previous is not None and previous != marker:
            raise AssertionError(f"marker {marker.text} registered twice: {previous} and {marker}")
        self.by_text[marker.text] = marker

    def token(self, data_class: int, origin: str, item: str) -> str:
        token = f"CNRY{data_class:02d}{origin}{_SERIALS[next(self._token_serial)]}"
        self._add(Marker(token.lower(), data_class, origin, item, "token"))
        return token

    def text(self, data_class: int, origin: str, item: str, words: str = "カナリア") -> str:
        return f"{self.token(data_class, origin, item)} {words}"

    def email(self, data_class: int, origin: str, item: str) -> str:
        return f"{self.token(data_class, origin, item).lower()}@canary.example.jp"

    def number(self, data_class: int, origin: str, item: str) -> int:
        serial = next(self._number_serial.setdefault(data_class, itertools.count(1)))
        value = 900_000 + data_class * 1_000 + serial
        self._add(Marker(str(value), data_class, origin, item, "number"))
        return value

    def date(self, data_class: int, origin: str, item: str, day: dt.date) -> dt.date:
        self._add(Marker(day.isoformat(), data_class, origin, item, "date"))
        return day

    def exact(self, text: str, data_class: int, origin: str, item: str, kind: str = "exact") -> str:
        self._add(Marker(text.lower(), data_class, origin, item, kind))
        return text


# Fields and document items that cannot carry a marker, and why. Anything not marked and
# not named here fails check_coverage().
UNMARKABLE: dict[str, str] = {
    "companies.business.corp_type": "a choice (法人 / 個人事業主)",
    "companies.business.gbizid_management_number": "only a 個人事業主 has one; the canary is a 法人",
    "companies.business.prefecture": "a JIS code from a fixed list",
    "companies.business.industry_jsic": "a JSIC code from a fixed list",
    "companies.business.founded_year": "a year",
    "companies.business.employees": "a small count (a 小規模事業者 has at most 5 or 20; the rules refuse more)",
    "companies.businessprofile.consumption_tax_status": "a choice from a fixed list",
    "companies.financialyear.fiscal_year": "a year",
    "companies.challenge.theme": "a choice from a fixed list",
    "institutions.supportrecord.supported_on": "marked by a date only where the sweep can tell it apart",
    "applications.application.program": "a choice from a fixed list",
    "applications.application.submission_count": "a counter of submissions",
    "applications.application.frame": "the round's frame (枠): the program's own row, shared by every applicant",
    "applications.application.subsidy_round": "a reference to a round, shared by every applicant",
    "applications.application.round_number": "a round number, shared by every applicant",
    "applications.application.fiscal_year": "a year",
    "applications.application.implementation_fiscal_year": "a year",
    "applications.application.status": "a choice from a fixed list",
    "applications.application.review_result": "a choice from a fixed list",
    "applications.application.reviewed_at": "a time stamp the system sets",
    "applications.application.submitted_at": "a time stamp the system sets",
    "applications.application.completed_at": "a time stamp the system sets",
    "applications.application.data_use_consent": "a boolean",
    "applications.application.is_procedure": "a boolean",
    "applications.application.declined_classes": "a list of class codes",
    "applications.application.confirmed_fields": "a list of form field names",
    "applications.application.support_institution": "the institution's own data (class 12 of the institution, public)",
    "applications.application.certified_on": "marked on the procedure; a subsidy has none",
    "applications.application.requested_amount": "derived by the portal (2/3 of the expenses, capped at a round figure)",
    # After adoption (awards): the canary's award goes through every step.
    **{f"awards.award.{f}": "derived by the portal from the frame's rate and cap" for f in (
        "requested_amount", "granted_amount", "confirmed_amount", "paid_amount", "cap", "rate_numerator", "rate_denominator")},
    **{f"awards.award.{f}": "a time stamp the system sets" for f in (
        "requested_at", "granted_at", "reported_at", "confirmed_at", "claimed_at", "paid_at")},
    "awards.award.application": "a reference to the canary's application",
    "awards.award.status": "a choice from a fixed list",
    "awards.award.tax_mode": "a choice from a fixed list",
    "awards.planchange.award": "a reference to the award",
    "awards.planchange.decision": "a choice from a fixed list",
    "awards.planchange.decided_at": "a time stamp the system sets",
    "awards.expenseline.award": "a reference to the award",
    "awards.expenseline.category": "a choice from a fixed list",
    "awards.expenseline.tax_mode": "a choice from a fixed list",
    "awards.expenseline.paid_on": "the day of payment lies between the grant decision and today: only today fits",
    "awards.expenseline.travel_item": "travel lines only; the canary's line is advertising",
    "awards.expenseline.region": "travel lines only; the canary's line is advertising",
    "awards.expenseline.nights": "travel lines only; the canary's line is advertising",
    "awards.expenseline.lodging_per_night": "travel lines only; the canary's line is advertising",
    "awards.expenseline.receipt": "a document of the vault (its name and its file carry markers)",
    "awards.expenseline.accepted_amount": "derived: the agency accepts part of the marked amount (at most it)",
    "awards.performancereport.award": "a reference to the award",
    "awards.performancereport.total": "derived: the total of the ledger",
    "awards.performancereport.submitted_at": "a time stamp the system sets",
    "awards.profitreport.award": "a reference to the award",
    "awards.profitreport.fiscal_year": "a year",
    "awards.profitreport.profit": "derived: revenue less costs",
    "awards.profitreport.payment": "derived: the grant's share of the profit, capped at the grant",
    "awards.profitreport.submitted_at": "a time stamp the system sets",
    "awards.duedate.award": "a reference to the award",
    "awards.duedate.step": "a choice from a fixed list",
    "awards.duedate.fiscal_year": "a year",
    "awards.duedate.due_on": "set by the portal (30 days after the confirmation, 30 June after each year) or by the agency",
    "awards.duedate.done_at": "a time stamp the system sets",
    # The 様式4 (supportplans): the request's references, status and time stamps are set by
    # the portal; the texts carry markers.
    **{f"supportplans.supportplanrequest.{f}": "a reference the portal sets (its rows carry their own markers)" for f in (
        "application", "disclosure_request", "document", "requested_by", "issued_by", "institution")},
    "supportplans.supportplanrequest.status": "a choice from a fixed list",
    "supportplans.supportplanrequest.issued_at": "a time stamp the system sets",
    "supportplans.supportplanrequest.closed_at": "a time stamp the system sets (empty while the 様式4 stands)",
    "supportplans.supportplanrequest.decline_reason": "only a declined request has one; the canary's was issued",
    **{f"supportplans.supportplancomment.{f}": "a reference or choice the portal sets" for f in (
        "request", "parent", "author", "author_side", "field")},
    "supportplans.supportplancomment.created_at": "a time stamp the system sets",
}
# Keys inside JSON documents that are not business data or cannot carry a marker.
UNMARKABLE_ITEMS: dict[str, str] = {
    "prefecture": "a JIS code", "industry_jsic": "a JSIC code", "employees": "a small count (see companies.business.employees)", "founded_year": "a year", "fy_year": "a year",
    "consumption_tax_status": "a choice", "tax_mode": "a choice", "revenue_expected": "a choice",
    "bonus_succession": "a boolean", "bonus_depopulated": "a boolean", "bonus_keieiryoku": "a boolean",
    "data_use_consent": "a boolean", "category": "a choice", "region": "a choice", "nights": "empty",
    "lodging_per_night": "empty", "_seq": "the form's save counter", "source": "provenance (a choice)",
    "recorded_at": "provenance time stamp", "object_id": "a row id", "class": "a class code",
    "receipt_number": "registered as an exact marker", "submitted_at": "a time stamp", "program": "a choice",
    "round": "a round number", "fiscal_year": "a year", "id": "a row id", "pledge": "a boolean",
    "pledge_text": "the portal's fixed pledge text", "declined_classes": "class codes", "requested_amount": "derived",
    "kind": "a record kind", "record_id": "the partner's id", "frame": "the round's frame (a row id; the terms in the snapshot)",
    "industry_group": "a choice", "wage_ledger_items": "choices", "worker_register_items": "choices",
    "submission": "the submission counter",
}

# Items of an application's content that the registry names as the portal's own metadata
# (class None: a row id, a counter), filled in by content_item_classes().
SYSTEM_ITEMS: set[str] = set()

# Class of each item of an application's content that is not a pre-filled record field
# (those take the class of their record field, applications.prefill.PREFILL_FIELDS). Kept
# here, in the test, so that the sweep does not take the portal's word for it; a form field
# missing from both fails the fixture.
CONTENT_ITEM_CLASSES: dict[str, int] = {
    "plan_title": 8, "sales_plan": 8, "efficiency_plan": 8, "expected_effect": 8, "revenue_description": 8,
    "successor_name": 4, "plan_content": 8, "expenses": 8,
    "tax_mode": 8, "revenue_expected": 8, "bonus_succession": 8, "bonus_depopulated": 8, "bonus_keieiryoku": 8,
    "data_use_consent": 10,
    # applications.rules (seed 003 §1-§9)
    "industry_group": 1, "opened_on": 1, "was_tax_exempt": 3, "successor_finalist": 4, "deficit": 6,
    "lowest_wage_hourly": 6, "industry_group_reason": 8, "plans_growth_beyond_limit": 8, "invoice_special": 8,
    "planned_wage_hourly": 8, "wage_ledger_items": 8, "worker_register_items": 8, "specific_startup_support": 10,
    # §2 (d-2): part-time staff and the hours of the 3/4 test, with the staff count (class 1)
    "part_time_staff": 1, "regular_daily_hours": 1, "regular_weekly_hours": 1, "regular_monthly_days": 1,
    "part_daily_hours": 1, "part_weekly_hours": 1, "part_monthly_days": 1,
}

# ※5 (policy-matrix "researchers"): the items an approved researcher receives, as fields.
RESEARCH_ITEMS = {
    "companies.business.corporate_number", "companies.business.address", "companies.business.representative_name",
    "companies.business.phone", "companies.business.employees", "companies.business.capital",
    "companies.business.offices", "companies.financialyear.sales", "companies.financialyear.ordinary_profit",
    "applications.application.review_score",
}
# ※6 / ※4: published for adopted subsidy cases (policy-matrix "public", "smes").
PUBLIC_ITEMS = {
    "companies.business.corporate_number", "companies.business.name", "companies.business.municipality",
    "applications.application.content.plan_title",  # the application's plan_title is this item
}
# …and for procedures whose applicant opted in: the certification fact and date.
PUBLIC_PROCEDURE_ITEMS = {"applications.application.certified_on"}


def content_item_classes() -> dict[str, int]:
    """Class of every item of an application's content: the registry's item schema
    (consent.registry.APPLICATION_CONTENT_ITEMS) where the portal has one, so that an item
    added there is marked by itself; checked against this test's own table, which must
    agree wherever both name an item."""
    from applications.prefill import PREFILL_FIELDS

    own = {f.name: f.data_class for f in PREFILL_FIELDS} | CONTENT_ITEM_CLASSES
    try:
        from consent.registry import APPLICATION_CONTENT_ITEMS
    except ImportError:
        return own
    try:
        from consent.registry import APPLICATION_CONTENT_DOC

        system = {name for name, node in APPLICATION_CONTENT_DOC.keys.items() if getattr(node, "data_class", 0) is None}
    except ImportError:
        system = set()
    SYSTEM_ITEMS.update(system)
    registry = {name: item.data_class for name, item in APPLICATION_CONTENT_ITEMS.items() if item.data_class is not None}
    disagree = {name: (own[name], cls) for name, cls in registry.items() if name in own and own[name] != cls}
    if disagree:
        raise AssertionError(f"The registry and the canary disagree on the class of content items (canary, registry): {disagree}")
    return own | registry


# --- the world ----------------------------------------------------------------------------------

@dataclass
class World:
    markers: Markers
    business: Any
    soloist_business: Any
    institution_a: Any
    institution_b: Any
    users: dict[str, Any]
    partner_key: str
    jizokuka: Any
    procedure: Any
    request_a: Any
    objects: dict[str, list[Any]]  # label_lower → the canary's rows of that model
    extra: dict[str, Any]


def build_world() -> World:
    """Build the canary business and everything around it through the real services
    where they exist (applications, submission, review, disclosure, partner intake)."""
    from decimal import Decimal as D

    from accounts.models import ApiToken, ResearcherProfile
    from analytics.models import EbpmAnalysis, ResearchPledge
    from applications import services as app_services
    from applications.forms import JizokukaForm, ProcedureForm
    from applications.models import Application, SubsidyRound
    from applications.prefill import PREFILL_BY_NAME
    from companies.models import (
        BusinessPlan,
        BusinessProfile,
        Challenge,
        ContactPerson,
        FinancialYear,
        JointApplicant,
        Succession,
    )
    from disclosure import services as disclosure_services
    from institutions.models import SupportRecord
    from linkage import services as linkage_services
    from linkage.models import IntakeBatch, ReviewItem
    from notifications.links import unsubscribe_token
    from recommend.models import Favourite, SavedSearch
    from tests.analytics.factories import ApplicationFactory
    from tests.factories import (
        BusinessFactory,
        InstitutionFactory,
        agency_staff,
        institution_staff,
        member_user,
        next_corporate_number,
        prime_user,
        researcher,
    )
    from tests.programs.factories import CaseStudyFactory, SupportProgramFactory

    m = Markers()
    item_classes = content_item_classes()
    today = timezone.localdate()
    R = RECORD

    # Class 1 on the business itself.
    number = next_corporate_number()
    business = BusinessFactory(
        corporate_number=m.exact(number, 1, R, "companies.business.corporate_number"),
        name=m.text(1, R, "companies.business.name", "カナリア商事株式会社"),
        name_kana=m.text(1, R, "companies.business.name_kana", "カナリアショウジ"),
        municipality=m.text(1, R, "companies.business.municipality", "千代田区"),
        address=m.text(1, R, "companies.business.address", "東京都千代田区霞が関1-3-1"),
        representative_name=m.text(1, R, "companies.business.representative_name", "金糸 雀"),
        representative_birth_date=m.date(1, R, "companies.business.representative_birth_date", dt.date(1951, 3, 7)),
        phone=m.token(1, R, "companies.business.phone"),
        employees=3,
        capital=m.number(1, R, "companies.business.capital"),
        offices=m.number(1, R, "companies.business.offices"),
        founded_year=1987,
    )
    for _ in range(2):
        JointApplicant.objects.create(
            business=business, name=m.text(2, R, "companies.jointapplicant.name", "共同商店"),
            corporate_number=m.exact(next_corporate_number(), 2, R, "companies.jointapplicant.corporate_number"),
            relationship=m.text(2, R, "companies.jointapplicant.relationship", "連携先"),
        )
    BusinessProfile.objects.create(business=business, consumption_tax_status="taxable", **{
        f: m.text(3, R, f"companies.businessprofile.{f}", "事業")
        for f in ["description", "main_products", "customers", "suppliers", "patents", "shareholders"]})
    Succession.objects.create(business=business, **{
        f: m.text(4, R, f"companies.succession.{f}", "承継") for f in ["form", "status", "successor_name", "successor_relationship"]})
    ContactPerson.objects.create(
        business=business, name=m.text(5, R, "companies.contactperson.name", "担当 花子"),
        department=m.text(5, R, "companies.contactperson.department", "総務部"),
        phone=m.token(5, R, "companies.contactperson.phone"),
        email=m.email(5, R, "companies.contactperson.email"),
    )
    money = ["sales", "gross_profit", "operating_profit", "ordinary_profit", "net_income", "depreciation", "personnel_cost",
             "total_assets", "net_assets", "interest_bearing_debt", "cash_and_deposits", "receivables", "inventory", "payables",
             "employees"]
    # 2023-2024, and the year before this year's 持続化 application (the research extract
    # and the EBPM inputs read that year's figures).
    for year in sorted({2023, 2024, today.year - 1}):
        FinancialYear.objects.create(business=business, fiscal_year=year,
                                     **{f: m.number(6, R, f"companies.financialyear.{f}") for f in money})
    BusinessPlan.objects.create(business=business, **{
        f: m.text(7, R, f"companies.businessplan.{f}", "計画") for f in ["overview", "market", "strengths", "management_policy"]})
    for theme in ("sales", "succession"):
        Challenge.objects.create(business=business, theme=theme, description=m.text(11, R, "companies.challenge.description", "課題"))

    # People.
    institution_a = InstitutionFactory(name="甲商工会")
    institution_b = InstitutionFactory(name="乙商工会議所")
    soloist_business = BusinessFactory(sole_proprietor=True, name="個人 太郎")
    users = {
        "owner": prime_user(business),
        "member": member_user(business),
        "soloist": prime_user(soloist_business),
        "inst_a": institution_staff(institution_a),
        "inst_b": institution_staff(institution_b),
        "agency": agency_staff(),
        "researcher": researcher(approved=True, approved_until=today + dt.timedelta(days=365)),
        "researcher_pending": researcher(approved=False),
    }
    owner, agency = users["owner"], users["agency"]

    # The 経営力向上計画 procedure, without the data-use consent: every item of its content
    # is the procedure's own (origin p), certified by the agency.
    procedure = app_services.application_start(actor=owner, program="keieiryoku_kojo", subsidy_round=None,
                                               accepted_classes=set(range(1, 14)))
    content = {}
    for name in ProcedureForm.base_fields:
        if name.startswith("wb_") or name == "confirm_all" or name in SYSTEM_ITEMS:
            continue
        if name in item_classes:
            data_class = item_classes[name]
        else:
            raise AssertionError(f"The procedure form field {name!r} has no data class in the canary fixture.")
        content[name] = _item_value(m, data_class, PROCEDURE, f"applications.application.content.{name}", name)
    content["data_use_consent"] = False
    procedure = app_services.application_save_draft(actor=owner, application_id=procedure.pk, content=content, confirm_all=True)
    procedure = app_services.application_submit(actor=owner, application_id=procedure.pk, pledge=True)
    procedure = app_services.procedure_certify(
        actor=agency, application_id=procedure.pk,
        certified_on=m.date(10, PROCEDURE, "applications.application.certified_on", dt.date(2022, 2, 9)))
    m.exact(procedure.receipt_number, 10, PROCEDURE, "applications.application.receipt_number")

    # A 持続化補助金 application, pre-filled from the record after the procedure was
    # certified, submitted, reviewed (class 9), adopted and completed.
    subsidy_round = SubsidyRound.objects.create(
        program="jizokuka_general", number=90, fiscal_year=today.year, opens_on=today - dt.timedelta(days=30),
        deadline=timezone.now() + dt.timedelta(days=60), reference_date=today, plan_certified_by=today,
    )
    jizokuka = app_services.application_start(actor=owner, program="jizokuka_general", subsidy_round=subsidy_round,
                                              accepted_classes=set(range(1, 14)))
    content = {}
    for name in JizokukaForm.base_fields:
        if name in PREFILL_BY_NAME or name.startswith("wb_") or name == "confirm_all" or name in SYSTEM_ITEMS:
            continue  # pre-filled from the record: the record's own markers
        if name not in item_classes:
            raise AssertionError(f"The 持続化 form field {name!r} has no data class in the canary fixture.")
        content[name] = _item_value(m, item_classes[name], RECORD, f"applications.application.content.{name}", name)
    # Both bonuses requested, so that the successor (class 4) and the pre-filled
    # certification date of the procedure are printed in the application.
    content.update(tax_mode="excluded", revenue_expected="yes", bonus_succession=True, bonus_depopulated=False,
                   bonus_keieiryoku=True)
    content["expenses"] = [{"category": "advertising", "description": m.text(8, R, "applications.application.content.expenses", "チラシ"),
                            "amount": m.number(8, R, "applications.application.content.expenses"), "region": "",
                            "nights": None, "lodging_per_night": None} for _line in range(2)]
    jizokuka = app_services.application_save_draft(actor=owner, application_id=jizokuka.pk, content=content, confirm_all=True)
    # Documents in the vault, attached to the application: a 決算書 (class 6) and a quotation
    # (class 8), each with a marked file name and marked text inside the PDF.
    documents = []
    for document_type, data_class in DOCUMENT_TYPES.items():
        documents.append(_upload_document(m, owner, document_type, data_class, attach_to=jizokuka.pk))
    # The area's 商工会 (a third institution, not a sweep role, so that the states' approvals
    # of A and B stay as they are) issues the 様式4 the submission needs, through the real
    # services: asked with the approval, taken up, commented, answered, issued.
    from supportplans import services as plan_services
    from supportplans.models import SupportPlanComment

    # Of the area by its prefecture (no municipality named): the business's municipality is
    # a class 1 marker, which an institution's public profile must not carry.
    institution_c = InstitutionFactory(prefecture=business.prefecture, municipality="")
    advisor_c = institution_staff(institution_c)
    plan_request = plan_services.support_plan_request_create(
        actor=owner, application_id=jizokuka.pk, institution_id=institution_c.pk,
        data_classes=list(plan_services.REQUESTED_CLASSES), valid_until=plan_services.default_valid_until(),
        message=m.text(11, R, "supportplans.supportplanrequest.message", "依頼"))
    plan_services.support_plan_take_up(actor=advisor_c, request_id=plan_request.pk)
    advice = plan_services.support_plan_comment(actor=advisor_c, request_id=plan_request.pk,
                                                body=m.text(11, R, "supportplans.supportplancomment.body", "助言"))
    plan_services.support_plan_reply(actor=owner, request_id=plan_request.pk, parent_id=advice.pk,
                                     body=m.text(11, R, "supportplans.supportplancomment.body", "返答"))
    plan_request = plan_services.support_plan_issue(actor=advisor_c, request_id=plan_request.pk, values={
        "advisor_name": m.text(12, R, "supportplans.supportplanrequest.advisor_name", "指導員"),
        "region_findings": m.text(7, R, "supportplans.supportplanrequest.region_findings", "地域の課題"),
        "plan_findings": m.text(7, R, "supportplans.supportplanrequest.plan_findings", "計画の所見"),
        "support_content": m.text(7, R, "supportplans.supportplanrequest.support_content", "支援の内容"),
    })
    problems = app_services.submission_errors(jizokuka, pledge=True)
    assert not problems, f"The canary 持続化 application cannot be submitted: {problems}"
    jizokuka = app_services.application_submit(actor=owner, application_id=jizokuka.pk, pledge=True)
    app_services.application_review_start(actor=agency, application_id=jizokuka.pk)
    score = D(m.exact("909.13", 9, R, "applications.application.review_score"))
    jizokuka = app_services.application_review_decide(actor=agency, application_id=jizokuka.pk, score=score, result="adopted")
    jizokuka = app_services.application_complete(
        actor=owner, application_id=jizokuka.pk, report=m.text(8, R, "applications.application.completion_report", "完了"))
    # The agency granted less than the (capped) request: a marked figure.
    Application.objects.filter(pk=jizokuka.pk).update(
        support_institution=institution_a, granted_amount=m.number(10, R, "applications.application.granted_amount"))
    jizokuka.refresh_from_db()
    m.exact(jizokuka.receipt_number, 10, R, "applications.application.receipt_number")

    # After adoption (awards), through the real services: the grant, a refused plan change,
    # the ledger with a marked receipt, the report, the confirmation with a deduction
    # explained, the claim, the payment and a profit report.
    from awards import services as award_services
    from awards.models import (
        Award,
        DueDate,
        ExpenseLine,
        PerformanceReport,
        PlanChange,
        ProfitReport,
    )

    award = award_services.grant_request(actor=owner, application_id=jizokuka.pk, tax_mode="excluded")
    m.exact(str(award.planned_total), 8, R, "awards.award.plan")
    project_end = m.date(8, R, "awards.award.project_end", today + dt.timedelta(days=173))
    award_services.grant_decide(actor=agency, application_id=jizokuka.pk, project_end=project_end,
                                report_due=project_end + dt.timedelta(days=30))
    award_services.plan_change_request(
        actor=owner, application_id=jizokuka.pk, reason=m.text(8, R, "awards.planchange.reason", "計画変更"),
        plan={"advertising": m.number(8, R, "awards.planchange.plan_after")})
    award_services.plan_change_decide(actor=agency, application_id=jizokuka.pk, approve=False,
                                      note=m.text(8, R, "awards.planchange.decision_note", "不承認"))
    evidence = _upload_document(m, owner, "receipt", 8, attach_to=None)
    award_line = award_services.expense_line_add(actor=owner, application_id=jizokuka.pk, line=award_services.LineInput(
        category="advertising", description=m.text(8, R, "awards.expenseline.description", "チラシ印刷"),
        vendor=m.text(8, R, "awards.expenseline.vendor", "印刷所"), paid_on=today,
        amount=m.number(8, R, "awards.expenseline.amount"), tax_mode="excluded", receipt_id=evidence.pk))
    award_services.report_submit(actor=owner, application_id=jizokuka.pk,
                                 summary=m.text(8, R, "awards.performancereport.summary", "実施"))
    award_services.confirm(actor=agency, application_id=jizokuka.pk, assessments={
        award_line.pk: (award_line.amount - 1, m.text(10, R, "awards.expenseline.deduction_reason", "減額"))})
    award_services.payment_claim(actor=owner, application_id=jizokuka.pk)
    award_services.payment_record(actor=agency, application_id=jizokuka.pk)
    profit_year = DueDate.objects.filter(award=award, step="profit").order_by("fiscal_year").first().fiscal_year
    award_services.profit_report_submit(
        actor=owner, application_id=jizokuka.pk, fiscal_year=profit_year,
        revenue=m.number(8, R, "awards.profitreport.revenue"), costs=m.number(8, R, "awards.profitreport.costs"))
    award_rows = {
        "awards.award": list(Award.objects.filter(pk=award.pk)),
        "awards.planchange": list(PlanChange.objects.filter(award=award)),
        "awards.expenseline": list(ExpenseLine.objects.filter(award=award)),
        "awards.performancereport": list(PerformanceReport.objects.filter(award=award)),
        "awards.profitreport": list(ProfitReport.objects.filter(award=award)),
        "awards.duedate": list(DueDate.objects.filter(award=award)),
    }

    # Institution A asks for everything purpose 6 lets it receive; the company has not answered.
    request_a = disclosure_services.disclosure_request_create(
        actor=users["inst_a"], purpose=6, data_classes=disclosure_services.requestable_classes(6),
        valid_until=today + dt.timedelta(days=60), corporate_number=business.corporate_number,
    )
    # A support record institution A wrote itself (origin a).
    SupportRecord.objects.create(
        institution=institution_a, business=business, source=SupportRecord.Source.INSTITUTION,
        supported_on=m.date(13, INSTITUTION_A, "institutions.supportrecord.supported_on", dt.date(2023, 5, 17)),
        theme=m.text(13, INSTITUTION_A, "institutions.supportrecord.theme", "販路"),
        summary=m.text(13, INSTITUTION_A, "institutions.supportrecord.summary", "相談"),
        # The company's name as institution A typed it into its own record (its data, class 13).
        recorded_name=m.text(13, INSTITUTION_A, "institutions.supportrecord.recorded_name", "記録名"),
    )

    # Institution B's partner system sends financials of an older year and a support
    # record (origin b); a second record it could not match waits for review.
    client, key = linkage_services.partner_client_issue(institution_id=institution_b.pk,
                                                        scopes=["financials", "support_records"], name="乙カルテ")
    partner_financials = {f: m.number(6, PARTNER_B, f"companies.financialyear.{f}") for f in money}
    linkage_services.partner_batch_submit(client=client, records=[
        {"kind": "financials", "record_id": "cnry-fin-2019", "corporate_number": business.corporate_number,
         "fiscal_year": 2019, **partner_financials},
        {"kind": "support_records", "record_id": "cnry-sup-1", "corporate_number": business.corporate_number,
         "supported_on": m.date(13, PARTNER_B, "institutions.supportrecord.supported_on", dt.date(2023, 6, 19)).isoformat(),
         "theme": m.text(13, PARTNER_B, "institutions.supportrecord.theme", "資金繰り"),
         "summary": m.text(13, PARTNER_B, "institutions.supportrecord.summary", "面談"),
         # The name as the partner's system holds it: kept as the record's recorded name.
         "name": m.text(13, PARTNER_B, "institutions.supportrecord.recorded_name", "記録名")},
    ])
    batch = IntakeBatch.objects.filter(client=client).latest("pk")
    review_payload = {"kind": "financials", "record_id": "cnry-fin-review", "corporate_number": "",
                      "name": m.text(1, PARTNER_B, "linkage.reviewitem.payload.name", "カナリア商事"),
                      "prefecture": "13", "municipality": "", "address": m.text(1, PARTNER_B, "linkage.reviewitem.payload.address", "霞が関"),
                      "fiscal_year": 2018, "sales": m.number(6, PARTNER_B, "linkage.reviewitem.payload.sales")}
    review_item = ReviewItem.objects.create(
        batch=batch, institution=institution_b, kind="financials", record_id="cnry-fin-review",
        name=review_payload["name"], prefecture="13", address=review_payload["address"], payload=review_payload,
        candidates=[{"business_id": business.pk, "score": 0.8}], score=0.8,
    )

    # Rows the URL walk needs ids of.
    saved_search = SavedSearch.objects.create(user=owner, name="canary", params={"q": "IT"}) if _has_fields(
        SavedSearch, {"user", "name", "params"}) else None
    pledges = {}
    for key_name in ("researcher", "researcher_pending"):
        approved = key_name == "researcher"
        pledges[key_name] = ResearchPledge.objects.create(
            researcher=users[key_name], affiliation="テスト大学", research_purpose="EBPM", research_record="論文",
            information_management="施錠", accepted_terms=True,
            status=ResearchPledge.Status.APPROVED if approved else ResearchPledge.Status.PENDING,
            approved_until=today + dt.timedelta(days=365) if approved else None,
        )
    assert ResearcherProfile.objects.filter(user=users["researcher"]).exists()
    analysis = EbpmAnalysis.objects.create(title="canary", params={}, results={}, created_by=agency)
    # An API token of the owner (its revoke page needs a real id); made directly, since
    # issuing one through the service needs the owner's authenticator set up.
    api_token = ApiToken.objects.create(user=owner, name="canary", key_hash="c" * 64, prefix="cnrytokn",
                                        expires_at=timezone.now() + dt.timedelta(days=30))

    # Recommendations (purpose 5) must not count a procedure without the checklist opt-in
    # as an interaction (seed 003 §17). Two businesses like the sole proprietor's (and the
    # canary's) each hold a certified 経営力向上計画 without the opt-in and saved one case
    # study; the one program whose application is that procedure has no targeting, theme or
    # tag, so only those procedures can bring it into a recommendation. Its name carries
    # RECOMMEND_PROBE: on a recommendation page or API answer it is a leak unless the state
    # opted the procedures in (and then the sweep must see it: its positive control).
    case_study = CaseStudyFactory(industry_jsic=soloist_business.industry_jsic, prefecture=soloist_business.prefecture)
    probe_program = SupportProgramFactory(name=f"{RECOMMEND_PROBE} 経営力向上計画の活用支援", application_program="keieiryoku_kojo",
                                          deadline=None)
    neighbours, neighbour_procedures = [], []
    for _ in range(MIN_NEIGHBOURS_FOR_PROBE):
        neighbour = BusinessFactory(industry_jsic=soloist_business.industry_jsic, prefecture=soloist_business.prefecture,
                                    employees=soloist_business.employees)
        neighbours.append(neighbour)
        neighbour_procedures.append(ApplicationFactory(
            business=neighbour, program="keieiryoku_kojo", status=Application.Status.CERTIFIED, fiscal_year=today.year,
            certified_on=today - dt.timedelta(days=40), submitted_at=timezone.now() - dt.timedelta(days=60),
            data_use_consent=False, requested_amount=None))
        Favourite.objects.create(business=neighbour, case_study=case_study)

    objects: dict[str, list[Any]] = {}
    for model in apps.get_models():
        if not holds_business_data(model):
            continue
        if model._meta.label_lower == "companies.business":
            objects[model._meta.label_lower] = [business]
        elif _business_field(model):
            objects[model._meta.label_lower] = list(model.objects.filter(business=business).order_by("pk"))
    # The award's rows hang off the application, not the business: listed here by hand; so
    # do the 様式4's comments (they hang off its request).
    objects.update(award_rows)
    objects["supportplans.supportplancomment"] = list(SupportPlanComment.objects.filter(request=plan_request).order_by("pk"))
    world = World(
        markers=m, business=business, soloist_business=soloist_business, institution_a=institution_a,
        institution_b=institution_b, users=users, partner_key=key, jizokuka=jizokuka, procedure=procedure,
        request_a=request_a, objects=objects,
        extra={"batch": batch, "review_item": review_item, "saved_search": saved_search, "pledges": pledges,
               "analysis": analysis, "subsidy_round": subsidy_round, "client": client, "documents": documents,
               "unsubscribe_token": unsubscribe_token(user_id=owner.pk, category="applications"),
               "api_token": api_token, "case_study": case_study, "probe_program": probe_program,
               "neighbour_procedures": neighbour_procedures, "plan_request": plan_request,
               "advisor_c": advisor_c},
    )
    check_coverage(world)
    return world


# On a recommendation (page or API), the name of the program only procedures without the
# opt-in can bring in (see build_world). Not a class token: the catalogue shows it freely.
RECOMMEND_PROBE = "KANARIA-PROBE-REC"
RECOMMENDATION_URLS = frozenset({"recommend:recommendations", "api-recommendations"})
MIN_NEIGHBOURS_FOR_PROBE = 2  # recommend.engine.MIN_NEIGHBOURS

# Document types the canary keeps in its vault, with the class this test expects of each.
DOCUMENT_TYPES = {"financial_statements": 6, "quotation": 8}


def holds_business_data(model) -> bool:
    """A model of a business's data: it declares its fields' classes (DATA_CLASSES) or a
    column holding its rows' class (DATA_CLASS_FIELD), and is the business or belongs to one."""
    declared = getattr(model, "DATA_CLASSES", None) or getattr(model, "DATA_CLASS_FIELD", None)
    return bool(declared) and (model._meta.label_lower == "companies.business" or _business_field(model))


def _upload_document(m: Markers, owner, document_type: str, data_class: int, *, attach_to: int):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from weasyprint import HTML

    from documents import services as document_services

    name = f"{m.token(data_class, RECORD, 'documents.document.name')} {document_type}.pdf"
    text = m.token(data_class, RECORD, "documents.document.file")
    pdf = HTML(string=f"<p>{text}</p><p>{m.number(data_class, RECORD, 'documents.document.file')}</p>").write_pdf()
    result = document_services.document_upload(
        actor=owner, uploaded_file=SimpleUploadedFile(name, pdf, content_type="application/pdf"),
        document_type=document_type, attach_to=attach_to)
    document = result.document
    assert document.data_class == data_class, (document_type, document.data_class)
    assert TOKEN_RE.search(document.name.lower()), f"the document's name lost its marker: {document.name!r}"
    return document


def _has_fields(model, names: set[str]) -> bool:
    return names <= {f.name for f in model._meta.get_fields()}


def _business_field(model) -> bool:
    try:
        target = model._meta.get_field("business")
    except Exception:  # noqa: BLE001 - no such field
        return False
    return getattr(target, "related_model", None) is not None and target.related_model._meta.label_lower == "companies.business"


def _item_value(m: Markers, data_class: int, origin: str, item: str, name: str):
    """A marked value of the right type for a form item."""
    from django import forms

    from applications.forms import JizokukaForm, ProcedureForm

    form_field = JizokukaForm.base_fields.get(name) or ProcedureForm.base_fields.get(name)
    if isinstance(form_field, forms.BooleanField):
        return False
    if isinstance(form_field, forms.MultipleChoiceField):
        return [c for c, _label in form_field.choices][:1]
    if isinstance(form_field, forms.ChoiceField):
        choices = [c for c, _label in form_field.choices if c]
        return choices[0] if choices else ""
    if isinstance(form_field, forms.DateField):
        return None
    if name == "part_time_staff" or isinstance(form_field, forms.DecimalField):
        # §2 (d-2): the 3/4 test needs consistent hours, which markers are not; left empty
        # (an empty item carries no data, and check_coverage skips it).
        return None
    if isinstance(form_field, forms.IntegerField):
        if name in {"founded_year", "fy_year"}:
            return 2001
        return m.number(data_class, origin, item)
    if isinstance(form_field, forms.EmailField):
        return m.email(data_class, origin, item)
    return m.text(data_class, origin, item, "申請")


# --- coverage -------------------------------------------------------------------------------------

def _contains_marker(value: Any, markers: Markers) -> bool:
    text = str(value).lower()
    if TOKEN_RE.search(text):
        return True
    if isinstance(value, dt.date):
        return value.isoformat() in markers.by_text
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value).lower() in markers.by_text
    return text in markers.by_text


def _json_leaves(value: Any, path: str = ""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _json_leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for item in value:
            yield from _json_leaves(item, path)
    else:
        yield path, value


def check_coverage(world: World) -> None:
    """Every business-data field of every canary row, and every item of its JSON
    documents, carries a marker or is named in UNMARKABLE(_ITEMS) with its reason."""
    unmarked: list[str] = []
    business_models = {model._meta.label_lower for model in apps.get_models() if holds_business_data(model)}
    missing_models = sorted(business_models - {label for label, rows in world.objects.items() if rows})
    if missing_models:
        raise AssertionError(f"The canary business has no row of {missing_models}: add one with marked values.")
    for label, rows in world.objects.items():
        model = apps.get_model(label)
        if not getattr(model, "DATA_CLASSES", None):
            # The row's class is in a column (DATA_CLASS_FIELD: a document); its name and
            # its file carry markers (checked where they are made, _upload_document).
            continue
        for row in rows:
            for name in model.DATA_CLASSES:
                key = f"{label}.{name}"
                value = getattr(row, name if not isinstance(model._meta.get_field(name), models.ForeignKey) else f"{name}_id")
                if key in UNMARKABLE:
                    continue
                if isinstance(model._meta.get_field(name), models.JSONField):
                    for path, leaf in _json_leaves(value):
                        if leaf in (None, "", [], {}) or isinstance(leaf, bool) or set(path.split(".")) & set(UNMARKABLE_ITEMS):
                            continue
                        if not _contains_marker(leaf, world.markers):
                            unmarked.append(f"{key}:{path}={leaf!r}")
                    continue
                if key in UNMARKABLE or value in (None, ""):
                    if value in (None, "") and key not in UNMARKABLE and not _allowed_empty(label, name, row):
                        unmarked.append(f"{key} is empty")
                    continue
                if not _contains_marker(value, world.markers):
                    unmarked.append(f"{key}={value!r}")
    # Documents of other models that hold the canary's data (partner payloads).
    for item in [world.extra["review_item"]]:
        for path, leaf in _json_leaves(item.payload):
            if leaf in (None, "") or path in UNMARKABLE_ITEMS:
                continue
            if not _contains_marker(leaf, world.markers):
                unmarked.append(f"linkage.reviewitem.payload:{path}={leaf!r}")
    if unmarked:
        raise AssertionError("Business data of the canary without a marker (mark it, or name it in UNMARKABLE "
                             "with the reason):\n  " + "\n  ".join(sorted(set(unmarked))))


def _allowed_empty(label: str, name: str, row) -> bool:
    """Fields that are empty by the nature of the row (a procedure has no review score, a
    subsidy no certification date, a snapshot only after submission)."""
    if label == "applications.application":
        if row.is_procedure:
            return name in {"review_score", "requested_amount", "granted_amount", "completion_report", "snapshot", "prefill"}
        return name in {"certified_on"}
    if label == "institutions.supportrecord":
        return False
    return False


# --- who may see what ----------------------------------------------------------------------------

SUPPORT_INSTITUTIONS, AGENCY, RESEARCHERS, APPLICANT, SMES, PUBLIC = 5, 2, 4, 7, 6, 8


@dataclass(frozen=True)
class State:
    name: str
    optin: bool = False
    grants: tuple[tuple[str, int, frozenset[int]], ...] = ()  # (institution key, purpose, classes)
    denied: frozenset[int] = frozenset()  # classes the business denies every recipient but itself
    roles: tuple[str, ...] = ()
    reference: str | None = None  # the wider state whose marked pages this one re-checks


def _table_allows(purpose: int, data_class: int, recipient: int) -> bool:
    classes, recipients = expected_table()[purpose]
    return data_class in classes and recipient in recipients


def _denied(state: State, data_class: int) -> bool:
    return data_class in state.denied


def public_may_see(marker: Marker, state: State) -> bool:
    """※6 items of the adopted subsidy case (and the certification date of an opted-in
    procedure), unless the business denied the class to the public."""
    if _denied(state, marker.data_class):
        return False
    if marker.origin == RECORD and marker.item in PUBLIC_ITEMS:
        return True
    return marker.origin == PROCEDURE and state.optin and marker.item in PUBLIC_PROCEDURE_ITEMS


def may_see(marker: Marker, role: str, state: State, url_name: str, own_review: bool = False) -> bool:
    """May this viewer see this marker in this state, by the policy table and conditions?
    `own_review`: the page is the agency's review of the procedure application itself."""
    if public_may_see(marker, state):
        return True
    origin_ok = marker.origin != PROCEDURE or state.optin
    c = marker.data_class
    if role in ("owner", "member"):
        # Recipient 7, purpose 3: the applicant's own records, every class but 9.
        return _table_allows(3, c, APPLICANT)
    if role == "agency":
        # Recipient 2: purpose 2 covers every class. Procedure data without the opt-in only
        # where the agency processes that very application (its review page and PDF, and
        # its row of the review list), never inside another application.
        if marker.origin == PROCEDURE and (own_review or url_name == "applications:review-list"):
            return not _denied(state, c)
        if marker.item.startswith("linkage.reviewitem."):
            # A partner's record awaiting name matching is the partner's copy, not yet the
            # business's data: the agency matches it whatever the candidate's consent.
            return True
        return origin_ok and not _denied(state, c) and any(_table_allows(p, c, AGENCY) for p in range(1, 10))
    if role == "researcher":
        return origin_ok and not _denied(state, c) and _table_allows(1, c, RESEARCHERS) and marker.item in RESEARCH_ITEMS \
            and marker.origin == RECORD
    if role in ("inst_a", "inst_b"):
        own = INSTITUTION_A if role == "inst_a" else PARTNER_B
        if marker.origin == own:
            return True  # what the institution wrote or sent itself
        if marker.item == "companies.business.corporate_number":
            return True  # it asked by this number (A) or sent records with it (B)
        if not origin_ok or _denied(state, c):
            return False
        return any(inst == role and c in classes and _table_allows(purpose, c, SUPPORT_INSTITUTIONS)
                   for inst, purpose, classes in state.grants)
    if role == "partner":
        return marker.origin == PARTNER_B or marker.item == "companies.business.corporate_number"
    # anonymous, a sole proprietor of another business (recipient 6: ※4 = the published
    # items), an unapproved researcher: the public items only.
    return False


# --- scanning -------------------------------------------------------------------------------------

# A thousands separator: a comma between digits followed by exactly three digits (not a
# CSV comma between two numbers, which must not join them into one).
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")


def _date_forms(iso: str) -> list[str]:
    day = dt.date.fromisoformat(iso)
    return [iso, f"{day.year}年{day.month}月{day.day}日", f"{day.year}/{day.month:02d}/{day.day:02d}",
            f"{day.year}年{day.month:02d}月{day.day:02d}日", day.strftime("%b. %-d, %Y"), day.strftime("%B %-d, %Y")]


@dataclass
class Scanner:
    markers: Markers

    def __post_init__(self):
        numbers = sorted((t for t, mk in self.markers.by_text.items() if mk.kind == "number"), key=len, reverse=True)
        self._numbers = re.compile(r"(?<![0-9A-Za-z.])(" + "|".join(map(re.escape, numbers)) + r")(?![0-9A-Za-z])") if numbers else None
        self._exact = [(t, mk) for t, mk in self.markers.by_text.items() if mk.kind == "exact"]
        self._dates = [(form.lower(), mk) for t, mk in self.markers.by_text.items() if mk.kind == "date" for form in _date_forms(t)]

    def find(self, text: str) -> list[tuple[str, Marker]]:
        """Every marker in the text: (the text found, the marker; an unknown token gets a
        marker built from its class digits)."""
        low = text.lower()
        found: list[tuple[str, Marker]] = []
        for match in TOKEN_RE.finditer(low):
            token = match.group(0)
            marker = self.markers.by_text.get(token) or Marker(token, int(match.group(1)), match.group(2), "unknown", "token")
            found.append((token, marker))
        if self._numbers is not None:
            plain = _THOUSANDS.sub("", low)
            numbers: set[str] = set()
            for text in (low, plain):  # as written, and with thousands separators closed up
                numbers.update(match.group(1) for match in self._numbers.finditer(text))
            found.extend((number, self.markers.by_text[number]) for number in sorted(numbers))
        for needle, marker in self._exact:
            if needle in low:
                found.append((needle, marker))
        for needle, marker in self._dates:
            if needle in low:
                found.append((needle, marker))
        return found


def body_text(response) -> str:
    """The text of a response: HTML, JSON, CSV (UTF-8 with BOM or cp932) or a PDF."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    content_type = response.get("Content-Type", "")
    if raw.startswith(b"%PDF") or "pdf" in content_type:
        return pdf_text(raw)
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = raw.decode("latin-1")
    if "json" in content_type:
        try:
            text = text + "\n" + json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return text


_SPACED = re.compile(r"(?<=[0-9A-Za-z@.\-]) (?=[0-9A-Za-z@.\-])")


def pdf_text(raw: bytes) -> str:
    """The PDF's text by pypdf. With the CJK font, pypdf puts a space between the glyphs
    of an ASCII run ("C N R Y 0 1"); single spaces inside such runs are closed up (the
    runs are then also given as extracted)."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(raw))
    # Fonts without a usable ToUnicode map come out as UTF-16 code units: drop the NULs.
    text = "\n".join(page.extract_text() or "" for page in reader.pages).replace("\x00", "")
    texts = [_SPACED.sub("", text), text]
    if shutil.which("pdftotext"):  # poppler, where installed: a second, independent reading
        done = subprocess.run(["pdftotext", "-q", "-", "-"], input=raw, capture_output=True, timeout=60, check=False)
        texts.append(done.stdout.decode("utf-8", "replace"))
    return "\n".join(texts)
