"""GET /api/v1/programs (anyone): support programs, filterable as api.md says."""

from __future__ import annotations

from django.urls import path
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

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


class ProgramListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = ProgramSerializer
    filterset_class = ProgramFilter
    pagination_class = ProgramPagination
    queryset = SupportProgram.objects.defer("body", "search_text", "search_tokens", "search_vector").order_by("deadline", "id")


urlpatterns = [path("programs", ProgramListApi.as_view(), name="api-programs")]
PUBLIC_URL_NAMES = {"api-programs"}
