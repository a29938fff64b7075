"""GET /api/v1/recommendations (business user): programs and case studies for the
caller's business, each with score and reasons."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasRole
from core import pagecache
from core.input import parse_int_or_none

from .precompute import recommendations_generation
from .selectors import recommendation_titles_for

CATALOGUE = "catalogue"  # programs.apps: any change of programs, case studies, rounds


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
    """The body is the same for every user of a business who asks in the same language
    with the same limit on the same day: it is kept per business, language, limit and day
    under the generations of the business's stored set (moved on when the worker stores a
    new one) and of the catalogue (a program renamed, removed or changed), and sent as the
    JSON bytes themselves — no selector, serializer or renderer runs for a repeated call."""

    permission_classes = [HasRole.of("business")]

    @extend_schema(responses=RecommendationsSerializer)
    def get(self, request):
        requested = parse_int_or_none(request.query_params.get("limit", "10"))
        limit = min(max(requested, 1), 50) if requested is not None else 10

        def data() -> dict:
            results = recommendation_titles_for(viewer=request.user, limit=limit)
            urls = _urls()
            body = {"programs": [_item("program", e, urls) for e in results["program"]],
                    "case_studies": [_item("case_study", e, urls) for e in results["case_study"]]}
            return RecommendationsSerializer(body).data

        renderer = request.accepted_renderer
        if type(renderer) is not JSONRenderer or request.accepted_media_type != renderer.media_type:
            return Response(data())  # the browsable API, or JSON with parameters (indent=): as DRF renders it
        business_id = request.user.membership_or_none.business_id  # HasRole("business"): there is one

        def rendered() -> bytes:
            return renderer.render(data(), renderer.media_type, self.get_renderer_context())

        content = pagecache.cached_under(
            [recommendations_generation(business_id), CATALOGUE],
            ("api-recommendations", business_id, get_language(), limit, timezone.localdate()), rendered)
        return HttpResponse(content, content_type=renderer.media_type)


urlpatterns = [path("recommendations", RecommendationsApi.as_view(), name="api-recommendations")]
PUBLIC_URL_NAMES: set[str] = set()
