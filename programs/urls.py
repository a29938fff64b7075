from __future__ import annotations

from django.urls import path

from . import views

app_name = "programs"
urlpatterns = [
    path("programs/", views.program_index, name="program_list"),
    path("programs/<int:program_id>/", views.program_show, name="program_detail"),
    path("cases/", views.case_index, name="case_list"),
    path("cases/<int:case_id>/", views.case_show, name="case_detail"),
]
# The catalogue is public information (支援制度ナビ・事例ナビ).
PUBLIC_URL_NAMES = {"program_list", "program_detail", "case_list", "case_detail"}
