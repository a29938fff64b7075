from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.input import ApiCharField, ApiIntegerField

from . import eligibility, services
from .selectors import application_history_with_timeline


class JizokukaEligibilityApi(APIView):
    """小規模事業者持続化補助金 self-check (eligibility by size and previous adoptions); anyone may call it."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=inline_serializer("JizokukaEligibilityRequest", {
            "industry": serializers.ChoiceField(choices=list(eligibility.THRESHOLDS)),
            "staff": serializers.ListField(child=serializers.DictField()),
            "previous_adoptions": serializers.ListField(child=serializers.DictField(), required=False),
            "target_round": ApiIntegerField(min_value=1, max_value=999),
            "lines": serializers.ListField(child=serializers.DictField(), required=False,
                                           help_text="Optional lines of business [{jsic, share}]: the main line decides the group."),
            "industry_reason": ApiCharField(required=False, max_length=500, help_text="Why `industry` differs from the group the lines give."),
            "regular_hours": serializers.DictField(required=False, help_text="{daily_hours, weekly_hours, monthly_days} of a regular "
                                                   "employee; a part_time item with the same keys is tested against 3/4."),
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


class SubmitSerializer(serializers.Serializer):
    pledge = serializers.BooleanField(required=False, default=False)


class ApplicationSubmitApi(APIView):
    """Submit a draft (Prime holder): the same service as the page, so the same refusals —
    deadline, completeness, the small-business limit, the frame's conditions and every rule of
    applications.rules — come back as 400 {"errors": {field: [messages]}} and change nothing.
    A retry with the same Idempotency-Key returns the first answer (core.idempotency)."""

    @extend_schema(
        request=SubmitSerializer,
        responses=inline_serializer("ApplicationSubmitted", {
            "id": serializers.IntegerField(), "status": serializers.CharField(), "receipt_number": serializers.CharField(),
            "requested_amount": serializers.IntegerField(allow_null=True),
        }),
    )
    def post(self, request, pk: int):
        serializer = SubmitSerializer(data=request.data)
        if not serializer.is_valid():
            raise ValidationError(serializer.errors)
        application = services.application_submit(actor=request.user, application_id=pk, pledge=serializer.validated_data["pledge"])
        return Response({"id": application.pk, "status": application.status, "receipt_number": application.receipt_number,
                         "requested_amount": application.requested_amount})
class ApplicationListApi(APIView):
    """The caller's business's applications and the steps each went through (api.md)."""

    @extend_schema(responses=inline_serializer("ApplicationWithTimeline", {
        "id": serializers.IntegerField(), "program": serializers.CharField(), "round": serializers.IntegerField(allow_null=True),
        "status": serializers.CharField(),
        "timeline": inline_serializer("ApplicationStep", {"status": serializers.CharField(), "at": serializers.DateTimeField()}, many=True),
    }, many=True))
    def get(self, request):
        if not getattr(request.user, "is_business_user", False):
            raise PermissionDenied
        return Response([
            {"id": a.pk, "program": a.program, "round": a.round_number, "status": a.status,
             "timeline": [{"status": step.status, "at": step.at.isoformat()} for step in a.timeline]}
            for a in application_history_with_timeline(viewer=request.user)
        ])


urlpatterns = [
    path("eligibility/jizokuka", JizokukaEligibilityApi.as_view(), name="api-eligibility-jizokuka"),
    path("applications/<int:pk>/submit", ApplicationSubmitApi.as_view(), name="api-application-submit"),
    path("applications", ApplicationListApi.as_view(), name="api-applications"),
]
PUBLIC_URL_NAMES = {"api-eligibility-jizokuka"}
