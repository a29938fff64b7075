"""POST /api/v1/partner/records: a partner system's batch of records.

The serializers below document the body in OpenAPI; the records are read by
linkage.records.clean_record, the same cleaner the CSV import uses, so that both
channels accept and refuse exactly the same values.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.input import ApiCharField, ApiIntegerField

from .auth import IsPartner, PartnerKeyAuthentication
from .records import COLUMN_RANGES, MAX_LENGTHS
from .services import IdempotencyConflict, ScopeDenied, partner_batch_submit


def _figure(name: str, **kwargs) -> ApiIntegerField:
    """A whole number bounded by the column it is stored in (companies.FinancialYear)."""
    low, high = COLUMN_RANGES[name]
    return ApiIntegerField(min_value=low, max_value=high, **kwargs)


class _IdentityFields(serializers.Serializer):
    record_id = ApiCharField(max_length=100, help_text="The partner system's own id of this record.")
    corporate_number = ApiCharField(required=False, max_length=13, code=True,
                                    help_text="法人番号 (13 digits). When given, it decides the business.")
    name = ApiCharField(required=False, max_length=MAX_LENGTHS["name"],
                        help_text="Business name; required without a corporate number.")
    name_kana = ApiCharField(required=False, max_length=MAX_LENGTHS["name_kana"])
    prefecture = ApiCharField(required=False, max_length=10, nfkc=True, help_text="JIS X 0401 code (\"13\") or name (東京都).")
    municipality = ApiCharField(required=False, max_length=MAX_LENGTHS["municipality"])
    address = ApiCharField(required=False, max_length=MAX_LENGTHS["address"])


class FinancialRecordSerializer(_IdentityFields):
    kind = serializers.ChoiceField(choices=["financials"])
    fiscal_year = _figure("fiscal_year", help_text="Year the fiscal year starts in (2023); 令和5年度 and R5 are read too.")
    sales = _figure("sales", required=False, allow_null=True, help_text="Yen.")
    gross_profit = _figure("gross_profit", required=False, allow_null=True)
    operating_profit = _figure("operating_profit", required=False, allow_null=True)
    ordinary_profit = _figure("ordinary_profit", required=False, allow_null=True)
    net_income = _figure("net_income", required=False, allow_null=True)
    depreciation = _figure("depreciation", required=False, allow_null=True)
    personnel_cost = _figure("personnel_cost", required=False, allow_null=True)
    total_assets = _figure("total_assets", required=False, allow_null=True)
    net_assets = _figure("net_assets", required=False, allow_null=True)
    interest_bearing_debt = _figure("interest_bearing_debt", required=False, allow_null=True)
    cash_and_deposits = _figure("cash_and_deposits", required=False, allow_null=True)
    receivables = _figure("receivables", required=False, allow_null=True)
    inventory = _figure("inventory", required=False, allow_null=True)
    payables = _figure("payables", required=False, allow_null=True)
    employees = _figure("employees", required=False, allow_null=True)


class SupportRecordSerializer(_IdentityFields):
    kind = serializers.ChoiceField(choices=["support_records"])
    supported_on = serializers.DateField(help_text="ISO 8601 date of the consultation or support.")
    theme = ApiCharField(max_length=100)
    summary = ApiCharField(required=False, allow_blank=True, max_length=MAX_LENGTHS["summary"])


class PartnerBatchSerializer(serializers.Serializer):
    records = PolymorphicProxySerializer(
        component_name="PartnerRecord",
        serializers={"financials": FinancialRecordSerializer, "support_records": SupportRecordSerializer},
        resource_type_field_name="kind",
        many=True,
    )


class _AcceptedRecord(serializers.Serializer):
    index = serializers.IntegerField()
    kind = serializers.CharField()
    record_id = serializers.CharField()
    status = serializers.ChoiceField(choices=["accepted"])


class PartnerBatchResultSerializer(serializers.Serializer):
    batch = serializers.IntegerField()
    received_at = serializers.DateTimeField()
    accepted = serializers.IntegerField()
    records = _AcceptedRecord(many=True)


class PartnerRecordsApi(APIView):
    """Receive a batch from a partner system (商工会・商工会議所のカルテシステム)."""

    authentication_classes = [PartnerKeyAuthentication]
    permission_classes = [IsPartner]
    # The batch itself records its key (linkage.services.partner_batch_submit).
    idempotency_key_handled = True

    @extend_schema(
        operation_id="partner_records_create",
        summary="Send a batch of financials and support records",
        description=(
            "All or nothing: one bad record refuses the whole batch with 400 "
            "`{\"errors\": {\"records\": {\"<index>\": {\"<field>\": [messages]}}}}`. "
            "A record whose `record_id` was sent before updates what it made. Whether a record "
            "found its business is not disclosed to the partner (a support institution never learns "
            "whether a company is registered); agency staff see it and review the uncertain ones. "
            "Each token may send only the kinds of its scopes (403 otherwise)."
        ),
        request=PartnerBatchSerializer,
        parameters=[OpenApiParameter(
            "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
            description="Makes a retried batch a no-op: the same key and body return the first answer (200); "
                        "the same key with another body is refused (422).",
        )],
        responses={
            201: PartnerBatchResultSerializer,
            200: OpenApiResponse(PartnerBatchResultSerializer, description="A retry: the stored answer, nothing written."),
            400: OpenApiResponse(description="Bad records, with their field errors by index."),
            401: OpenApiResponse(description="No or unknown partner key."),
            403: OpenApiResponse(description="The key's scopes do not cover a record's kind."),
            422: OpenApiResponse(description="The Idempotency-Key was used with another body."),
        },
        examples=[OpenApiExample("A small batch", request_only=True, value={"records": [
            {"kind": "financials", "record_id": "K-2023-0001", "corporate_number": "7000012050002",
             "fiscal_year": 2023, "sales": 48000000, "ordinary_profit": 2100000, "employees": 6},
            {"kind": "support_records", "record_id": "S-0042", "name": "はなこパン工房", "prefecture": "20",
             "municipality": "松本市", "address": "長野県松本市中央1-2-3", "supported_on": "2024-06-12",
             "theme": "販路開拓", "summary": "ECサイト開設の相談"},
        ]})],
    )
    def post(self, request):
        key = (request.headers.get("Idempotency-Key") or "").strip()
        if len(key) > 255:
            return Response({"errors": {"idempotency_key": [_("Use an Idempotency-Key of at most 255 characters.")]}},
                            status=status.HTTP_400_BAD_REQUEST)
        records = request.data.get("records") if isinstance(request.data, dict) else None
        try:
            code, body = partner_batch_submit(client=request.auth, records=records, idempotency_key=key)
        except ScopeDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except IdempotencyConflict:
            return Response(
                {"errors": {"idempotency_key": [_("This Idempotency-Key was already used for a different batch. "
                                                  "Use a new key for new content.")]}},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        return Response(body, status=code)


urlpatterns = [path("partner/records", PartnerRecordsApi.as_view(), name="api-partner-records")]
