from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasRole
from core.input import ApiCharField, ApiIntegerField

from . import eligibility, services


class JizokukaEligibilityRequestSerializer(serializers.Serializer):
    """The body, documented; eligibility.check_jizokuka reads it (its own errors name the field)."""

    industry = serializers.ChoiceField(choices=list(eligibility.THRESHOLDS))
    staff = serializers.ListField(child=serializers.DictField())
    previous_adoptions = serializers.ListField(child=serializers.DictField(), required=False)
    target_round = ApiIntegerField(min_value=1, max_value=999)
    lines = serializers.ListField(child=serializers.DictField(), required=False,
                                  help_text="Optional lines of business [{jsic, share}]: the main line decides the group.")
    industry_reason = ApiCharField(required=False, max_length=500, help_text="Why `industry` differs from the group the lines give.")
    regular_hours = serializers.DictField(required=False, help_text="{daily_hours, weekly_hours, monthly_days} of a regular "
                                          "employee; a part_time item with the same keys is tested against 3/4.")


class JizokukaEligibilitySerializer(serializers.Serializer):
    counted_employees = serializers.IntegerField()
    threshold = serializers.IntegerField()
    is_small_business = serializers.BooleanField()
    may_reapply = serializers.BooleanField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())


class ApplicationSubmittedSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    status = serializers.CharField()
    receipt_number = serializers.CharField()
    requested_amount = serializers.IntegerField(allow_null=True)


class JizokukaEligibilityApi(APIView):
    """小規模事業者持続化補助金 self-check (eligibility by size and previous adoptions); anyone may call it."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=JizokukaEligibilityRequestSerializer,
        responses=JizokukaEligibilitySerializer,
        examples=[OpenApiExample("Shop", value={"industry": "commerce_service", "staff": [{"role": "regular", "count": 3}],
                                                "previous_adoptions": [{"program": "r1_general", "round": 7}], "target_round": 11})],
    )
    def post(self, request):
        try:
            result = eligibility.check_jizokuka(request.data)
        except eligibility.EligibilityInputError as exc:
            return Response({"errors": exc.errors}, status=400)
        return Response(JizokukaEligibilitySerializer(result.as_dict()).data)


class SubmitSerializer(serializers.Serializer):
    pledge = serializers.BooleanField(required=False, default=False)


class ApplicationSubmitApi(APIView):
    permission_classes = [HasRole.of("business")]
    """Submit a draft (Prime holder): the same service as the page, so the same refusals —
    deadline, completeness, the small-business limit, the frame's conditions and every rule of
    applications.rules — come back as 400 {"errors": {field: [messages]}} and change nothing.
    A retry with the same Idempotency-Key returns the first answer (core.idempotency)."""

    @extend_schema(
        request=SubmitSerializer,
        responses=ApplicationSubmittedSerializer,
    )
    def post(self, request, pk: int):
        serializer = SubmitSerializer(data=request.data)
        if not serializer.is_valid():
            raise ValidationError(serializer.errors)
        application = services.application_submit(actor=request.user, application_id=pk, pledge=serializer.validated_data["pledge"])
        return Response(ApplicationSubmittedSerializer(application).data)


urlpatterns = [
    path("eligibility/jizokuka", JizokukaEligibilityApi.as_view(), name="api-eligibility-jizokuka"),
    path("applications/<int:pk>/submit", ApplicationSubmitApi.as_view(), name="api-application-submit"),
]
PUBLIC_URL_NAMES = {"api-eligibility-jizokuka"}
