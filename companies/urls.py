from __future__ import annotations

from django.urls import path

from . import views

app_name = "companies"
urlpatterns = [
    path("record/", views.record, name="record"),
    path("record/history/", views.history, name="history"),
    path("record/my-data/", views.my_data_page, name="my-data"),
    path("record/<str:part>/edit/", views.record_edit, name="edit"),
    path("record/<str:part>/add/", views.record_edit, name="add"),
    path("record/<str:part>/<int:pk>/edit/", views.record_edit, name="edit-row"),
    path("record/<str:part>/<int:pk>/remove/", views.record_row_remove, name="remove-row"),
]
