"""Consent API (api.md): the policy in force, a business's effective grants, replacing
its narrowings, and one decision. Thin views over consent.selectors/services/access."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ApplicationError
from core.input import INT32_MAX, ApiIntegerField, ascii_digits, parse_int_or_none

from . import selectors, services
from .access import decide_business_level

PUBLIC_URL_NAMES = {"api-policy"}

_code_list = serializers.ListField(child=serializers.IntegerField())
_named = inline_serializer("PolicyItem", {"code": serializers.IntegerField(), "name": serializers.CharField()}, many=True)
GrantsSerializer = inline_serializer(
    "ConsentGrants",
    {
        "policy_version": serializers.CharField(),
        "grants": inline_serializer(
            "ConsentGrant",
            {"purpose": serializers.IntegerField(), "data_class": serializers.IntegerField(),
             "recipient": serializers.IntegerField(), "allowed": serializers.BooleanField()},
            many=True,
        ),
    },
)


def _business_of(user):
    membership = user.membership_or_none
    if membership is None:
        raise PermissionDenied(_("Only users of a business have consent settings."))
    return membership.business


class PolicyApi(APIView):
    """The data-utilisation policy in force (anyone)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses=inline_serializer("Policy", {
        "version": serializers.CharField(), "data_classes": _named, "recipients": _named,
        "purposes": inline_serializer("PolicyPurpose", {"code": serializers.IntegerField(), "name": serializers.CharField(),
                                                        "data_classes": _code_list, "recipients": _code_list}, many=True),
    }))
    def get(self, request):
        return Response(selectors.policy_document())


class ConsentDeniedItem(serializers.Serializer):
    data_class = ApiIntegerField(min_value=1, max_value=INT32_MAX)
    recipient = ApiIntegerField(min_value=1, max_value=INT32_MAX)
    purpose = ApiIntegerField(required=False, allow_null=True, min_value=1, max_value=INT32_MAX)


class ConsentApi(APIView):
    """The caller's business: its effective grants (GET), replace its narrowings (PUT,
    Prime holder only)."""

    @extend_schema(responses=GrantsSerializer)
    def get(self, request):
        business = _business_of(request.user)
        return Response(selectors.effective_grants(business))

    @extend_schema(request=inline_serializer("ConsentPut", {"denied": ConsentDeniedItem(many=True)}), responses=GrantsSerializer)
    def put(self, request):
        business = _business_of(request.user)
        if not request.user.is_prime:
            raise PermissionDenied(_("Only the GBizID Prime holder of the business may change its consent."))
        if not isinstance(request.data, dict) or "denied" not in request.data:
            raise ApplicationError(errors={"denied": [_("This field is required.")]})
        services.consent_narrowings_replace(actor=request.user, business=business, denied=request.data["denied"],
                                            source="api")
        return Response(selectors.effective_grants(business))


class DecisionApi(APIView):
    """May recipient R use class C of company B for purpose P? (agency staff, or the
    business itself). The answer is the business-level decision: the table and the
    business's narrowings; the reason names any per-viewer condition."""

    @extend_schema(
        parameters=[OpenApiParameter(name, int if name != "company" else str, required=True)
                    for name in ("company", "purpose", "data_class", "recipient")],
        responses=inline_serializer("ConsentDecision", {"allowed": serializers.BooleanField(), "reason": serializers.CharField()}),
    )
    def get(self, request):
        user = request.user
        own = user.membership_or_none
        if not (user.is_agency_staff or own is not None):
            raise PermissionDenied(_("Only SME Agency staff and the business itself may ask for consent decisions."))
        errors: dict[str, list[str]] = {}
        codes: dict[str, int] = {}
        limits = {"purpose": 9, "data_class": 13, "recipient": 8}
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
        decision = decide_business_level(business_id=business.pk, **codes)
        return Response({"allowed": decision.allowed, "reason": decision.reason})


urlpatterns = [
    path("policy", PolicyApi.as_view(), name="api-policy"),
    path("consent", ConsentApi.as_view(), name="api-consent"),
    path("consent/decision", DecisionApi.as_view(), name="api-consent-decision"),
]
