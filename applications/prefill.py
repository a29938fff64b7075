"""Pre-fill (プレプリント, seed 001): which form fields the business record fills, from
which part and data class, and the reads that fetch them through consent.access.

The record is read for purpose 4 (将来的な申請の円滑化に向けた申請情報の活用, ワンスオンリー)
towards recipient 2 (中小企業庁及び業務委託先, who receives the application) and shown to the
applicant (purpose 3, recipient 7). Purpose 4 covers classes 1, 2, 3, 5, 6, 7, 8 and 10, so
succession (class 4) is never pre-filled. The applicant may decline any offered class.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from companies.models import Business, FinancialYear, Source
from companies.selectors import provenance_map
from consent.access import (
    APPLICANT,
    PURPOSE_APPLICANT_RECORDS,
    PURPOSE_ONCE_ONLY,
    SME_AGENCY,
    ConsentContext,
    SystemRecipient,
)
from consent.projection import project

# The agency receives the pre-filled application (purpose 4, recipient 2): the record
# passes the projection for that recipient, item by item.
ONCE_ONLY_RECIPIENT = SystemRecipient(SME_AGENCY, "once-only pre-fill")

DATA_CLASS_NAMES = {
    1: _("Identity and attributes"), 2: _("Joint applicants"), 3: _("Business and sales information"),
    4: _("Succession"), 5: _("Contact person"), 6: _("Financials"), 7: _("Business plan"),
    8: _("Application content"), 10: _("Use of programs"),
}


@dataclass(frozen=True)
class PrefillField:
    name: str  # the form field
    part: str  # companies.record part ("identity", "profile", …; "financials" = latest year)
    field: str  # the record field ("" for derived values)
    data_class: int
    writeback: bool = True


PREFILL_FIELDS: tuple[PrefillField, ...] = (
    PrefillField("company_name", "identity", "name", 1),
    PrefillField("company_name_kana", "identity", "name_kana", 1),
    PrefillField("corporate_number", "identity", "corporate_number", 1, writeback=False),
    PrefillField("prefecture", "identity", "prefecture", 1),
    PrefillField("municipality", "identity", "municipality", 1),
    PrefillField("address", "identity", "address", 1),
    PrefillField("representative_name", "identity", "representative_name", 1),
    PrefillField("representative_birth_date", "identity", "representative_birth_date", 1),
    PrefillField("phone", "identity", "phone", 1),
    PrefillField("employees", "identity", "employees", 1),
    PrefillField("capital", "identity", "capital", 1),
    PrefillField("founded_year", "identity", "founded_year", 1),
    PrefillField("industry_jsic", "identity", "industry_jsic", 1),
    PrefillField("joint_applicants", "joint", "", 2, writeback=False),
    PrefillField("business_description", "profile", "description", 3),
    PrefillField("main_products", "profile", "main_products", 3),
    PrefillField("customers", "profile", "customers", 3),
    PrefillField("consumption_tax_status", "profile", "consumption_tax_status", 3),
    PrefillField("contact_name", "contact", "name", 5),
    PrefillField("contact_department", "contact", "department", 5),
    PrefillField("contact_phone", "contact", "phone", 5),
    PrefillField("contact_email", "contact", "email", 5),
    PrefillField("fy_year", "financials", "fiscal_year", 6, writeback=False),
    PrefillField("fy_sales", "financials", "sales", 6),
    PrefillField("fy_gross_profit", "financials", "gross_profit", 6),
    PrefillField("fy_operating_profit", "financials", "operating_profit", 6),
    PrefillField("fy_personnel_cost", "financials", "personnel_cost", 6),
    PrefillField("fy_depreciation", "financials", "depreciation", 6),
    PrefillField("plan_overview", "plan", "overview", 7),
    PrefillField("plan_market", "plan", "market", 7),
    PrefillField("plan_strengths", "plan", "strengths", 7),
    PrefillField("plan_policy", "plan", "management_policy", 7),
    PrefillField("keieiryoku_certified_on", "procedures", "certified_on", 10, writeback=False),
)
PREFILL_BY_NAME = {f.name: f for f in PREFILL_FIELDS}
# Procedures use the identity, contact and plan fields only.
PROCEDURE_PREFILL = tuple(f.name for f in PREFILL_FIELDS if f.part in {"identity", "contact", "plan", "profile"})


def offered_classes(*, viewer, business_id: int, field_names) -> dict[int, dict]:
    """Per data class the form would take: allowed or not, and why (for the consent screen)."""
    context = ConsentContext([business_id])
    classes = sorted({PREFILL_BY_NAME[n].data_class for n in field_names} | {4})
    result = {}
    for data_class in classes:
        own = context.decide(business_id, purpose=PURPOSE_APPLICANT_RECORDS, data_class=data_class, recipient=APPLICANT, viewer=viewer)
        reuse = context.decide(business_id, purpose=PURPOSE_ONCE_ONLY, data_class=data_class, recipient=SME_AGENCY,
                               viewer=ONCE_ONLY_RECIPIENT)
        allowed = own.allowed and reuse.allowed
        result[data_class] = {
            "code": data_class, "name": DATA_CLASS_NAMES.get(data_class, str(data_class)), "allowed": allowed,
            "reason": (reuse if own.allowed else own).reason, "policy_version": reuse.policy_version,
            "fields": [n for n in field_names if PREFILL_BY_NAME[n].data_class == data_class],
        }
    return result


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def record_values(*, business: Business, field_names, classes: set[int]) -> dict[str, dict]:
    """{field: {value, class, source, recorded_at, object_id}} for the fields of `classes`
    the record holds and the projection releases for once-only use (purpose 4, recipient
    2): a value from a procedure whose applicant did not tick the data-use consent stays
    out (seed 003 §17), whatever the class allows."""
    wanted = [PREFILL_BY_NAME[n] for n in field_names if PREFILL_BY_NAME[n].data_class in classes]
    parts = {f.part for f in wanted}
    provenance = provenance_map(business.pk)
    context = ConsentContext([business.pk])
    rows: dict[str, Any] = {"identity": business}
    if "profile" in parts:
        rows["profile"] = getattr(business, "profile", None)
    if "contact" in parts:
        rows["contact"] = getattr(business, "contact_person", None)
    if "plan" in parts:
        rows["plan"] = getattr(business, "business_plan", None)
    if "financials" in parts:
        rows["financials"] = FinancialYear.objects.filter(business=business).order_by("-fiscal_year").first()
    if "procedures" in parts:
        from .models import Application, Program

        rows["procedures"] = (Application.objects.filter(business=business, program=Program.KEIEIRYOKU_KOJO, status="certified",
                                                         certified_on__isnull=False).order_by("-certified_on").first())
    released: dict[str, dict] = {}
    for part, row in rows.items():
        if row is None:
            continue
        names = [spec.field for spec in wanted if spec.part == part and spec.field]
        if names:
            released[part] = project(row, viewer=ONCE_ONLY_RECIPIENT, purpose=PURPOSE_ONCE_ONLY, context=context,
                                     business_id=business.pk, fields=names, only_classes=classes).data
    result: dict[str, dict] = {}
    for spec in wanted:
        if spec.part == "joint":
            partners = list(business.joint_applicants.all())
            kept = [project(p, viewer=ONCE_ONLY_RECIPIENT, purpose=PURPOSE_ONCE_ONLY, context=context,
                            fields=["name", "corporate_number"], only_classes=classes).data for p in partners]
            kept = [k for k in kept if k]
            if kept:
                latest = max(partners, key=lambda p: p.recorded_at)
                result[spec.name] = {
                    "value": "\n".join(f"{k.get('name', '')} {k.get('corporate_number') or ''}".strip() for k in kept),
                    "class": spec.data_class, "source": latest.source, "recorded_at": _jsonable(latest.recorded_at),
                    "object_id": None,
                }
            continue
        row = rows.get(spec.part)
        if row is None or spec.field not in released.get(spec.part, {}):
            continue
        value = released[spec.part][spec.field]
        if value in (None, ""):
            continue
        if spec.part == "procedures":
            result[spec.name] = {"value": value, "class": spec.data_class, "source": Source.APPLICATION,
                                 "recorded_at": _jsonable(row.updated_at), "object_id": row.pk}
            continue
        source, at = provenance.get((row._meta.label_lower, row.pk, spec.field),
                                    (getattr(row, "source", Source.BUSINESS), getattr(row, "recorded_at", None) or row.created_at))
        result[spec.name] = {"value": value, "class": spec.data_class, "source": source,
                             "recorded_at": _jsonable(at), "object_id": row.pk}
    return result


@dataclass(frozen=True)
class PrefillGap:
    field: str
    label: str
    reason: str
    consent_link: bool


def prefill_gaps(*, application, viewer) -> list[PrefillGap]:
    """Why each record field of this form was not pre-filled, where consent is the cause:
    the applicant declined the class, the business's consent or the policy does not let
    the agency reuse it (purpose 4), or it comes from a procedure whose checklist opt-in
    was not given (seed 003 §17). A field the record simply lacks is not listed."""
    from django.utils.translation import gettext as _

    from .forms import RECORD_FORM_FIELDS
    from .models import Application, Program
    from .services import prefill_names

    names = [n for n in prefill_names(application.program) if n not in application.prefill]
    if not names:
        return []
    offered = offered_classes(viewer=viewer, business_id=application.business_id, field_names=names)
    declined = set(application.declined_classes)
    gaps = []
    for name in names:
        spec = PREFILL_BY_NAME[name]
        label = str(RECORD_FORM_FIELDS[name]().label) if name in RECORD_FORM_FIELDS else name
        info = offered.get(spec.data_class)
        class_name = str(DATA_CLASS_NAMES.get(spec.data_class, spec.data_class))
        if spec.data_class in declined:
            gaps.append(PrefillGap(name, label, _("You chose not to use %(class)s for this application.") % {"class": class_name}, False))
        elif info is not None and not info["allowed"]:
            gaps.append(PrefillGap(name, label, info["reason"], True))
        elif spec.part == "procedures":
            certified = (Application.objects.filter(business_id=application.business_id, program=Program.KEIEIRYOKU_KOJO,
                                                    status="certified", certified_on__isnull=False)
                         .order_by("-certified_on").first())
            if certified is not None and not certified.data_use_consent:
                gaps.append(PrefillGap(name, label, _(
                    "The certified plan was submitted without the checklist's consent to data use, so its data serves "
                    "only your own records (seed 003 §17)."), True))
    return gaps
