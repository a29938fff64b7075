from __future__ import annotations

from django.urls import path

from . import views

app_name = "consent"
urlpatterns = [
    path("consent/", views.consent_index, name="index"),
    path("consent/confirm/", views.consent_confirm, name="confirm"),
    path("consent/history/", views.consent_history, name="history"),
    path("consent/receipt.json", views.consent_receipt, {"fmt": "json"}, name="receipt_json"),
    path("consent/receipt.pdf", views.consent_receipt, {"fmt": "pdf"}, name="receipt_pdf"),
]

PUBLIC_URL_NAMES: set[str] = set()
