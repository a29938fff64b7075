"""A public read of the 支援者検索 (not in api.md's table; an addition for partner tools)."""

from __future__ import annotations

from django.urls import path
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from .filters import InstitutionFilter
from .models import Institution
from .selectors import institution_search


class InstitutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = ["id", "name", "kind", "prefecture", "municipality", "services", "qualifications", "specialties",
                  "description", "certification_id", "website"]


class Pagination(PageNumberPagination):
    page_size = 20


class InstitutionListApi(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = InstitutionSerializer
    pagination_class = Pagination
    filterset_class = InstitutionFilter

    def get_queryset(self):
        return institution_search()


PUBLIC_URL_NAMES = {"api-institutions"}
urlpatterns = [path("institutions", InstitutionListApi.as_view(), name="api-institutions")]
