"""Consent's models in the agency admin, read-only: the policy versions, the table,
narrowings, grants and the history of changes are changed only through services."""

from __future__ import annotations

from django.contrib import admin

from core.admin import AgencyReadOnlyAdmin

from .models import (
    ConsentChange,
    DataClass,
    InstitutionGrant,
    Narrowing,
    PolicyVersion,
    Purpose,
    Recipient,
)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(AgencyReadOnlyAdmin):
    list_display = ("version", "effective_from", "title")


@admin.register(DataClass)
class DataClassAdmin(AgencyReadOnlyAdmin):
    list_display = ("policy", "code", "name_ja", "name_en")
    list_filter = ("policy",)
    list_select_related = ("policy",)


@admin.register(Recipient)
class RecipientAdmin(AgencyReadOnlyAdmin):
    list_display = ("policy", "code", "name_ja")
    list_filter = ("policy",)
    list_select_related = ("policy",)


@admin.register(Purpose)
class PurposeAdmin(AgencyReadOnlyAdmin):
    list_display = ("policy", "code", "name_ja", "data_classes", "recipients")
    list_filter = ("policy",)
    list_select_related = ("policy",)


@admin.register(Narrowing)
class NarrowingAdmin(AgencyReadOnlyAdmin):
    list_display = ("business_id", "data_class", "recipient", "purpose", "created_at")
    search_fields = ("=business__id", "=business__corporate_number")


@admin.register(InstitutionGrant)
class InstitutionGrantAdmin(AgencyReadOnlyAdmin):
    list_display = ("business_id", "institution_id", "purpose", "data_classes", "valid_from", "valid_until", "revoked_at")
    search_fields = ("=business__corporate_number", "=disclosure_request_id")


@admin.register(ConsentChange)
class ConsentChangeAdmin(AgencyReadOnlyAdmin):
    list_display = ("at", "business_id", "actor", "policy", "source")
    list_select_related = ("actor", "policy")
    search_fields = ("=business__id", "=business__corporate_number")
