from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .validators import is_valid_corporate_number


class CorporateNumberCheckSerializer(serializers.Serializer):
    corporate_number = serializers.CharField()
    valid = serializers.BooleanField()


class CorporateNumberRefusedSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    # api.md's key is "errors"; this serializer only serialises, so Serializer.errors (its validation) is never read.
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))  # type: ignore[assignment]


class CorporateNumberCheckApi(APIView):
    """Public check of a 法人番号's form and check digit (used as the sign-up form is typed)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: CorporateNumberCheckSerializer, 400: CorporateNumberRefusedSerializer})
    def get(self, request, number: str):
        if len(number) != 13 or not number.isdigit():
            return self._refused(_("A corporate number is 13 digits."))
        if not is_valid_corporate_number(number):
            return self._refused(_("This corporate number's check digit is wrong. Please check the number."))
        return Response(CorporateNumberCheckSerializer({"corporate_number": number, "valid": True}).data)

    @staticmethod
    def _refused(message: str) -> Response:
        body = {"valid": False, "errors": {"corporate_number": [message]}}
        return Response(CorporateNumberRefusedSerializer(body).data, status=400)


PUBLIC_URL_NAMES = {"api-corporate-number"}
urlpatterns = [path("corporate-numbers/<str:number>", CorporateNumberCheckApi.as_view(), name="api-corporate-number")]
