from __future__ import annotations

from django.contrib import admin

from .models import CaseStudy, SupportProgram


class _SearchTextAdmin(admin.ModelAdmin):
    """The catalogue is kept by SME Agency staff here; search_text follows every save."""

    def save_model(self, request, obj, form, change):
        obj.refresh_search_text()
        super().save_model(request, obj, form, change)


@admin.register(SupportProgram)
class SupportProgramAdmin(_SearchTextAdmin):
    list_display = ["name", "agency", "kind", "opens_on", "deadline", "published_at"]
    list_filter = ["kind"]
    search_fields = ["name", "agency"]
    date_hierarchy = "published_at"


@admin.register(CaseStudy)
class CaseStudyAdmin(_SearchTextAdmin):
    list_display = ["title", "industry_jsic", "prefecture", "size_band", "published_on"]
    list_filter = ["size_band"]
    search_fields = ["title"]
    filter_horizontal = ["programs"]
