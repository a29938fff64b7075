"""allauth adapters: local sign-up of businesses and sign-in with GビズID (OpenID Connect).

The GビズID userinfo carries account_type (1 Entry, 2 Prime, 3 Member), corp_type (1 法人,
2 個人事業主) and corporate_number; for a 個人事業主 that field is a 13-digit management
number without the 法人番号 check digit, so the digit is verified for corp_type 1 only.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        return super().get_login_redirect_url(request)

    def is_open_for_signup(self, request):
        return True


class GBizIDSocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_auto_signup_allowed(self, request, sociallogin):
        return True

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        from accounts.services import gbizid_link_business

        gbizid_link_business(user=user, claims=sociallogin.account.extra_data)
        return user

    def pre_social_login(self, request, sociallogin):
        # Existing users: refresh the business link from the latest claims.
        if sociallogin.is_existing:
            from accounts.services import gbizid_link_business

            gbizid_link_business(user=sociallogin.user, claims=sociallogin.account.extra_data)


def gbizid_configured() -> bool:
    return bool(settings.GBIZID_CLIENT_ID)
