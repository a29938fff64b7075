from __future__ import annotations

from django.urls import path

from . import views

app_name = "institutions"
PUBLIC_URL_NAMES = {"search", "detail"}
urlpatterns = [
    path("supporters/", views.search, name="search"),
    path("supporters/<int:pk>/", views.detail, name="detail"),
    path("institution/profile/", views.profile, name="profile"),
    path("institution/support-records/", views.support_records, name="support_records"),
]
