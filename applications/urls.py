from __future__ import annotations

from django.urls import path

from . import views

app_name = "applications"
urlpatterns = [
    path("applications/", views.history, name="history"),
    path("applications/new/<str:program>/", views.start, name="start"),
    path("applications/<int:pk>/", views.detail, name="detail"),
    path("applications/<int:pk>/edit/", views.edit, name="edit"),
    path("applications/<int:pk>/autosave/", views.autosave, name="autosave"),
    path("applications/<int:pk>/submit/", views.submit, name="submit"),
    path("applications/<int:pk>/complete/", views.complete, name="complete"),
    path("applications/<int:pk>/pdf/", views.pdf, name="pdf"),
    path("applications/<int:pk>/snapshots/", views.snapshots, name="snapshots"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("review/applications/", views.review_list, name="review-list"),
    path("review/applications/<int:pk>/", views.review_detail, name="review-detail"),
    path("review/applications/<int:pk>/pdf/", views.review_pdf, name="review-pdf"),
    path("review/applications/<int:pk>/snapshots/", views.review_snapshots, name="review-snapshots"),
    path("eligibility/jizokuka/", views.eligibility_page, name="eligibility"),
    path("eligibility/minimum-wage/", views.minimum_wage_page, name="minimum-wage"),
    path("eligibility/jizokuka/check/", views.selfcheck_wizard, name="selfcheck"),
    path("eligibility/jizokuka/check/<str:step>/", views.selfcheck_wizard, name="wizard"),
]

PUBLIC_URL_NAMES = {"eligibility", "minimum-wage", "selfcheck", "wizard"}
