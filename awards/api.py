"""The applicant's subsidy after adoption in the API: the steps of an application
(timeline, with the steps still due) and its award (amounts, plan, ledger, due dates).
Read-only; the same selectors as the pages, so the same consent decision and 404s."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasRole
from applications.selectors import application_for_applicant_or_404
from awards.services import CATEGORY_LABELS

from . import selectors


class StepSerializer(serializers.Serializer):
    label = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    state = serializers.ChoiceField(choices=["done", "due", "overdue"])


class ApplicationStepsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    program = serializers.CharField()
    round = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    award_status = serializers.CharField(allow_null=True)
    steps = StepSerializer(many=True)


class PlanItemSerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()
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
            "status": application.status, "award_status": award.status if award else None,
            "steps": _steps(application, award)}).data)


class ApplicationAwardApi(APIView):
    """The award of one of the caller's adopted applications; 404 before the grant request."""

    permission_classes = [HasRole.of("business")]

    @extend_schema(responses=AwardSerializer)
    def get(self, request, pk: int):
        application = application_for_applicant_or_404(viewer=request.user, application_id=pk)
        award = selectors.award_of(application=application)
        if award is None:
            raise Http404
        overdue = {d.pk for d in selectors.overdue_steps(award)}
        return Response(AwardSerializer({
            "application_id": application.pk, "status": award.status, "tax_mode": award.tax_mode,
            "requested_amount": award.requested_amount, "granted_amount": award.granted_amount,
            "confirmed_amount": award.confirmed_amount, "paid_amount": award.paid_amount,
            "plan": [{"category": c, "label": str(CATEGORY_LABELS.get(c, c)), "amount": v} for c, v in award.plan.items()],
            "lines": [{"id": line.pk, "category": line.category, "description": line.description, "vendor": line.vendor,
                       "paid_on": line.paid_on, "amount": line.amount, "tax_mode": line.tax_mode,
                       "receipt_id": line.receipt_id, "accepted_amount": line.accepted_amount,
                       "deduction_reason": line.deduction_reason} for line in award.lines.all()],
            "due_dates": [{"step": d.step, "fiscal_year": d.fiscal_year, "due_on": d.due_on, "done": d.done_at is not None,
                           "overdue": d.pk in overdue} for d in award.due_dates.all()],
        }).data)


urlpatterns = [
    path("applications/<int:pk>/steps", ApplicationStepsApi.as_view(), name="api-application-steps"),
    path("applications/<int:pk>/award", ApplicationAwardApi.as_view(), name="api-application-award"),
]
PUBLIC_URL_NAMES: set[str] = set()
