"""Reads of the disclosure flow. Each takes the viewer and starts from what that viewer may
see: an institution's own requests, a business's own inbox and access log, the anonymised
company list (no name, no number) and — through company_data, called only by
services.company_data_release after the consent decision — a company's data by class."""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.db.models import QuerySet

from accounts.models import Membership
from companies.models import Business
from consent.access import (
    APPLICANT,
    PURPOSE_APPLICANT_RECORDS,
    PURPOSE_CONSULTATION,
    SUPPORT_INSTITUTIONS,
    ConsentContext,
)
from consent.projection import project, rows_not_narrowed
from consent.registry import IDENTITY, classified_models, json_schema_of

from .filters import AnonymisedCompanyFilter, RequestFilter
from .models import AccessLogEntry, DisclosureRequest, InstitutionBlock

SIZE_BANDS = (
    ("micro", 0, 5),
    ("small", 6, 20),
    ("medium", 21, 50),
    ("large", 51, 300),
    ("over_300", 301, None),
)


def size_band_of(employees: int | None) -> str:
    if employees is None:
        return ""
    for code, low, high in SIZE_BANDS:
        if employees >= low and (high is None or employees <= high):
            return code
    return ""


def business_reader(user) -> Membership | None:
    """The membership of a verified business user (Prime or Member) who may read the
    business's inbox and access log; an unverified Entry account may not."""
    if not getattr(user, "is_business_user", False):
        return None
    membership = user.membership_or_none
    if membership.account_type not in (Membership.AccountType.PRIME, Membership.AccountType.MEMBER):
        return None
    return membership


def institution_request_list(*, viewer, filters: dict | None = None) -> QuerySet[DisclosureRequest]:
    qs = (
        DisclosureRequest.objects.filter(institution_id=viewer.institution_id)
        .select_related("requested_by")
        .order_by("-created_at", "-id")
    )
    return RequestFilter(filters or {}, queryset=qs).qs


def business_request_list(*, viewer, filters: dict | None = None) -> QuerySet[DisclosureRequest]:
    membership = business_reader(viewer)
    if membership is None:
        return DisclosureRequest.objects.none()
    qs = (
        DisclosureRequest.objects.filter(business_id=membership.business_id, hidden=False)
        .select_related("institution", "requested_by")
        .order_by("-created_at", "-id")
    )
    # No filter given: the list itself, without building a FilterSet and its form (マイページ's
    # panel asks on every visit, issue 16).
    return RequestFilter(filters, queryset=qs).qs if filters else qs


def business_request_get(*, viewer, request_id: int) -> DisclosureRequest | None:
    return business_request_list(viewer=viewer).filter(pk=request_id).first()


def institution_request_get(*, viewer, request_id: int) -> DisclosureRequest | None:
    if not getattr(viewer, "is_institution_staff", False):
        return None
    return DisclosureRequest.objects.filter(pk=request_id, institution_id=viewer.institution_id).first()


def mypage_panel(*, viewer) -> dict:
    """What マイページ shows a business user: requests awaiting an answer."""
    from django.utils import timezone

    pending = business_request_list(viewer=viewer).filter(
        status=DisclosureRequest.Status.PENDING, valid_until__gte=timezone.localdate()
    )
    items = list(pending[:5])
    return {"pending": items, "pending_count": len(items) if len(items) < 5 else pending.count(),
            "can_decide": getattr(viewer, "is_prime", False)}


def access_log_list(*, viewer) -> QuerySet[AccessLogEntry]:
    membership = business_reader(viewer)
    if membership is None:
        return AccessLogEntry.objects.none()
    return (
        AccessLogEntry.objects.filter(business_id=membership.business_id)
        .select_related("user", "institution")
        .order_by("-at", "-id")
    )


def blocked_institutions(*, viewer) -> QuerySet[InstitutionBlock]:
    membership = business_reader(viewer)
    if membership is None:
        return InstitutionBlock.objects.none()
    return InstitutionBlock.objects.filter(business_id=membership.business_id).select_related("institution")


def business_id_for_number(corporate_number: str) -> int | None:
    """Only for services.company_data_release, which decides what (if anything) to release;
    callers answer 404 alike for None and for nothing released."""
    return Business.objects.filter(corporate_number=corporate_number).values_list("pk", flat=True).first()


def anonymised_company_list(*, viewer, filters: dict | None = None) -> QuerySet:
    """Businesses as an institution may browse them before any approval: prefecture,
    industry and size band only. Leaves out a business that denied class 1 to support
    institutions (for purpose 6 or for all purposes) and one that blocked the viewer's
    institution. Returns value rows, never model instances with names."""
    qs = Business.objects.all()
    qs = rows_not_narrowed(qs, purpose=PURPOSE_CONSULTATION, data_class=IDENTITY, recipient=SUPPORT_INSTITUTIONS)
    # NOT IN one uncorrelated subquery (a hashed SubPlan), not NOT EXISTS: no anti-join whose
    # shape hangs on the estimates (issue 16, tests/consent/test_plan_shape.py).
    blocked = InstitutionBlock.objects.filter(institution_id=viewer.institution_id).values("business_id")
    qs = qs.exclude(pk__in=blocked)
    qs = AnonymisedCompanyFilter(filters or {}, queryset=qs).qs
    return qs.order_by("prefecture", "industry_jsic", "pk").values("pk", "prefecture", "industry_jsic", "employees", "corp_type")


# --- a company's data, grouped by data class -------------------------------------------

def _business_models() -> list[tuple[type[models.Model], str, bool, dict[str, int]]]:
    """(model, path to the business id, many rows?, field → class) for every model that
    declares DATA_CLASSES and belongs to a business. Built from consent.registry, so a new
    model with DATA_CLASSES is released without a change here."""
    result = []
    for label, fields in sorted(classified_models().items()):
        model = apps.get_model(label)
        if model is Business:
            result.append((model, "pk", False, fields))
            continue
        link = next(
            (f for f in model._meta.concrete_fields if f.is_relation and f.related_model is Business), None
        )
        if link is None:
            continue  # e.g. institutions.Institution: the institution's own profile
        result.append((model, link.attname, not link.one_to_one, fields))
    cleaned = []
    for model, path, many, fields in result:
        concrete = {f.name for f in model._meta.concrete_fields}
        cleaned.append((model, path, many, {f: c for f, c in fields.items() if f in concrete}))
    return cleaned


def company_data(*, business_id: int, classes_by_purpose: dict[int, list[int]], viewer,
                 context: ConsentContext | None = None) -> dict[str, dict]:
    """{"<class>": {"<model>": {...} or [{...}, ...]}} holding only the given classes.

    Every row passes consent.projection.project for the viewer, under the purpose that
    released each class and limited to that class: an item inside a document (an
    application's content, its pre-fill, its snapshot) is listed under its own class,
    never its container's, and only if the decision allows that class. One query per
    model that may hold any of the classes."""
    purpose_of: dict[int, int] = {c: p for p, classes in classes_by_purpose.items() for c in classes}
    wanted = set(purpose_of)
    out: dict[str, dict] = {str(c): {} for c in sorted(wanted)}
    for model, path, many, fields in _business_models():
        has_documents = any(json_schema_of(model, f) is not None for f in fields)
        if not has_documents and not set(fields.values()) & wanted:
            continue
        qs = model._default_manager.filter(**{path: business_id})
        related = [f for f in fields if model._meta.get_field(f).is_relation]
        if related:
            qs = qs.select_related(*related)
        rows = list(qs.order_by(*(model._meta.ordering or ["pk"])))
        key = model._meta.model_name
        for data_class in sorted(wanted):
            serialised = []
            for obj in rows:
                projection = project(obj, viewer=viewer, purpose=purpose_of[data_class], context=context,
                                     business_id=business_id, only_classes=[data_class])
                if projection.data:
                    serialised.append(({"id": obj.pk} if many else {}) | projection.data)
            if many and serialised:
                out[str(data_class)][key] = serialised
            elif serialised:
                out[str(data_class)][key] = serialised[0]
    return out


def released_models() -> dict[str, type[models.Model]]:
    """model_name → model of every model a company-data release may hold."""
    return {model._meta.label_lower.split(".")[1]: model for model, *_ in _business_models()}


def field_labels() -> dict[str, dict[str, str]]:
    """Verbose names of every released field, keyed like company_data's output."""
    def label(model: type[models.Model], name: str) -> str:
        found = model._meta.get_field(name)
        return str(found.verbose_name) if isinstance(found, models.Field) else name

    def key(model: type[models.Model]) -> str:
        return model._meta.label_lower.split(".")[1]  # model_name

    return {
        key(model): {f: label(model, f) for f in fields} for model, _path, _many, fields in _business_models()
    } | {
        key(model) + "__title": {"": str(model._meta.verbose_name)} for model, *_ in _business_models()
    }


def own_company_data(*, viewer, corporate_number: str) -> dict | None:
    """The business's own users (recipient 7, purpose 3: 申請者本人による…一括した保存・閲覧)
    read their whole record by class, in the shape an institution gets, through the same
    projection. None for anyone else and for another business's number (the caller
    answers 404: a business user learns nothing of other businesses)."""
    membership = business_reader(viewer)
    if membership is None:
        return None
    business = Business.objects.filter(pk=membership.business_id).first()
    if business is None or corporate_number not in {business.corporate_number, business.gbizid_management_number}:
        return None
    context = ConsentContext([business.pk])
    classes = context.allowed_classes(business.pk, purpose=PURPOSE_APPLICANT_RECORDS, recipient=APPLICANT, viewer=viewer)
    data = company_data(business_id=business.pk, classes_by_purpose={PURPOSE_APPLICANT_RECORDS: classes},
                        viewer=viewer, context=context)
    return {"corporate_number": business.corporate_number or corporate_number,
            "data_classes": {code: blocks for code, blocks in data.items() if blocks}}
