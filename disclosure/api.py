"""The disclosure endpoints of api.md: as thin as the pages, calling the same services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .models import AccessLogEntry, DisclosureRequest


class RequestCreateSerializer(serializers.Serializer):
    corporate_number = serializers.CharField(max_length=13)
    purpose = serializers.IntegerField()
    data_classes = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=13), allow_empty=False)
    valid_until = serializers.DateField()
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    data_classes = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=13), required=False)


def _institution_view(r: DisclosureRequest) -> dict:
    return {
        "id": r.pk,
        "status": r.effective_status,
        "corporate_number": r.corporate_number or None,
        "purpose": r.purpose,
        "data_classes": list(r.data_classes),
        # What the company approved is the institution's to know only once approved.
        "approved_data_classes": list(r.approved_data_classes),
        "valid_until": r.valid_until.isoformat(),
        "message": r.message,
        "created_at": r.created_at.isoformat(),
        "decided_at": r.decided_at.isoformat() if r.decided_at else None,
    }


def _business_view(r: DisclosureRequest) -> dict:
    return {
        "id": r.pk,
        "status": r.effective_status,
        "institution": {"id": r.institution_id, "name": r.institution.name, "kind": r.institution.kind},
        "requested_by": r.requested_by.full_name or r.requested_by.email,
        "purpose": r.purpose,
        "data_classes": list(r.data_classes),
        "approved_data_classes": list(r.approved_data_classes),
        "valid_until": r.valid_until.isoformat(),
        "message": r.message,
        "created_at": r.created_at.isoformat(),
        "decided_at": r.decided_at.isoformat() if r.decided_at else None,
    }


class DisclosureRequestListApi(APIView):
    @extend_schema(request=RequestCreateSerializer,
                   responses={201: inline_serializer("DisclosureRequestCreated", {"id": serializers.IntegerField(), "status": serializers.CharField()})})
    def post(self, request):
        if not request.user.is_institution_staff:
            raise PermissionDenied
        serializer = RequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = services.disclosure_request_create(
            actor=request.user, corporate_number=data["corporate_number"], purpose=data["purpose"],
            data_classes=data["data_classes"], valid_until=data["valid_until"], message=data["message"],
        )
        # The same answer whether or not the number belongs to a registered company.
        return Response({"id": created.pk, "status": DisclosureRequest.Status.PENDING}, status=status.HTTP_201_CREATED)

    @extend_schema(responses=inline_serializer("DisclosureRequestList", {"id": serializers.IntegerField()}, many=True))
    def get(self, request):
        if request.user.is_institution_staff:
            rows = selectors.institution_request_list(viewer=request.user, filters=request.query_params)
            return Response([_institution_view(r) for r in rows])
        if selectors.business_reader(request.user) is not None:
            rows = selectors.business_request_list(viewer=request.user, filters=request.query_params)
            return Response([_business_view(r) for r in rows])
        raise PermissionDenied


class DisclosureDecisionApi(APIView):
    @extend_schema(request=DecisionSerializer, responses=inline_serializer("DisclosureDecided", {"id": serializers.IntegerField(), "status": serializers.CharField()}))
    def post(self, request, pk: int):
        serializer = DecisionSerializer(data=request.data)
        if not request.user.is_business_user:
            raise PermissionDenied
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        decided = services.disclosure_request_decide(actor=request.user, request_id=pk, decision=data["decision"],
                                                     data_classes=data.get("data_classes"))
        return Response({"id": decided.pk, "status": decided.status, "approved_data_classes": list(decided.approved_data_classes)})


class DisclosureRevokeApi(APIView):
    @extend_schema(request=None, responses=inline_serializer("DisclosureRevoked", {"id": serializers.IntegerField(), "status": serializers.CharField()}))
    def post(self, request, pk: int):
        revoked = services.disclosure_request_revoke(actor=request.user, request_id=pk)
        return Response({"id": revoked.pk, "status": revoked.status})


class CompanyDataApi(APIView):
    """A company's data for a support institution: 404 for an unknown number and for a
    company without an approval in force alike (the same body). The business's own
    users read their whole record in the same shape (api.md); another business's
    number is a 404 for them."""

    @extend_schema(responses=inline_serializer("CompanyData", {"corporate_number": serializers.CharField(), "data_classes": serializers.DictField()}))
    def get(self, request, corporate_number: str):
        if selectors.business_reader(request.user) is not None:
            own = selectors.own_company_data(viewer=request.user, corporate_number=corporate_number)
            if own is None:
                raise Http404
            return Response(own)
        if not request.user.is_institution_staff:
            raise PermissionDenied
        business_id = selectors.business_id_for_number(corporate_number)
        if business_id is None:
            raise Http404
        release = services.company_data_release(viewer=request.user, business_id=business_id, channel=AccessLogEntry.Channel.API)
        if release is None:
            raise Http404
        return Response(release.as_api())


class AccessLogApi(APIView):
    @extend_schema(responses=inline_serializer("AccessLogEntry", {
        "at": serializers.DateTimeField(), "user": serializers.CharField(), "institution": serializers.CharField(),
        "data_classes": serializers.ListField(child=serializers.IntegerField()), "purpose": serializers.IntegerField(),
    }, many=True))
    def get(self, request):
        if selectors.business_reader(request.user) is None:
            raise PermissionDenied
        return Response([
            {"at": e.at.isoformat(), "user": e.user.full_name or e.user.email, "institution": e.institution.name,
             "data_classes": list(e.data_classes), "purpose": e.purpose, "channel": e.channel}
            for e in selectors.access_log_list(viewer=request.user)
        ])


PUBLIC_URL_NAMES: set[str] = set()
urlpatterns = [
    path("disclosure-requests", DisclosureRequestListApi.as_view(), name="api-disclosure-requests"),
    path("disclosure-requests/<int:pk>/decision", DisclosureDecisionApi.as_view(), name="api-disclosure-decision"),
    path("disclosure-requests/<int:pk>/revoke", DisclosureRevokeApi.as_view(), name="api-disclosure-revoke"),
    path("companies/<str:corporate_number>", CompanyDataApi.as_view(), name="api-company-data"),
    path("access-log", AccessLogApi.as_view(), name="api-access-log"),
]
