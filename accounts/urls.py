from __future__ import annotations

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("mypage/", views.mypage, name="mypage"),
    path("mypage/members/", views.members, name="members"),
]
