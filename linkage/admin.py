from __future__ import annotations

from django.contrib import admin

from .models import IntakeBatch, PartnerClient, ReviewItem


@admin.register(PartnerClient)
class PartnerClientAdmin(admin.ModelAdmin):
    """Keys are issued with `manage.py issue_partner_token`; here they can only be deactivated."""

    list_display = ["name", "institution", "scopes", "is_active", "last_used_at", "created_at"]
    list_filter = ["is_active"]
    fields = ["name", "institution", "scopes", "is_active", "key_prefix", "last_used_at"]
    readonly_fields = ["institution", "scopes", "key_prefix", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(IntakeBatch)
class IntakeBatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "channel", "institution", "record_count", "created_at"]
    list_filter = ["channel"]
    list_select_related = ["institution"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin):
    """Read-only: decisions go through the review page (and its service and audit row)."""

    list_display = ["pk", "institution", "kind", "record_id", "status", "score", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["institution"]
    # The partner's record (payload) is business data of a business not yet decided: it is
    # shown on the review page through consent, not here.
    exclude = ["payload"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
