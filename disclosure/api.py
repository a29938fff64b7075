"""The disclosure endpoints of api.md: as thin as the pages, calling the same services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasRole, has_role
from core.input import ApiCharField, ApiIntegerField, column_range

from . import selectors, services
from .models import AccessLogEntry, DisclosureRequest


class RequestCreateSerializer(serializers.Serializer):
    corporate_number = ApiCharField(max_length=13, code=True)
    purpose = ApiIntegerField(min_value=column_range(DisclosureRequest, "purpose")[0],
                              max_value=column_range(DisclosureRequest, "purpose")[1])
    data_classes = serializers.ListField(child=ApiIntegerField(min_value=1, max_value=13), allow_empty=False, max_length=13)
    valid_until = serializers.DateField()
    message = ApiCharField(required=False, allow_blank=True, max_length=2000, default="")


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    data_classes = serializers.ListField(child=ApiIntegerField(min_value=1, max_value=13), required=False, max_length=13)


# Response serializers: each view returns `Serializer(obj).data`, so the OpenAPI schema is
# generated from what is returned (tests/test_api_schema.py checks real responses).

class RequestStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    status = serializers.CharField()


class DecisionResultSerializer(RequestStatusSerializer):
    approved_data_classes = serializers.ListField(child=serializers.IntegerField())


class InstitutionRequestSerializer(serializers.Serializer):
    """A request as its institution sees it: what the company approved, once approved."""

    id = serializers.IntegerField(source="pk")
    status = serializers.CharField(source="effective_status")
    corporate_number = serializers.SerializerMethodField()
    purpose = serializers.IntegerField()
    data_classes = serializers.ListField(child=serializers.IntegerField())
    approved_data_classes = serializers.ListField(child=serializers.IntegerField())
    valid_until = serializers.DateField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)

    def get_corporate_number(self, request: DisclosureRequest) -> str | None:
        return request.corporate_number or None


class RequestingInstitutionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    kind = serializers.CharField()


class BusinessRequestSerializer(serializers.Serializer):
    """A request as the company sees it in its inbox."""

    id = serializers.IntegerField(source="pk")
    status = serializers.CharField(source="effective_status")
    institution = RequestingInstitutionSerializer()
    requested_by = serializers.SerializerMethodField()
    purpose = serializers.IntegerField()
    data_classes = serializers.ListField(child=serializers.IntegerField())
    approved_data_classes = serializers.ListField(child=serializers.IntegerField())
    valid_until = serializers.DateField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)

    def get_requested_by(self, request: DisclosureRequest) -> str:
        return request.requested_by.full_name or request.requested_by.email


class CompanyDataSerializer(serializers.Serializer):
    corporate_number = serializers.CharField(allow_null=True)
    data_classes = serializers.DictField()


class AccessLogEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.SerializerMethodField()
    institution = serializers.CharField(source="institution.name")
    data_classes = serializers.ListField(child=serializers.IntegerField())
    purpose = serializers.IntegerField()
    channel = serializers.ChoiceField(choices=AccessLogEntry.Channel.choices)

    def get_user(self, entry: AccessLogEntry) -> str:
        return entry.user.full_name or entry.user.email


class DisclosureRequestListApi(APIView):
    permission_classes = [HasRole.of("institution_staff", "prime", "member")]

    @extend_schema(request=RequestCreateSerializer,
                   responses={201: RequestStatusSerializer})
    def post(self, request):
        if not has_role(request.user, "institution_staff"):
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

    @extend_schema(responses=PolymorphicProxySerializer(
        component_name="DisclosureRequestListItem", serializers=[InstitutionRequestSerializer, BusinessRequestSerializer],
        resource_type_field_name=None, many=True))
    def get(self, request):
        if has_role(request.user, "institution_staff"):
            rows = selectors.institution_request_list(viewer=request.user, filters=request.query_params)
            return Response(InstitutionRequestSerializer(rows, many=True).data)
        if selectors.business_reader(request.user) is not None:
            rows = selectors.business_request_list(viewer=request.user, filters=request.query_params)
            return Response(BusinessRequestSerializer(rows, many=True).data)
        raise PermissionDenied


class DisclosureDecisionApi(APIView):
    permission_classes = [HasRole.of("business")]

    @extend_schema(request=DecisionSerializer, responses=DecisionResultSerializer)
    def post(self, request, pk: int):
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        decided = services.disclosure_request_decide(actor=request.user, request_id=pk, decision=data["decision"],
                                                     data_classes=data.get("data_classes"))
        return Response(DecisionResultSerializer(decided).data)


class DisclosureRevokeApi(APIView):
    permission_classes = [HasRole.of("business")]

    @extend_schema(request=None, responses=RequestStatusSerializer)
    def post(self, request, pk: int):
        revoked = services.disclosure_request_revoke(actor=request.user, request_id=pk)
        return Response(RequestStatusSerializer(revoked).data)


class CompanyDataApi(APIView):
    """A company's data for a support institution: 404 for an unknown number and for a
    company without an approval in force alike (the same body). The business's own
    users read their whole record in the same shape (api.md); another business's
    number is a 404 for them."""

    permission_classes = [HasRole.of("institution_staff", "prime", "member")]

    @extend_schema(responses=CompanyDataSerializer)
    def get(self, request, corporate_number: str):
        if has_role(request.user, "prime", "member"):
            own = selectors.own_company_data(viewer=request.user, corporate_number=corporate_number)
            if own is None:
                raise Http404
            return Response(CompanyDataSerializer(own).data)
        business_id = selectors.business_id_for_number(corporate_number)
        if business_id is None:
            raise Http404
        release = services.company_data_release(viewer=request.user, business_id=business_id, channel=AccessLogEntry.Channel.API)
        if release is None:
            raise Http404
        return Response(CompanyDataSerializer(release.as_api()).data)


class AccessLogApi(APIView):
    permission_classes = [HasRole.of("prime", "member")]

    @extend_schema(responses=AccessLogEntrySerializer(many=True))
    def get(self, request):
        return Response(AccessLogEntrySerializer(selectors.access_log_list(viewer=request.user), many=True).data)


PUBLIC_URL_NAMES: set[str] = set()
urlpatterns = [
    path("disclosure-requests", DisclosureRequestListApi.as_view(), name="api-disclosure-requests"),
    path("disclosure-requests/<int:pk>/decision", DisclosureDecisionApi.as_view(), name="api-disclosure-decision"),
    path("disclosure-requests/<int:pk>/revoke", DisclosureRevokeApi.as_view(), name="api-disclosure-revoke"),
    path("companies/<str:corporate_number>", CompanyDataApi.as_view(), name="api-company-data"),
    path("access-log", AccessLogApi.as_view(), name="api-access-log"),
]
