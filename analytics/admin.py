from __future__ import annotations

from django.contrib import admin

from .models import EbpmAnalysis, ExtractDownload, ResearchPledge


@admin.register(ResearchPledge)
class ResearchPledgeAdmin(admin.ModelAdmin):
    """Read-only here: decisions go through the pledge pages (services write the audit row
    and the researcher's status)."""

    list_display = ["researcher", "affiliation", "status", "approved_until", "created_at"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExtractDownload)
class ExtractDownloadAdmin(admin.ModelAdmin):
    list_display = ["user", "started_at", "row_count", "completed", "sha256"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EbpmAnalysis)
class EbpmAnalysisAdmin(admin.ModelAdmin):
    list_display = ["title", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
