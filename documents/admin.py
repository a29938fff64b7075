"""What each program requires is reference data kept by SME Agency staff here. Documents
themselves are not in the admin: they are business data, released only through the
consent-checked, audited view (documents.services.document_read)."""

from __future__ import annotations

from django.contrib import admin

from .models import DocumentRequirement


@admin.register(DocumentRequirement)
class DocumentRequirementAdmin(admin.ModelAdmin):
    list_display = ["program", "frame", "document_type", "applies_to", "required", "order"]
    list_filter = ["program", "required", "applies_to"]
    list_editable = ["required", "order"]
    ordering = ["program", "frame", "order"]
