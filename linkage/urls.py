from __future__ import annotations

from django.urls import path

from . import views

app_name = "linkage"
urlpatterns = [
    path("linkage/import/", views.import_upload, name="import"),
    path("linkage/import/confirm/", views.import_confirm, name="import_confirm"),
    path("linkage/review/", views.review_list, name="review_list"),
    path("linkage/review/<int:item_id>/", views.review_detail, name="review_detail"),
    path("linkage/batches/", views.batch_list_view, name="batch_list"),
    path("linkage/batches/<int:batch_id>/", views.batch_detail, name="batch_detail"),
]
