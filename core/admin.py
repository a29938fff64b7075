"""The agency's admin: the append-only audit log, read-only for SME Agency staff.

Nobody adds, changes or deletes audit rows here (the model and a PostgreSQL trigger
refuse it anyway); agency staff (User.kind agency_staff with is_staff) may view them
without a model permission being granted one by one."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import AuditEvent


class AgencyReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic only in the stubs: ModelAdmin[...] fails at run time
    """Read-only for agency staff; invisible to everyone else."""

    def _agency(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "is_agency_staff", False))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._agency(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._agency(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> list[Any]:
        # A business's name is its class 1 data, which the admin does not release: a row
        # that belongs to a business names it by its number (the id), never by str().
        fields = super().get_fields(request, obj)
        business_fks = {f.name for f in self.model._meta.fields
                        if f.is_relation and f.related_model is not None
                        and f.related_model._meta.label_lower == "companies.business"}
        return [f"{name}_id" if name in business_fks else name for name in fields]


@admin.register(AuditEvent)
class AuditEventAdmin(AgencyReadOnlyAdmin):
    list_display = ("at", "kind", "actor", "business_id", "institution_id", "policy_version", "object_type", "object_id")
    list_filter = ("kind", "policy_version")
    search_fields = ("=business_id", "=institution_id", "actor__email", "object_id")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    readonly_fields = ("at", "kind", "actor", "business_id", "institution_id", "object_type", "object_id", "policy_version", "data")
    show_full_result_count = False
