from __future__ import annotations

from django.urls import path

from . import views

app_name = "accounts"
# Every page here needs a signed-in user (tests/test_url_protection.py checks it);
# the business sign-up page is mounted in mirasapo/urls.py as `account_signup`.
PUBLIC_URL_NAMES: set[str] = set()
urlpatterns = [
    path("mypage/", views.mypage, name="mypage"),
    path("mypage/members/", views.members, name="members"),
    path("mypage/api-tokens/", views.api_tokens, name="api-tokens"),
    path("mypage/api-tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("mypage/members/<int:membership_id>/permissions/", views.member_permissions, name="member-permissions"),
    path("mypage/members/<int:membership_id>/remove/", views.member_remove_confirm, name="member-remove"),
]
