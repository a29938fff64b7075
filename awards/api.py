"""The applicant's applications and its subsidy after adoption in the API.

Reads: the business's applications with the status the applicant sees and the timeline
of every step, the award's included (awards.lifecycle; api.md, section Documents); the
steps of one application (with the steps still due) and its award (amounts, plan, ledger,
due dates). Writes: the applicant's own award steps — 交付申請, an expense line,
実績報告 (with its lines), 計画変更 request, 精算払請求 — each a POST calling the same
service as the page, so the same refusals come back as 400 in the error shape of api.md
and change nothing. Idempotency-Key is honoured for every POST (core.idempotency). The
same selectors as the pages: another business's application, or one before its award,
is 404 like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasRole
from applications import rules
from applications.jizokuka import EXPENSE_CATEGORIES
from applications.selectors import application_for_applicant_or_404
from awards.services import CATEGORY_LABELS
from core.input import ApiCharField, ApiIntegerField

from . import lifecycle, selectors, services
from .models import TAX_MODES

AMOUNT_MAX = services.MAX_AMOUNT
ERRORS = OpenApiResponse(description='Bad input or a step out of order: {"errors": {field: [messages]}}; nothing is written.')
NOT_FOUND = OpenApiResponse(description="No such application (or award) of the caller's business.")


class StepSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # the body's key is "label"; a nested serializer's own Field.label is not output
    at = serializers.DateTimeField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    state = serializers.ChoiceField(choices=["done", "due", "overdue"])


class LifecycleStepSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=lifecycle.CHOICES)
    at = serializers.DateTimeField()


class ApplicationWithTimelineSerializer(serializers.Serializer):
    """api.md: {"id", "program", "round", "status", "timeline": [{"status", "at"}]}. `status`
    is the step the applicant sees: the award's once there is one (awards.lifecycle)."""

    id = serializers.IntegerField(source="pk")
    program = serializers.CharField()
    round = serializers.IntegerField(source="round_number", allow_null=True)
    status = serializers.ChoiceField(source="lifecycle_status", choices=lifecycle.CHOICES)
    timeline = LifecycleStepSerializer(many=True)


class ApplicationStepsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    program = serializers.CharField()
    round = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=lifecycle.CHOICES)
    award_status = serializers.CharField(allow_null=True)
    steps = StepSerializer(many=True)


class PlanItemSerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the body's key is "label"; a nested serializer's own Field.label is not output
    amount = serializers.IntegerField()


class LineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    category = serializers.CharField()
    description = serializers.CharField()
    vendor = serializers.CharField()
    paid_on = serializers.DateField()
    amount = serializers.IntegerField()
    tax_mode = serializers.CharField()
    receipt_id = serializers.IntegerField()
    accepted_amount = serializers.IntegerField(allow_null=True)
    deduction_reason = serializers.CharField(allow_blank=True)


class DueDateSerializer(serializers.Serializer):
    step = serializers.CharField()
    fiscal_year = serializers.IntegerField(allow_null=True)
    due_on = serializers.DateField()
    done = serializers.BooleanField()
    overdue = serializers.BooleanField()


class AwardSerializer(serializers.Serializer):
    application_id = serializers.IntegerField()
    status = serializers.CharField()
    tax_mode = serializers.CharField()
    requested_amount = serializers.IntegerField()
    granted_amount = serializers.IntegerField(allow_null=True)
    confirmed_amount = serializers.IntegerField(allow_null=True)
    paid_amount = serializers.IntegerField(allow_null=True)
    plan = PlanItemSerializer(many=True)
    lines = LineSerializer(many=True)
    due_dates = DueDateSerializer(many=True)


def _steps(application, award) -> list[dict]:
    return [{"label": s.label, "at": s.at, "due_on": s.due_on, "state": s.state}
            for s in selectors.timeline(application=application, award=award)]


def award_body(application, award) -> dict[str, Any]:
    overdue = {d.pk for d in selectors.overdue_steps(award)}
    return {
        "application_id": application.pk, "status": award.status, "tax_mode": award.tax_mode,
        "requested_amount": award.requested_amount, "granted_amount": award.granted_amount,
        "confirmed_amount": award.confirmed_amount, "paid_amount": award.paid_amount,
        "plan": [{"category": c, "label": str(CATEGORY_LABELS.get(c, c)), "amount": v} for c, v in award.plan.items()],
        "lines": [line_body(line) for line in award.lines.all()],
        "due_dates": [{"step": d.step, "fiscal_year": d.fiscal_year, "due_on": d.due_on, "done": d.done_at is not None,
                       "overdue": d.pk in overdue} for d in award.due_dates.all()],
    }


def line_body(line) -> dict[str, Any]:
    return {"id": line.pk, "category": line.category, "description": line.description, "vendor": line.vendor,
            "paid_on": line.paid_on, "amount": line.amount, "tax_mode": line.tax_mode, "receipt_id": line.receipt_id,
            "accepted_amount": line.accepted_amount, "deduction_reason": line.deduction_reason}


def _award_response(request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    """The award as it stands after a step (re-read, prefetched, like GET …/award)."""
    application = application_for_applicant_or_404(viewer=request.user, application_id=pk)
    award = selectors.award_of(application=application)
    if award is None:
        raise Http404
    return Response(AwardSerializer(award_body(application, award)).data, status=code)


class ApplicationListApi(APIView):
    """The caller's business's applications and every step each went through (api.md)."""

    permission_classes = [HasRole.of("business")]

    @extend_schema(responses=ApplicationWithTimelineSerializer(many=True))
    def get(self, request):
        rows = selectors.applications_with_lifecycle(viewer=request.user)
        return Response(ApplicationWithTimelineSerializer(rows, many=True).data)


class ApplicationStepsApi(APIView):
    """Every step of one of the caller's applications, the post-adoption ones included,
    then the steps still due (`state` due or overdue)."""

    permission_classes = [HasRole.of("business")]

    @extend_schema(responses=ApplicationStepsSerializer)
    def get(self, request, pk: int):
        application = application_for_applicant_or_404(viewer=request.user, application_id=pk)
        award = selectors.award_of(application=application)
        return Response(ApplicationStepsSerializer({
            "id": application.pk, "program": application.program, "round": application.round_number,
            "status": lifecycle.lifecycle_status(application, award), "award_status": award.status if award else None,
            "steps": _steps(application, award)}).data)


class GrantRequestSerializer(serializers.Serializer):
    tax_mode = serializers.ChoiceField(choices=TAX_MODES, help_text="§12: tax excluded unless the business may book tax included.")


class ApplicationAwardApi(APIView):
    """GET: the award of one of the caller's adopted applications (404 before the grant
    request). POST: the grant request (交付申請) of an adopted application, which creates it."""

    permission_classes = [HasRole.of("business")]

    @extend_schema(responses={200: AwardSerializer, 404: NOT_FOUND})
    def get(self, request, pk: int):
        return _award_response(request, pk)

    @extend_schema(request=GrantRequestSerializer, responses={201: AwardSerializer, 400: ERRORS, 404: NOT_FOUND})
    def post(self, request, pk: int):
        serializer = GrantRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.grant_request(actor=request.user, application_id=pk, tax_mode=serializer.validated_data["tax_mode"])
        return _award_response(request, pk, status.HTTP_201_CREATED)


class LineInputSerializer(serializers.Serializer):
    """One line of the 経費明細; §10 (lodging per night within its cap, no 日当), §12 (tax
    mode) and the plan are checked by the service, as on the page."""

    category = serializers.ChoiceField(choices=EXPENSE_CATEGORIES)
    description = ApiCharField(max_length=200)
    vendor = ApiCharField(max_length=200)
    paid_on = serializers.DateField()
    amount = ApiIntegerField(min_value=1, max_value=AMOUNT_MAX)
    tax_mode = serializers.ChoiceField(choices=TAX_MODES, default="excluded")
    receipt_id = ApiIntegerField(min_value=1, help_text="A receipt, quotation or photo of the business's vault (POST /documents).")
    travel_item = serializers.ChoiceField(choices=list(rules.TRAVEL_ITEMS.items()), required=False, allow_blank=True, default="")
    region = ApiCharField(max_length=40, required=False, allow_blank=True, default="")
    nights = ApiIntegerField(min_value=1, max_value=366, required=False, allow_null=True, default=None)
    lodging_per_night = ApiIntegerField(min_value=0, max_value=AMOUNT_MAX, required=False, allow_null=True, default=None)

    def line(self) -> services.LineInput:
        return services.LineInput(**self.validated_data)


class ExpenseLineApi(APIView):
    """Add a line to the ledger of a granted award (before the 実績報告)."""

    permission_classes = [HasRole.of("business")]

    @extend_schema(request=LineInputSerializer, responses={201: LineSerializer, 400: ERRORS, 404: NOT_FOUND})
    def post(self, request, pk: int):
        serializer = LineInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = services.expense_line_add(actor=request.user, application_id=pk, line=serializer.line())
        return Response(LineSerializer(line_body(row)).data, status=status.HTTP_201_CREATED)


class ReportInputSerializer(serializers.Serializer):
    summary = ApiCharField(max_length=5000)
    lines = LineInputSerializer(many=True, required=False, default=list,
                                help_text="Lines added to the ledger first, in the same transaction: all or nothing.")


class ReportApi(APIView):
    """実績報告: the ledger (lines added before, and any sent here) against the plan. Once only."""

    permission_classes = [HasRole.of("business")]

    @extend_schema(request=ReportInputSerializer, responses={201: AwardSerializer, 400: ERRORS, 404: NOT_FOUND})
    def post(self, request, pk: int):
        serializer = ReportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lines = [services.LineInput(**values) for values in serializer.validated_data["lines"]]
        services.report_submit_with_lines(actor=request.user, application_id=pk,
                                          summary=serializer.validated_data["summary"], lines=lines)
        return _award_response(request, pk, status.HTTP_201_CREATED)


class PlanChangeInputSerializer(serializers.Serializer):
    plan = serializers.DictField(child=ApiIntegerField(min_value=0, max_value=AMOUNT_MAX),
                                 help_text="The new plan: {category: amount in yen}.")
    reason = ApiCharField(max_length=2000)


class PlanChangeApi(APIView):
    """計画変更: ask the agency to replace the planned expenses of a granted award."""

    permission_classes = [HasRole.of("business")]

    @extend_schema(request=PlanChangeInputSerializer, responses={201: AwardSerializer, 400: ERRORS, 404: NOT_FOUND})
    def post(self, request, pk: int):
        serializer = PlanChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.plan_change_request(actor=request.user, application_id=pk, plan=serializer.validated_data["plan"],
                                     reason=serializer.validated_data["reason"])
        return _award_response(request, pk, status.HTTP_201_CREATED)


class ClaimApi(APIView):
    """精算払請求 of the confirmed amount."""

    permission_classes = [HasRole.of("business")]

    @extend_schema(request=None, responses={200: AwardSerializer, 400: ERRORS, 404: NOT_FOUND})
    def post(self, request, pk: int):
        services.payment_claim(actor=request.user, application_id=pk)
        return _award_response(request, pk)


urlpatterns = [
    path("applications", ApplicationListApi.as_view(), name="api-applications"),
    path("applications/<int:pk>/steps", ApplicationStepsApi.as_view(), name="api-application-steps"),
    path("applications/<int:pk>/award", ApplicationAwardApi.as_view(), name="api-application-award"),
    path("applications/<int:pk>/award/lines", ExpenseLineApi.as_view(), name="api-award-lines"),
    path("applications/<int:pk>/award/report", ReportApi.as_view(), name="api-award-report"),
    path("applications/<int:pk>/award/plan-changes", PlanChangeApi.as_view(), name="api-award-plan-changes"),
    path("applications/<int:pk>/award/claim", ClaimApi.as_view(), name="api-award-claim"),
]
PUBLIC_URL_NAMES: set[str] = set()
