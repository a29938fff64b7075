from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import eligibility


class JizokukaEligibilityApi(APIView):
    """小規模事業者持続化補助金 self-check (eligibility by size and previous adoptions); anyone may call it."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=inline_serializer("JizokukaEligibilityRequest", {
            "industry": serializers.ChoiceField(choices=list(eligibility.THRESHOLDS)),
            "staff": serializers.ListField(child=serializers.DictField()),
            "previous_adoptions": serializers.ListField(child=serializers.DictField(), required=False),
            "target_round": serializers.IntegerField(),
        }),
        responses=inline_serializer("JizokukaEligibility", {
            "counted_employees": serializers.IntegerField(), "threshold": serializers.IntegerField(),
            "is_small_business": serializers.BooleanField(), "may_reapply": serializers.BooleanField(allow_null=True),
            "reasons": serializers.ListField(child=serializers.CharField()),
        }),
        examples=[OpenApiExample("Shop", value={"industry": "commerce_service", "staff": [{"role": "regular", "count": 3}],
                                                "previous_adoptions": [{"program": "r1_general", "round": 7}], "target_round": 11})],
    )
    def post(self, request):
        try:
            result = eligibility.check_jizokuka(request.data)
        except eligibility.EligibilityInputError as exc:
            return Response({"errors": exc.errors}, status=400)
        return Response(result.as_dict())


urlpatterns = [path("eligibility/jizokuka", JizokukaEligibilityApi.as_view(), name="api-eligibility-jizokuka")]
PUBLIC_URL_NAMES = {"api-eligibility-jizokuka"}
