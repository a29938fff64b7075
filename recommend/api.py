"""GET /api/v1/recommendations (business user): programs and case studies for the
caller's business, each with score and reasons."""

from __future__ import annotations

from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasRole
from core.input import parse_int_or_none

from .selectors import recommendation_titles_for


class RecommendedItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())


class RecommendationsSerializer(serializers.Serializer):
    programs = RecommendedItemSerializer(many=True)
    case_studies = RecommendedItemSerializer(many=True)


def _urls() -> dict[str, str]:
    """The detail URL of each kind, with "0" where the id goes (reverse() once, not per item)."""
    return {"program": reverse("programs:program_detail", args=[0]), "case_study": reverse("programs:case_detail", args=[0])}


def _item(kind: str, entry: dict, urls: dict[str, str]) -> dict:
    head, _zero, tail = urls[kind].rpartition("0")
    return {"id": entry["id"], "title": entry["title"], "url": f"{head}{entry['id']}{tail}", "score": entry["score"],
            "reasons": entry["reasons"]}


class RecommendationsApi(APIView):
    permission_classes = [HasRole.of("business")]

    @extend_schema(responses=RecommendationsSerializer)
    def get(self, request):
        requested = parse_int_or_none(request.query_params.get("limit", "10"))
        limit = min(max(requested, 1), 50) if requested is not None else 10
        results = recommendation_titles_for(viewer=request.user, limit=limit)
        urls = _urls()
        body = {"programs": [_item("program", e, urls) for e in results["program"]],
                "case_studies": [_item("case_study", e, urls) for e in results["case_study"]]}
        return Response(RecommendationsSerializer(body).data)


urlpatterns = [path("recommendations", RecommendationsApi.as_view(), name="api-recommendations")]
PUBLIC_URL_NAMES: set[str] = set()
