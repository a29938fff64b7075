"""Reads of 様式4 requests, each for its viewer.

The applicant (recipient 7, purpose 3) reads the requests of its own business's
applications; an advisor (recipient 5) reads the requests made to its own institution,
and the draft behind them only through services.support_plan_draft_release (the consent
projection limited to the classes the business approved, audited). Anything else: 404.

`submission_errors` is what applications.services asks before a 持続化 application is
submitted: an issued 様式4 from a 商工会・商工会議所 of the business's area.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from companies.selectors import may_view_record
from institutions.models import Institution

from .models import SupportPlanComment, SupportPlanRequest

Status = SupportPlanRequest.Status
# The institutions that issue a 様式4 (seed 003: 商工会地区 / 商工会議所地区).
ISSUING_KINDS = (Institution.Kind.SHOKOKAI, Institution.Kind.CHAMBER)


def in_area(institution: Institution, business) -> bool:
    """An institution of the business's area: a 商工会 or 商工会議所 of the business's
    prefecture (and of its municipality, where both name one)."""
    if institution.kind not in ISSUING_KINDS or not institution.is_active:
        return False
    if institution.prefecture != business.prefecture:
        return False
    if institution.municipality and business.municipality:
        return institution.municipality == business.municipality
    return True


def area_institutions(*, business) -> list[Institution]:
    """The 商工会・商工会議所 the business may ask for its 様式4 (public class-12 data)."""
    rows = Institution.objects.filter(is_active=True, kind__in=ISSUING_KINDS, prefecture=business.prefecture).order_by("name", "id")
    return [i for i in rows if in_area(i, business)]


def submission_errors(application) -> dict[str, list[str]]:
    """Refusals of submission for a 持続化 application without an issued 様式4 from an
    institution of its business's area ({} when it has one)."""
    issued = [r for r in SupportPlanRequest.objects.filter(application_id=application.pk, status=Status.ISSUED)
              .select_related("institution")]
    if not issued:
        return {"support_plan": [_(
            "The business support plan (form 4) has not been issued. Ask the 商工会 or 商工会議所 of your area for it "
            "and submit once it has been issued.")]}
    if not any(in_area(r.institution, application.business) for r in issued):
        return {"support_plan": [_(
            "The business support plan (form 4) was issued by an institution outside your business's area. "
            "Ask the 商工会 or 商工会議所 of your area for it.")]}
    return {}


def _applicant_business_id(viewer) -> int:
    if not may_view_record(viewer):
        raise Http404
    return viewer.membership_or_none.business_id


def requests_of_application(*, viewer, application) -> list[SupportPlanRequest]:
    """The 様式4 requests of one of the viewer's own applications, newest first."""
    if application.business_id != _applicant_business_id(viewer):
        raise Http404
    return list(SupportPlanRequest.objects.filter(application_id=application.pk)
                .select_related("institution", "document").order_by("-created_at", "-id"))


def request_for_applicant_or_404(*, viewer, request_id: int) -> SupportPlanRequest:
    business_id = _applicant_business_id(viewer)
    request = (SupportPlanRequest.objects.select_related("institution", "application", "document", "disclosure_request")
               .filter(pk=request_id, business_id=business_id).first())
    if request is None:
        raise Http404
    return request


def _institution_id(viewer) -> int:
    if not getattr(viewer, "is_institution_staff", False):
        raise Http404
    return viewer.institution_id


def institution_queue(*, viewer, status: str | None = None) -> QuerySet:
    """The 様式4 requests made to the viewer's institution (no business data: the list
    shows the request's number, status and dates; the draft is opened one by one)."""
    qs = SupportPlanRequest.objects.filter(institution_id=_institution_id(viewer))
    if status in Status.values:
        qs = qs.filter(status=status)
    return qs.select_related("disclosure_request").only(
        "id", "status", "created_at", "updated_at", "issued_at", "institution_id", "application_id",
        "disclosure_request__valid_until", "disclosure_request__status", "disclosure_request__approved_data_classes",
    ).order_by("-created_at", "-id")


def request_for_advisor_or_404(*, viewer, request_id: int) -> SupportPlanRequest:
    request = (SupportPlanRequest.objects.select_related("institution", "disclosure_request", "document")
               .filter(pk=request_id, institution_id=_institution_id(viewer)).first())
    if request is None:
        raise Http404
    return request


def comment_threads(*, request: SupportPlanRequest) -> list[dict]:
    """The comments of a request as threads: each top-level comment with its replies."""
    comments = list(SupportPlanComment.objects.filter(request=request).select_related("author").order_by("created_at", "id"))
    by_parent: dict[int | None, list[SupportPlanComment]] = {}
    for c in comments:
        by_parent.setdefault(c.parent_id, []).append(c)

    def replies(comment: SupportPlanComment) -> list[SupportPlanComment]:
        out = []
        for child in by_parent.get(comment.pk, []):
            out.append(child)
            out.extend(replies(child))
        return out

    return [{"comment": c, "replies": replies(c)} for c in by_parent.get(None, [])]
