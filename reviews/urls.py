from __future__ import annotations

from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("review/applications/<int:pk>/score/", views.score, name="score"),
]

PUBLIC_URL_NAMES: set[str] = set()
