from __future__ import annotations

from django.urls import path

from . import views

app_name = "recommend"
urlpatterns = [
    path("mypage/recommendations/", views.recommendations, name="recommendations"),
    path("mypage/saved/", views.favourites, name="favourites"),
    path("mypage/saved/toggle/", views.favourite_toggle_view, name="favourite_toggle"),
    path("mypage/diagnosis/", views.diagnosis, name="diagnosis"),
    path("mypage/diagnosis/simulation/", views.simulation, name="simulation"),
    path("mypage/diagnosis/lokaben.xlsx", views.diagnosis_workbook, name="diagnosis_workbook"),
    path("mypage/saved-searches/", views.saved_searches, name="saved_searches"),
    path("mypage/saved-searches/new/", views.saved_search_create_view, name="saved_search_create"),
    path("mypage/saved-searches/<int:search_id>/alerts/", views.saved_search_update_view, name="saved_search_update"),
    path("mypage/saved-searches/<int:search_id>/delete/", views.saved_search_delete_view, name="saved_search_delete"),
]
PUBLIC_URL_NAMES: set[str] = set()
