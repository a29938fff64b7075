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

from .selectors import recommendations_for


class RecommendedItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())


class RecommendationsSerializer(serializers.Serializer):
    programs = RecommendedItemSerializer(many=True)
    case_studies = RecommendedItemSerializer(many=True)


def _item(rec) -> dict:
    if rec.kind == "program":
        title, url = rec.item.name, reverse("programs:program_detail", args=[rec.item.pk])
    else:
        title, url = rec.item.title, reverse("programs:case_detail", args=[rec.item.pk])
    return {"id": rec.item.pk, "title": title, "url": url, "score": rec.score, "reasons": rec.reasons}


class RecommendationsApi(APIView):
    permission_classes = [HasRole.of("business")]

    @extend_schema(responses=RecommendationsSerializer)
    def get(self, request):
        requested = parse_int_or_none(request.query_params.get("limit", "10"))
        limit = min(max(requested, 1), 50) if requested is not None else 10
        _business, results = recommendations_for(viewer=request.user, limit=limit)
        body = {"programs": [_item(r) for r in results["program"]], "case_studies": [_item(r) for r in results["case_study"]]}
        return Response(RecommendationsSerializer(body).data)


urlpatterns = [path("recommendations", RecommendationsApi.as_view(), name="api-recommendations")]
PUBLIC_URL_NAMES: set[str] = set()
