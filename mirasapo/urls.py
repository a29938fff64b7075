"""Root URLs. Every app owns `urls.py` (pages) and `api.py` (`urlpatterns` under /api/v1/).

Each URL is either on the short public list in tests/test_url_protection.py or protected.
"""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core import views as core_views

api_v1 = [
    path("", include("accounts.api")),
    path("", include("companies.api")),
    path("", include("consent.api")),
    path("", include("institutions.api")),
    path("", include("applications.api")),
    path("", include("disclosure.api")),
    path("", include("programs.api")),
    path("", include("recommend.api")),
    path("", include("analytics.api")),
    path("", include("linkage.api")),
]

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", core_views.healthz, name="healthz"),
    path("agency-admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", core_views.home, name="home"),
    path("", include("accounts.urls")),
    path("", include("companies.urls")),
    path("", include("consent.urls")),
    path("", include("institutions.urls")),
    path("", include("applications.urls")),
    path("", include("disclosure.urls")),
    path("", include("programs.urls")),
    path("", include("recommend.urls")),
    path("", include("notifications.urls")),
    path("", include("analytics.urls")),
    path("", include("linkage.urls")),
]
