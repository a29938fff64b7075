"""GET /api/v1/programs (anyone): support programs, filterable as api.md says."""

from __future__ import annotations

import json

from django.urls import path
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core import pagecache

from .filters import ProgramFilter
from .models import SupportProgram


class ProgramSerializer(serializers.ModelSerializer):
    nationwide = serializers.BooleanField(read_only=True)

    class Meta:
        model = SupportProgram
        fields = [
            "id", "name", "agency", "kind", "summary", "industries", "prefectures", "nationwide", "min_employees",
            "max_employees", "themes", "amount_max", "rate", "opens_on", "deadline", "tags", "url",
        ]


class ProgramPagination(PageNumberPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"


# A query string longer than this is answered without the cache (no one types it; it would
# only fill the cache).
CACHED_QUERY_MAX = 500


class ProgramListApi(generics.ListAPIView):
    """The catalogue is the same for every caller (anonymous, codes not labels): a page is
    computed once per URL and catalogue generation (core.pagecache, moved on by any change of
    programs, case studies or rounds) and reused. A filter refused (400) is never stored."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = ProgramSerializer
    filterset_class = ProgramFilter
    pagination_class = ProgramPagination
    queryset = SupportProgram.objects.defer("body", "search_text", "search_tokens", "search_vector").order_by("deadline", "id")

    def list(self, request, *args, **kwargs):
        def compute() -> dict:
            data = super(ProgramListApi, self).list(request, *args, **kwargs).data
            return json.loads(JSONRenderer().render(data))  # plain data to store: no serializer inside

        if len(request.META.get("QUERY_STRING", "")) > CACHED_QUERY_MAX:
            return super().list(request, *args, **kwargs)
        # The absolute URL: the page's next/previous links carry the scheme and host asked.
        return Response(pagecache.cached("catalogue", ("api-programs", request.build_absolute_uri()), compute))


urlpatterns = [path("programs", ProgramListApi.as_view(), name="api-programs")]
PUBLIC_URL_NAMES = {"api-programs"}
