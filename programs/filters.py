"""FilterSets of 支援制度ナビ and 事例ナビ (the pages and GET /api/v1/programs share them)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from companies.reference import JSIC_MIDDLE_CHOICES, PREFECTURE_CHOICES
from core.widgets import CachedSelect

from .models import THEME_CHOICES, CaseStudy, SizeBand, SupportProgram
from .search import search


# Choices as callables: a FilterSet and its form are deep-copied for every request, and a
# list of 100-odd (code, label) pairs copied twice was most of the cost of building them.
def _industries():
    return JSIC_MIDDLE_CHOICES


def _prefectures():
    return PREFECTURE_CHOICES


class ProgramFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Keywords"), method="filter_q")
    industry = django_filters.ChoiceFilter(label=_("Industry"), choices=_industries, method="filter_industry", widget=CachedSelect(cache_key="programs.industry"))
    prefecture = django_filters.ChoiceFilter(label=_("Prefecture"), choices=_prefectures, method="filter_prefecture", widget=CachedSelect(cache_key="programs.prefecture"))
    employees = django_filters.NumberFilter(label=_("Employees"), method="filter_employees", min_value=0)
    open_on = django_filters.DateFilter(label=_("Open on"), method="filter_open_on", widget=forms.DateInput(attrs={"type": "date"}))
    theme = django_filters.ChoiceFilter(label=_("Theme"), choices=THEME_CHOICES, method="filter_theme", widget=CachedSelect(cache_key="programs.theme"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=SupportProgram.Kind.choices, widget=CachedSelect(cache_key="programs.kind"))

    class Meta:
        model = SupportProgram
        fields = ["q", "industry", "prefecture", "employees", "open_on", "theme", "kind"]

    def filter_q(self, queryset, name, value):
        return search(queryset, value, title_field="name")

    def filter_industry(self, queryset, name, value):
        return queryset.filter(Q(industries=[]) | Q(industries__contains=[value]))

    def filter_prefecture(self, queryset, name, value):
        return queryset.filter(Q(prefectures=[]) | Q(prefectures__contains=[value]))

    def filter_employees(self, queryset, name, value):
        value = int(value)
        return queryset.filter(Q(min_employees__isnull=True) | Q(min_employees__lte=value)).filter(
            Q(max_employees__isnull=True) | Q(max_employees__gte=value)
        )

    def filter_open_on(self, queryset, name, value):
        return queryset.filter(Q(opens_on__isnull=True) | Q(opens_on__lte=value)).filter(Q(deadline__isnull=True) | Q(deadline__gte=value))

    def filter_theme(self, queryset, name, value):
        return queryset.filter(themes__contains=[value])


class CaseStudyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Keywords"), method="filter_q")
    industry = django_filters.ChoiceFilter(label=_("Industry"), choices=_industries, field_name="industry_jsic", widget=CachedSelect(cache_key="programs.industry"))
    prefecture = django_filters.ChoiceFilter(label=_("Prefecture"), choices=_prefectures, widget=CachedSelect(cache_key="programs.prefecture"))
    size_band = django_filters.ChoiceFilter(label=_("Size"), choices=SizeBand.choices, widget=CachedSelect(cache_key="programs.size_band"))
    theme = django_filters.ChoiceFilter(label=_("Theme"), choices=THEME_CHOICES, method="filter_theme", widget=CachedSelect(cache_key="programs.theme"))

    class Meta:
        model = CaseStudy
        fields = ["q", "industry", "prefecture", "size_band", "theme"]

    def filter_q(self, queryset, name, value):
        return search(queryset, value, title_field="title")

    def filter_theme(self, queryset, name, value):
        return queryset.filter(themes__contains=[value])
