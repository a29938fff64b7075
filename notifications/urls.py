from __future__ import annotations

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("mypage/mail/", views.preferences, name="preferences"),
    path("mypage/notices/", views.notices, name="notices"),
    path("mail/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
# Opened from a mail without signing in; the signed token is the only credential.
PUBLIC_URL_NAMES = {"unsubscribe"}
