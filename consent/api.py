"""Consent API (api.md): the policy in force, a business's effective grants, replacing
its narrowings, and one decision. Thin views over consent.selectors/services/access."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import AuthenticatedRequest, HasRole
from core.errors import ApplicationError
from core.input import INT32_MAX, ApiIntegerField, ascii_digits, parse_int_or_none

from . import selectors, services
from .access import ALL_PURPOSES, ALL_RECIPIENTS, decide_business_level
from .registry import ALL_DATA_CLASSES

if TYPE_CHECKING:
    from accounts.models import User
    from companies.models import Business

PUBLIC_URL_NAMES = {"api-policy"}



# Response serializers: each view returns `Serializer(value).data`, so /api/schema/ is
# generated from what is returned (tests/test_api_responses.py checks real responses).

class PolicyItemSerializer(serializers.Serializer[Any]):
    code = serializers.IntegerField()
    name = serializers.CharField()


class PolicyPurposeSerializer(PolicyItemSerializer):
    data_classes = serializers.ListField(child=serializers.IntegerField())
    recipients = serializers.ListField(child=serializers.IntegerField())


class PolicySerializer(serializers.Serializer[Any]):
    version = serializers.CharField()
    data_classes = PolicyItemSerializer(many=True)
    recipients = PolicyItemSerializer(many=True)
    purposes = PolicyPurposeSerializer(many=True)


class ConsentGrantSerializer(serializers.Serializer[Any]):
    purpose = serializers.IntegerField()
    data_class = serializers.IntegerField()
    recipient = serializers.IntegerField()
    allowed = serializers.BooleanField()


class ConsentGrantsSerializer(serializers.Serializer[Any]):
    policy_version = serializers.CharField()
    grants = ConsentGrantSerializer(many=True)


class ConsentDecisionSerializer(serializers.Serializer[Any]):
    allowed = serializers.BooleanField()
    reason = serializers.CharField()


def _business_of(user: User) -> Business:
    membership = user.membership_or_none
    if membership is None:
        raise PermissionDenied(_("Only users of a business have consent settings."))
    return membership.business


class PolicyApi(APIView):
    """The data-utilisation policy in force (anyone)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type[Any]] = []

    @extend_schema(responses=PolicySerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(PolicySerializer(selectors.policy_document()).data)


class ConsentDeniedItem(serializers.Serializer[Any]):
    data_class = ApiIntegerField(min_value=1, max_value=INT32_MAX)
    recipient = ApiIntegerField(min_value=1, max_value=INT32_MAX)
    purpose = ApiIntegerField(required=False, allow_null=True, min_value=1, max_value=INT32_MAX)


class ConsentPutSerializer(serializers.Serializer[Any]):
    denied = ConsentDeniedItem(many=True)


class ConsentApi(APIView):
    """The caller's business: its effective grants (GET), replace its narrowings (PUT,
    Prime holder only)."""

    permission_classes = [HasRole.of("business")]

    @extend_schema(responses=ConsentGrantsSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        business = _business_of(request.user)
        return Response(ConsentGrantsSerializer(selectors.effective_grants(business)).data)

    @extend_schema(request=ConsentPutSerializer, responses=ConsentGrantsSerializer)
    def put(self, request: AuthenticatedRequest) -> Response:
        business = _business_of(request.user)
        if not request.user.is_prime:
            raise PermissionDenied(_("Only the GBizID Prime holder of the business may change its consent."))
        if not isinstance(request.data, dict) or "denied" not in request.data:
            raise ApplicationError(errors={"denied": [_("This field is required.")]})
        services.consent_narrowings_replace(actor=request.user, business=business, denied=request.data["denied"],
                                            source="api")
        return Response(ConsentGrantsSerializer(selectors.effective_grants(business)).data)


class DecisionApi(APIView):
    """May recipient R use class C of company B for purpose P? (agency staff, or the
    business itself). The answer is the business-level decision: the table and the
    business's narrowings; the reason names any per-viewer condition."""

    permission_classes = [HasRole.of("agency_staff", "business")]

    @extend_schema(
        parameters=[OpenApiParameter(name, int if name != "company" else str, required=True)
                    for name in ("company", "purpose", "data_class", "recipient")],
        responses=ConsentDecisionSerializer,
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        user = request.user
        errors: dict[str, list[str]] = {}
        codes: dict[str, int] = {}
        limits = {"purpose": len(ALL_PURPOSES), "data_class": len(ALL_DATA_CLASSES), "recipient": len(ALL_RECIPIENTS)}
        for name, top in limits.items():
            code = parse_int_or_none(request.query_params.get(name, ""), minimum=1, maximum=top)
            if code is None:
                errors[name] = [_("Give a code from 1 to %(top)s.") % {"top": top}]
            else:
                codes[name] = code
        # A 法人番号, or a sole proprietor's GBizID number (control characters are refused
        # by core.input.InputGuardMiddleware before this view runs).
        company = ascii_digits(request.query_params.get("company", ""))
        if not company:
            errors["company"] = [_("Give the company's corporate number.")]
        if errors:
            raise ApplicationError(errors=errors)
        business = selectors.business_for_decision(viewer=user, corporate_number=company)
        if business is None:
            raise Http404
        decision = decide_business_level(business_id=business.pk, purpose=codes["purpose"], data_class=codes["data_class"],
                                         recipient=codes["recipient"])
        return Response(ConsentDecisionSerializer(decision).data)


urlpatterns = [
    path("policy", PolicyApi.as_view(), name="api-policy"),
    path("consent", ConsentApi.as_view(), name="api-consent"),
    path("consent/decision", DecisionApi.as_view(), name="api-consent-decision"),
]
