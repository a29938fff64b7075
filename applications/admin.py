"""The rules as data, kept by SME Agency staff: rounds with their frames (枠), the regional
minimum wages and the lodging table. The code reads these rows (applications.rules)."""

from __future__ import annotations

from django.contrib import admin

from .models import Frame, MinimumWage, SubsidyRound, TravelArea, TravelCity


class FrameInline(admin.StackedInline):
    model = Frame
    extra = 0


@admin.register(SubsidyRound)
class SubsidyRoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "fiscal_year", "opens_on", "deadline", "reference_date"]
    list_filter = ["program", "fiscal_year"]
    inlines = [FrameInline]


@admin.register(Frame)
class FrameAdmin(admin.ModelAdmin):
    list_display = ["subsidy_round", "kind", "rate_numerator", "rate_denominator", "cap", "invoice_special_addition",
                    "startup_window_start", "startup_window_end"]
    list_filter = ["kind", "subsidy_round__program"]


@admin.register(MinimumWage)
class MinimumWageAdmin(admin.ModelAdmin):
    list_display = ["prefecture", "fiscal_year", "hourly", "effective_on"]
    list_filter = ["fiscal_year"]
    search_fields = ["prefecture"]


class TravelCityInline(admin.TabularInline):
    model = TravelCity
    extra = 0


@admin.register(TravelArea)
class TravelAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "domestic", "cap_per_night", "position"]
    inlines = [TravelCityInline]
