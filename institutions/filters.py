"""支援者検索: the public search of support institutions (django-filter)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from companies.reference import PREFECTURE_CHOICES
from core.widgets import CachedSelect
from programs.search import search

from .models import Institution


# Choices as callables: a FilterSet and its form are deep-copied for every request, and a
# list of 100-odd (code, label) pairs copied twice was most of the cost of building them.
def _prefectures():
    return PREFECTURE_CHOICES


class InstitutionFilter(django_filters.FilterSet):
    region = django_filters.ChoiceFilter(field_name="prefecture", choices=_prefectures, label=_("Region (prefecture)"), widget=CachedSelect(cache_key="institutions.region"))
    kind = django_filters.ChoiceFilter(choices=Institution.Kind.choices, label=_("Kind"), widget=CachedSelect(cache_key="institutions.kind"))
    specialty = django_filters.CharFilter(field_name="specialties", lookup_expr="icontains", label=_("Specialty"))
    q = django_filters.CharFilter(method="filter_text", label=_("Keywords"))

    class Meta:
        model = Institution
        fields = ["region", "kind", "specialty", "q"]

    def filter_text(self, queryset, name, value):
        # The catalogue's Japanese search (programs.search): what people type in any width
        # or kana (ﾖﾛｽﾞ, ヨロズ, よろず) meets the search document built from the profile.
        return search(queryset, value, title_field="name")
