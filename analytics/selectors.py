"""Reads that take the viewer. The dashboard, EBPM, extract and open-data reads live in
their own modules (dashboard.py, ebpm.py, extract.py, open_data.py); these are the
workflow lists."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import EbpmAnalysis, ExtractDownload, ResearchPledge


def require_agency(viewer) -> None:
    if not (viewer.is_authenticated and viewer.is_agency_staff):
        raise PermissionDenied


def pledge_list(*, viewer, status: str = ""):
    """Every pledge, for agency staff; filterable by status."""
    require_agency(viewer)
    qs = ResearchPledge.objects.select_related("researcher", "decided_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def pledge_for_agency(*, viewer, pledge_id: int) -> ResearchPledge:
    require_agency(viewer)
    try:
        return ResearchPledge.objects.select_related("researcher", "decided_by").get(pk=pledge_id)
    except ResearchPledge.DoesNotExist:
        raise Http404 from None


def own_pledges(*, viewer):
    return ResearchPledge.objects.filter(researcher=viewer).order_by("-created_at", "-id")


def own_downloads(*, viewer):
    return ExtractDownload.objects.filter(user=viewer).order_by("-started_at", "-id")


def extract_log(*, viewer):
    require_agency(viewer)
    return ExtractDownload.objects.select_related("user").order_by("-started_at", "-id")


def analysis_list(*, viewer):
    require_agency(viewer)
    return EbpmAnalysis.objects.select_related("created_by").order_by("-created_at", "-id")


def analysis_for_agency(*, viewer, analysis_id: int) -> EbpmAnalysis:
    require_agency(viewer)
    try:
        return EbpmAnalysis.objects.select_related("created_by").get(pk=analysis_id)
    except EbpmAnalysis.DoesNotExist:
        raise Http404 from None
