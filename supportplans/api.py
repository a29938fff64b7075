"""The 様式4 (事業支援計画書) flow in the API, as thin as its pages (supportplans/views.py).

The applicant (business users; asking and withdrawing need the Prime holder, as on the
page) asks an institution of its area for the 様式4 of a 持続化 draft — approving the
disclosure it needs in the same step — reads the request's status and the advisor's
comments, replies, and withdraws.

The advisor (institution staff) reads the request only through
services.support_plan_draft_release: the consent projection for purpose 6 limited to the
classes the business approved for this request (and its narrowings), written to the audit
log and the business's access log with channel "api"; the conversation (class 11) only
where that release allows it. Taking up, commenting, issuing and declining call the same
services as the page. A request of another institution, or one whose approval has ended
(withdrawn, declined, expired), is 404 like one that does not exist: the status code says
nothing of a business that did not approve.

Errors are the error shape of api.md; every POST honours Idempotency-Key (core.idempotency).
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasRole
from applications.selectors import application_for_applicant_or_404
from core.input import ApiCharField, ApiIntegerField
from disclosure.models import AccessLogEntry

from . import selectors, services
from .models import SupportPlanComment, SupportPlanRequest

ERRORS = OpenApiResponse(description='Bad input or a step out of order: {"errors": {field: [messages]}}; nothing is written.')
NOT_FOUND = OpenApiResponse(description="No such request the caller may see (absent, another's, or its approval ended).")
API = AccessLogEntry.Channel.API


class InstitutionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    parent_id = serializers.IntegerField(allow_null=True)
    side = serializers.ChoiceField(source="author_side", choices=SupportPlanComment.Author.choices)
    field = serializers.CharField(allow_blank=True)
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class Form4Serializer(serializers.Serializer):
    advisor_name = serializers.CharField(allow_blank=True)
    region_findings = serializers.CharField(allow_blank=True)
    plan_findings = serializers.CharField(allow_blank=True)
    support_content = serializers.CharField(allow_blank=True)


class ApplicantRequestSerializer(serializers.Serializer):
    """A 様式4 request as the applicant sees it: its status, the approval it rests on, the
    advisor's comments, the reason of a decline and the issued document."""

    id = serializers.IntegerField()
    application_id = serializers.IntegerField()
    institution = InstitutionRefSerializer()
    status = serializers.ChoiceField(choices=SupportPlanRequest.Status.choices)
    message = serializers.CharField(allow_blank=True)
    approved_data_classes = serializers.ListField(child=serializers.IntegerField())
    valid_until = serializers.DateField()
    disclosure_status = serializers.CharField()
    decline_reason = serializers.CharField(allow_blank=True)
    issued_at = serializers.DateTimeField(allow_null=True)
    document_id = serializers.IntegerField(allow_null=True, help_text="The issued 様式4 in the vault (GET /documents/{id}/file).")
    created_at = serializers.DateTimeField()
    comments = CommentSerializer(many=True)


def _comments(plan: SupportPlanRequest) -> list[SupportPlanComment]:
    return [c for thread in selectors.comment_threads(request=plan) for c in [thread["comment"], *thread["replies"]]]


def applicant_body(plan: SupportPlanRequest) -> dict[str, Any]:
    disclosure = plan.disclosure_request
    return {
        "id": plan.pk, "application_id": plan.application_id,
        "institution": {"id": plan.institution_id, "name": plan.institution.name}, "status": plan.status,
        "message": plan.message, "approved_data_classes": list(disclosure.approved_data_classes),
        "valid_until": disclosure.valid_until, "disclosure_status": disclosure.effective_status,
        "decline_reason": plan.decline_reason, "issued_at": plan.issued_at, "document_id": plan.document_id,
        "created_at": plan.created_at, "comments": _comments(plan),
    }


def _applicant_response(request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    plan = selectors.request_for_applicant_or_404(viewer=request.user, request_id=pk)
    return Response(ApplicantRequestSerializer(applicant_body(plan)).data, status=code)


class SupportPlanRequestCreateSerializer(serializers.Serializer):
    institution = ApiIntegerField(min_value=1, help_text="A 商工会 or 商工会議所 of the business's area (GET /institutions).")
    data_classes = serializers.ListField(child=ApiIntegerField(min_value=1, max_value=13), max_length=13,
                                         help_text="The classes disclosed for purpose 6: 1, 8 and 11 always; 3, 6, 7 optional.")
    valid_until = serializers.DateField(help_text="Until when the disclosure is approved.")
    message = ApiCharField(max_length=services.MAX_COMMENT, required=False, allow_blank=True, default="")


class ApplicationRequestsApi(APIView):
    """POST: ask an institution for the 様式4 of a 持続化 draft and approve, in the same step,
    the disclosure it needs (Prime holder). GET: the application's requests."""

    permission_classes = [HasRole.of("business")]

    @extend_schema(responses={200: ApplicantRequestSerializer(many=True), 404: NOT_FOUND})
    def get(self, request, pk: int):
        application = application_for_applicant_or_404(viewer=request.user, application_id=pk)
        rows = selectors.requests_of_application(viewer=request.user, application=application)
        return Response(ApplicantRequestSerializer([applicant_body(r) for r in rows], many=True).data)

    @extend_schema(request=SupportPlanRequestCreateSerializer, responses={201: ApplicantRequestSerializer, 400: ERRORS, 404: NOT_FOUND})
    def post(self, request, pk: int):
        serializer = SupportPlanRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = services.support_plan_request_create(
            actor=request.user, application_id=pk, institution_id=data["institution"], data_classes=data["data_classes"],
            valid_until=data["valid_until"], message=data["message"])
        return _applicant_response(request, created.pk, status.HTTP_201_CREATED)


class ApplicantRequestApi(APIView):
    """One of the business's 様式4 requests: status, approval, comments, the issued document."""

    permission_classes = [HasRole.of("business")]

    @extend_schema(responses={200: ApplicantRequestSerializer, 404: NOT_FOUND})
    def get(self, request, pk: int):
        return _applicant_response(request, pk)


class CommentInputSerializer(serializers.Serializer):
    body = ApiCharField(max_length=services.MAX_COMMENT)
    # The body's key is "parent" (the serializer's metaclass takes the field off the class,
    # so DRF's own Serializer.parent is not shadowed).
    parent = ApiIntegerField(min_value=1, required=False, allow_null=True, default=None,  # type: ignore[assignment]
                             help_text="The comment replied to.")
    field = ApiCharField(max_length=60, required=False, allow_blank=True, default="",
                         help_text="The form field the comment is about; empty for the draft as a whole.")


class ApplicantCommentApi(APIView):
    """The applicant comments or replies; a request the advisor commented on goes back to the advisor."""

    permission_classes = [HasRole.of("business")]

    @extend_schema(request=CommentInputSerializer, responses={201: CommentSerializer, 400: ERRORS, 404: NOT_FOUND})
    def post(self, request, pk: int):
        serializer = CommentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        comment = services.support_plan_reply(actor=request.user, request_id=pk, body=data["body"], parent_id=data["parent"],
                                              field=data["field"])
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class ApplicantWithdrawApi(APIView):
    """Withdraw an open request (Prime holder): the disclosure it approved ends at once."""

    permission_classes = [HasRole.of("business")]

    @extend_schema(request=None, responses={200: ApplicantRequestSerializer, 400: ERRORS, 404: NOT_FOUND})
    def post(self, request, pk: int):
        services.support_plan_withdraw(actor=request.user, request_id=pk)
        return _applicant_response(request, pk)


# --- the advisor ------------------------------------------------------------------------------


class QueueRowSerializer(serializers.Serializer):
    """A row of the institution's queue: no business data (the draft is read one by one)."""

    id = serializers.IntegerField(source="pk")
    status = serializers.ChoiceField(choices=SupportPlanRequest.Status.choices)
    created_at = serializers.DateTimeField()
    valid_until = serializers.DateField(source="disclosure_request.valid_until")
    approval_in_force = serializers.BooleanField(source="disclosure_request.is_in_force")


class DraftSerializer(serializers.Serializer):
    """The released items of the draft; an item of a class the business did not release is absent."""

    plan_title = serializers.CharField(required=False, allow_blank=True)
    content = serializers.DictField(required=False, help_text="The draft's form content, item by item as released.")
    requested_amount = serializers.IntegerField(required=False, allow_null=True)
    program = serializers.CharField(required=False)
    round_number = serializers.IntegerField(required=False, allow_null=True)
    fiscal_year = serializers.IntegerField(required=False)
    frame = serializers.IntegerField(required=False, allow_null=True, source="frame_id")


class BusinessReleasedSerializer(serializers.Serializer):
    name = serializers.CharField(required=False)
    prefecture = serializers.CharField(required=False)
    municipality = serializers.CharField(required=False, allow_blank=True)
    representative_name = serializers.CharField(required=False, allow_blank=True)


class AdvisorRequestSerializer(serializers.Serializer):
    """A 様式4 request as the advisor sees it: the draft and the business as far as the
    approval and the business's consent release them, the conversation where they let the
    institution have it, and the 様式4 as filled in."""

    id = serializers.IntegerField()
    application_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=SupportPlanRequest.Status.choices)
    valid_until = serializers.DateField()
    released_classes = serializers.ListField(child=serializers.IntegerField())
    withheld = serializers.ListField(child=serializers.CharField(), help_text="Items of the draft not released.")
    draft = DraftSerializer()
    business = BusinessReleasedSerializer()
    conversation = serializers.BooleanField(help_text="Whether the comments (class 11) are released to the institution.")
    comments = CommentSerializer(many=True)
    form4 = Form4Serializer()
    document_id = serializers.IntegerField(allow_null=True)


def _draft_values(draft: dict[str, Any]) -> dict[str, Any]:
    values = dict(draft)
    if "frame" in values:
        frame = values.pop("frame")
        values["frame_id"] = getattr(frame, "pk", frame)
    return values


def _advisor_response(request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    release = services.support_plan_draft_release(viewer=request.user, request_id=pk, channel=API)
    plan = release["request"]
    return Response(AdvisorRequestSerializer({
        "id": plan.pk, "application_id": plan.application_id, "status": plan.status,
        "valid_until": plan.disclosure_request.valid_until, "released_classes": release["released_classes"],
        "withheld": release["withheld"], "draft": _draft_values(release["draft"]), "business": release["business"],
        "conversation": release["conversation"], "comments": _comments(plan) if release["conversation"] else [],
        "form4": {name: getattr(plan, name) for name in services.FORM4_FIELDS}, "document_id": plan.document_id,
    }).data, status=code)


class AdvisorQueueApi(APIView):
    """The 様式4 requests made to the caller's institution, newest first."""

    permission_classes = [HasRole.of("institution_staff")]

    @extend_schema(responses=QueueRowSerializer(many=True))
    def get(self, request):
        rows = selectors.institution_queue(viewer=request.user, status=request.query_params.get("status"))[:200]
        return Response(QueueRowSerializer(rows, many=True).data)


class AdvisorRequestApi(APIView):
    """One request made to the caller's institution, through the consent projection (logged)."""

    permission_classes = [HasRole.of("institution_staff")]

    @extend_schema(responses={200: AdvisorRequestSerializer, 404: NOT_FOUND})
    def get(self, request, pk: int):
        return _advisor_response(request, pk)


class AdvisorTakeUpApi(APIView):
    permission_classes = [HasRole.of("institution_staff")]

    @extend_schema(request=None, responses={200: AdvisorRequestSerializer, 400: ERRORS, 404: NOT_FOUND})
    def post(self, request, pk: int):
        services.support_plan_take_up(actor=request.user, request_id=pk)
        return _advisor_response(request, pk)


class AdvisorCommentApi(APIView):
    """The advisor comments on the draft (only where the conversation is released to it)."""

    permission_classes = [HasRole.of("institution_staff")]

    @extend_schema(request=CommentInputSerializer, responses={201: CommentSerializer, 400: ERRORS, 404: NOT_FOUND})
    def post(self, request, pk: int):
        serializer = CommentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        comment = services.support_plan_comment(actor=request.user, request_id=pk, body=data["body"], parent_id=data["parent"],
                                                field=data["field"])
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class Form4InputSerializer(serializers.Serializer):
    advisor_name = ApiCharField(max_length=100)
    region_findings = ApiCharField(max_length=services.MAX_FINDINGS)
    plan_findings = ApiCharField(max_length=services.MAX_FINDINGS)
    support_content = ApiCharField(max_length=services.MAX_FINDINGS)


class AdvisorIssueApi(APIView):
    """Issue the 様式4 (every item filled in): its PDF goes to the business's vault, attached to the application."""

    permission_classes = [HasRole.of("institution_staff")]

    @extend_schema(request=Form4InputSerializer, responses={201: AdvisorRequestSerializer, 400: ERRORS, 404: NOT_FOUND})
    def post(self, request, pk: int):
        serializer = Form4InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.support_plan_issue(actor=request.user, request_id=pk, values=dict(serializer.validated_data))
        return _advisor_response(request, pk, status.HTTP_201_CREATED)


class DeclineInputSerializer(serializers.Serializer):
    reason = ApiCharField(max_length=services.MAX_COMMENT)


class DeclineResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    status = serializers.ChoiceField(choices=SupportPlanRequest.Status.choices)


class AdvisorDeclineApi(APIView):
    """Decline the request: the approval it rested on ends at once, so the answer holds no business data."""

    permission_classes = [HasRole.of("institution_staff")]

    @extend_schema(request=DeclineInputSerializer, responses={200: DeclineResultSerializer, 400: ERRORS, 404: NOT_FOUND})
    def post(self, request, pk: int):
        serializer = DeclineInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = services.support_plan_decline(actor=request.user, request_id=pk, reason=serializer.validated_data["reason"])
        return Response(DeclineResultSerializer(plan).data)


urlpatterns = [
    path("applications/<int:pk>/support-plan-requests", ApplicationRequestsApi.as_view(), name="api-support-plan-requests"),
    path("support-plan-requests/<int:pk>", ApplicantRequestApi.as_view(), name="api-support-plan-request"),
    path("support-plan-requests/<int:pk>/comments", ApplicantCommentApi.as_view(), name="api-support-plan-comments"),
    path("support-plan-requests/<int:pk>/withdraw", ApplicantWithdrawApi.as_view(), name="api-support-plan-withdraw"),
    path("institution/support-plan-requests", AdvisorQueueApi.as_view(), name="api-advisor-support-plans"),
    path("institution/support-plan-requests/<int:pk>", AdvisorRequestApi.as_view(), name="api-advisor-support-plan"),
    path("institution/support-plan-requests/<int:pk>/take-up", AdvisorTakeUpApi.as_view(), name="api-advisor-support-plan-take-up"),
    path("institution/support-plan-requests/<int:pk>/comments", AdvisorCommentApi.as_view(), name="api-advisor-support-plan-comments"),
    path("institution/support-plan-requests/<int:pk>/issue", AdvisorIssueApi.as_view(), name="api-advisor-support-plan-issue"),
    path("institution/support-plan-requests/<int:pk>/decline", AdvisorDeclineApi.as_view(), name="api-advisor-support-plan-decline"),
]
PUBLIC_URL_NAMES: set[str] = set()
