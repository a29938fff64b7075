"""Root URLs. Every app owns `urls.py` (pages) and `api.py` (`urlpatterns` under /api/v1/).

Each URL is either public (named in its module's PUBLIC_URL_NAMES, or one of the few
project-level names below) or refuses anonymous callers: tests/test_url_protection.py
walks them all.
"""

from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import views as accounts_views
from core import views as core_views

api_v1 = [
    path("", include("accounts.api")),
    path("", include("companies.api")),
    path("", include("consent.api")),
    path("", include("institutions.api")),
    path("", include("applications.api")),
    path("", include("documents.api")),
    path("", include("awards.api")),
    path("", include("supportplans.api")),
    path("", include("disclosure.api")),
    path("", include("programs.api")),
    path("", include("recommend.api")),
    path("", include("analytics.api")),
    path("", include("linkage.api")),
]

# The admin has no sign-in form of its own: staff sign in through allauth, with its
# rate limits and the two-factor step (accounts.middleware.RequireMFAMiddleware).
admin.site.site_header = gettext_lazy("Mirasapo administration")  # not Django's own name
admin.site.site_title = gettext_lazy("Mirasapo administration")
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # the wrapped view replaces the admin's form

# Project-level pages anyone may open (allauth's entrance pages, i18n and static files
# are recognised by tests/test_url_protection.py by their module).
PUBLIC_URL_NAMES = {"home", "info-page", "healthz", "readyz", "api-schema", "api-docs", "account_signup", "set_language"}

urlpatterns = [
    path("i18n/setlang/", core_views.set_language, name="set_language"),  # Django's, checked by origin (core.csrf)
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("agency-admin/", admin.site.urls),
    # The business sign-up replaces allauth's (same name), so that user and business
    # are created in one transaction.
    path("accounts/signup/", accounts_views.business_signup, name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("", core_views.home, name="home"),
    path("about/<slug:slug>/", core_views.info_page, name="info-page"),
    path("", include("accounts.urls")),
    path("", include("companies.urls")),
    path("", include("consent.urls")),
    path("", include("institutions.urls")),
    path("", include("applications.urls")),
    path("", include("documents.urls")),
    path("", include("awards.urls")),
    path("", include("disclosure.urls")),
    path("", include("supportplans.urls")),
    path("", include("reviews.urls")),
    path("", include("programs.urls")),
    path("", include("recommend.urls")),
    path("", include("notifications.urls")),
    path("", include("analytics.urls")),
    path("", include("linkage.urls")),
]
