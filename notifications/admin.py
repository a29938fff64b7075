from __future__ import annotations

from django.contrib import admin

from .models import DeliveryAttempt, OutboxMessage


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "succeeded", "error", "worker"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only view of the outbox for operators (the state machine is the task's)."""

    list_display = ["idempotency_key", "to_email", "template", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "category", "template"]
    search_fields = ["idempotency_key", "to_email"]
    inlines = [DeliveryAttemptInline]
    # The context is the mail's body data (a plan title, a receipt number…): released to the
    # mail's addressee only, never to operators, who see the envelope and its delivery.
    exclude = ["context"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
