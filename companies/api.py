from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .validators import is_valid_corporate_number


class CorporateNumberCheckApi(APIView):
    """Public check of a 法人番号's form and check digit (used as the sign-up form is typed)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses=inline_serializer("CorporateNumberCheck", {"corporate_number": serializers.CharField(), "valid": serializers.BooleanField()}))
    def get(self, request, number: str):
        if len(number) != 13 or not number.isdigit():
            return Response({"valid": False, "errors": {"corporate_number": [_("A corporate number is 13 digits.")]}}, status=400)
        if not is_valid_corporate_number(number):
            return Response(
                {"valid": False, "errors": {"corporate_number": [_("This corporate number's check digit is wrong. Please check the number.")]}},
                status=400,
            )
        return Response({"corporate_number": number, "valid": True})


PUBLIC_URL_NAMES = {"api-corporate-number"}
urlpatterns = [path("corporate-numbers/<str:number>", CorporateNumberCheckApi.as_view(), name="api-corporate-number")]
