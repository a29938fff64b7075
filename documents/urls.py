from __future__ import annotations

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("documents/", views.vault, name="vault"),
    path("documents/<int:pk>/", views.detail, name="detail"),
    path("documents/<int:pk>/file/", views.file, name="file"),
    path("applications/<int:pk>/documents/upload/", views.application_upload, name="application-upload"),
    path("applications/<int:pk>/documents/attach/", views.application_attach, name="application-attach"),
    path("applications/<int:pk>/documents/<int:document_id>/detach/", views.application_detach, name="application-detach"),
]

PUBLIC_URL_NAMES: set[str] = set()
