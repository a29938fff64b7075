"""Authentication of partner systems: `Authorization: Partner <key>` (or `Bearer <key>`).

A partner is not a portal user: request.user becomes a PartnerPrincipal (authenticated,
never staff, no membership) and request.auth the PartnerClient, whose institution and
scopes the intake service checks. Keys are issued with `manage.py issue_partner_token`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from .models import PartnerClient
from .services import partner_client_for_key

KEYWORDS = ("partner", "bearer")


@dataclass(frozen=True)
class PartnerPrincipal:
    client: PartnerClient
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_staff: bool = False
    is_active: bool = True

    @property
    def pk(self) -> None:  # never a user id: audit rows name the institution instead
        return None

    def __str__(self) -> str:
        return f"partner:{self.client.pk}"


class PartnerKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the partner key as “Authorization: Partner <key>”."))
        try:
            key = header[1].decode()
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("The partner key is not valid.")) from exc
        client = partner_client_for_key(key)
        if client is None:
            raise exceptions.AuthenticationFailed(_("The partner key is not valid."))
        return PartnerPrincipal(client), client

    def authenticate_header(self, request) -> str:
        return 'Partner realm="api"'


class IsPartner(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, PartnerClient)


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "linkage.auth.PartnerKeyAuthentication"
    name = "partnerKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey", "in": "header", "name": "Authorization",
            "description": "`Partner <key>` (or `Bearer <key>`); keys are issued with "
                           "`manage.py issue_partner_token <institution_id> --scopes financials,support_records`.",
        }
