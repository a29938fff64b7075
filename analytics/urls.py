from __future__ import annotations

from django.urls import path

from core.db import reads_from_replica

from . import views

app_name = "analytics"
PUBLIC_URL_NAMES = {"open_data"}

urlpatterns = [
    path("analytics/dashboard/", reads_from_replica(views.dashboard), name="dashboard"),
    path("analytics/ebpm/", views.ebpm_list, name="ebpm_list"),
    path("analytics/ebpm/<int:analysis_id>/", views.ebpm_detail, name="ebpm_detail"),
    path("analytics/ebpm/<int:analysis_id>/rerun/", views.ebpm_rerun, name="ebpm_rerun"),
    path("analytics/ebpm/<int:analysis_id>/report.pdf", views.ebpm_pdf, name="ebpm_pdf"),
    path("analytics/pledges/", views.pledge_review_list, name="pledge_review_list"),
    path("analytics/pledges/<int:pledge_id>/", views.pledge_review, name="pledge_review"),
    path("analytics/extracts/", views.extract_log, name="extract_log"),
    path("research/register/", views.researcher_register_view, name="researcher_register"),
    path("research/pledge/", views.pledge, name="pledge"),
    path("research/pledge/<int:pledge_id>/withdraw/", views.pledge_withdraw_own, name="pledge_withdraw"),
    path("research/extract/", reads_from_replica(views.extract_page), name="extract"),
    path("open-data/", reads_from_replica(views.open_data_page), name="open_data"),
]
