from __future__ import annotations

from django.urls import path

from . import views

app_name = "awards"
urlpatterns = [
    path("awards/<int:pk>/", views.award_page, name="detail"),
    path("awards/<int:pk>/pdf/<slug:stage>/", views.award_pdf, name="pdf"),
    path("review/awards/", views.review_list, name="review-list"),
    path("review/awards/<int:pk>/", views.review_detail, name="review-detail"),
    path("review/awards/<int:pk>/pdf/<slug:stage>/", views.review_pdf, name="review-pdf"),
]
PUBLIC_URL_NAMES: set[str] = set()
