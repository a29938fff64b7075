from __future__ import annotations

from django.urls import path

from . import views

app_name = "supportplans"
urlpatterns = [
    path("applications/<int:pk>/form4/", views.application_requests, name="application"),
    path("form4/<int:pk>/", views.detail, name="detail"),
    path("form4/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("institution/form4/", views.queue, name="queue"),
    path("institution/form4/<int:pk>/", views.advisor_detail, name="advisor-detail"),
]

PUBLIC_URL_NAMES: set[str] = set()
