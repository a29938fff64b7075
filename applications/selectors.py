"""Reads of applications, each for a viewer.

The business's own users read them for purpose 3 (recipient 7, 申請者本人) and never see
the review (class 9). Agency staff read them for purpose 2 (行政機関内での情報共有,
recipient 2) to review them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from companies.selectors import may_view_record
from consent.access import (
    APPLICANT,
    PURPOSE_APPLICANT_RECORDS,
    PURPOSE_SHARING,
    SME_AGENCY,
    ConsentContext,
    viewer_recipient,
)
from consent.projection import origin_of, project, rows_released
from consent.registry import APPLICATION_CONTENT, PROGRAM_USAGE

from .corrections import correctable_fields
from .models import (
    Application,
    ApplicationCorrection,
    ApplicationSnapshot,
    SubsidyRound,
)

APPLICANT_FIELDS_HIDDEN = ("review_score", "review_result", "reviewed_at")


def _viewer_business_id(viewer) -> int:
    # A user of the business whose account may not read its records (an Entry account, a
    # Member without the right): 403, they know their own business (accounts/permissions.py).
    if not may_view_record(viewer):
        raise PermissionDenied
    business_id = viewer.membership_or_none.business_id
    context = ConsentContext([business_id])
    for data_class in (APPLICATION_CONTENT, PROGRAM_USAGE):
        if not context.decide(business_id, purpose=PURPOSE_APPLICANT_RECORDS, data_class=data_class, recipient=APPLICANT, viewer=viewer):
            raise Http404
    return business_id


def application_history(*, viewer) -> QuerySet:
    """Every application of the viewer's business, newest first (review fields deferred)."""
    business_id = _viewer_business_id(viewer)
    return (
        Application.objects.filter(business_id=business_id)
        # The award (awards app, by its relation's name) gives the status the applicant sees
        # after adoption (awards.lifecycle), on the same row.
        .select_related("subsidy_round", "support_institution", "award")
        .defer(*APPLICANT_FIELDS_HIDDEN, "snapshot", "content", "prefill")
        .order_by("-fiscal_year", "-created_at")
    )


def application_for_applicant_or_404(*, viewer, application_id: int) -> Application:
    business_id = _viewer_business_id(viewer)
    application = (Application.objects.select_related("subsidy_round", "support_institution", "business")
                   .defer(*APPLICANT_FIELDS_HIDDEN).filter(pk=application_id, business_id=business_id).first())
    if application is None:
        raise Http404
    return application


def open_rounds(program: str) -> QuerySet:
    return SubsidyRound.objects.filter(program=program, deadline__gte=timezone.now(), opens_on__lte=timezone.localdate()).order_by("deadline")


def review_queue(*, viewer, status: str | None = None) -> QuerySet:
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_agency_staff:
        raise Http404
    qs = Application.objects.exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
    if status:
        qs = qs.filter(status=status)
    if viewer_recipient(viewer) != SME_AGENCY:
        raise Http404
    qs = rows_released(qs, purpose=PURPOSE_SHARING, classes=(APPLICATION_CONTENT,), viewer=viewer, business_field="business")
    return qs.select_related("business", "subsidy_round").defer("content", "prefill", "snapshot").order_by("-submitted_at", "-id")


def application_for_agency_or_404(*, viewer, application_id: int) -> Application:
    application = review_queue(viewer=viewer).defer(None).filter(pk=application_id).first()
    if application is None:
        raise Http404
    return application


# --- 差戻し and resubmission: snapshots and corrections of an application already fetched
# for its viewer (application_for_applicant_or_404 / application_for_agency_or_404).


def _shown(value) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "—"
    if isinstance(value, list):
        return "\n".join(_shown(v) if not isinstance(v, dict) else
                         " / ".join(f"{k}: {_shown(x)}" for k, x in v.items() if x not in (None, "")) for v in value)
    return str(value)


def application_snapshots(*, application: Application) -> list[ApplicationSnapshot]:
    return list(ApplicationSnapshot.objects.filter(application=application).select_related("submitted_by").order_by("number"))


def snapshot_comparison(*, application: Application, before: int, after: int, viewer, purpose: int) -> list[dict]:
    """The fields whose submitted value differs between two submissions, with labels.
    Both versions pass the consent projection for this viewer and purpose first, so an
    item the business withholds from the viewer is compared as absent, never shown."""
    rows = {s.number: s for s in ApplicationSnapshot.objects.filter(application=application, number__in=[before, after])}
    if before not in rows or after not in rows:
        raise Http404
    context = ConsentContext([application.business_id])

    def released(snapshot: ApplicationSnapshot) -> dict:
        return project(snapshot.data, viewer=viewer, purpose=purpose, context=context,
                       schema="applications.applicationsnapshot.data", business_id=application.business_id,
                       origin=origin_of(application)).data.get("content", {})

    old, new = released(rows[before]), released(rows[after])
    labels = correctable_fields(application)
    changes: list[dict[str, Any]] = []
    for name in [*labels, *sorted(set(old) | set(new))]:
        if name.startswith("_") or any(c["field"] == name for c in changes):
            continue
        if old.get(name) != new.get(name):
            changes.append({"field": name, "label": labels.get(name, name), "before": _shown(old.get(name)),
                            "after": _shown(new.get(name))})
    return changes


def application_corrections(*, application: Application) -> list[dict]:
    """Each 差戻し with its reasons labelled, newest first."""
    labels = correctable_fields(application)
    return [
        {"cycle": c.cycle, "returned_at": c.returned_at,
         "reasons": [{"field": f, "label": labels.get(f, f), "reason": r} for f, r in c.reasons.items()]}
        for c in ApplicationCorrection.objects.filter(application=application).order_by("-cycle")
    ]


@dataclass(frozen=True)
class ReviewRelease:
    record: dict
    business_name: str | None
    snapshot: dict
    withheld: list[str]


def review_release(*, viewer, application: Application) -> ReviewRelease:
    """What agency staff see of an application they review (purpose 2, recipient 2): the
    row, the business's name and the submitted snapshot, each through the projection,
    so that an item the business withholds from the agency (its financials, its contact
    person…) is not on the review page or in the PDF, even inside the snapshot."""
    context = ConsentContext([application.business_id])
    record = project(application, viewer=viewer, purpose=PURPOSE_SHARING, context=context)
    business = project(application.business, viewer=viewer, purpose=PURPOSE_SHARING, context=context, fields=["name"])
    snapshot = project(application.snapshot or {}, viewer=viewer, purpose=PURPOSE_SHARING, context=context,
                       schema="applications.application.snapshot", business_id=application.business_id,
                       origin=origin_of(application))
    withheld = sorted({d.path.split(".")[-1] for d in snapshot.dropped if d.data_class is not None})
    return ReviewRelease(record=record.data, business_name=business.data.get("name"), snapshot=snapshot.data,
                         withheld=withheld)


def review_rows(*, viewer, applications: list[Application]) -> list[dict]:
    """The review list's rows through the projection: the receipt number (class 10), the
    business's name (class 1) and the review score (class 9) only where the business lets
    the agency see them. One consent context for the page."""
    context = ConsentContext([a.business_id for a in applications])
    rows = []
    for application in applications:
        record = project(application, viewer=viewer, purpose=PURPOSE_SHARING, context=context,
                         fields=["receipt_number", "review_score"])
        business = project(application.business, viewer=viewer, purpose=PURPOSE_SHARING, context=context, fields=["name"])
        rows.append({"application": application, "receipt_number": record.data.get("receipt_number"),
                     "review_score": record.data.get("review_score"), "business_name": business.data.get("name")})
    return rows
