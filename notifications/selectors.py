"""Reads of the in-portal notices (お知らせ)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notice


def notices_of(*, user) -> QuerySet:
    return Notice.objects.filter(user=user).order_by("-created_at", "-id")


def unread_notice_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(user=user, read_at__isnull=True).count()
