"""支援者検索: the public search of support institutions (django-filter)."""

from __future__ import annotations

import django_filters
import jaconv
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from companies.reference import PREFECTURE_CHOICES
from core.japanese import normalise

from .models import Institution


class InstitutionFilter(django_filters.FilterSet):
    region = django_filters.ChoiceFilter(field_name="prefecture", choices=PREFECTURE_CHOICES, label=_("Region (prefecture)"))
    kind = django_filters.ChoiceFilter(choices=Institution.Kind.choices, label=_("Kind"))
    specialty = django_filters.CharFilter(field_name="specialties", lookup_expr="icontains", label=_("Specialty"))
    q = django_filters.CharFilter(method="filter_text", label=_("Keywords"))

    class Meta:
        model = Institution
        fields = ["region", "kind", "specialty", "q"]

    def filter_text(self, queryset, name, value):
        # What people type in any width or kana meets the stored text in both kana forms
        # (ﾖﾛｽﾞ, ヨロズ and よろず find よろず支援拠点).
        for term in normalise(value[:200]).split(" ")[:5]:
            condition = Q()
            for word in {term, jaconv.hira2kata(term)}:
                condition |= (
                    Q(name__icontains=word) | Q(services__icontains=word) | Q(specialties__icontains=word)
                    | Q(description__icontains=word) | Q(qualifications__icontains=word) | Q(municipality__icontains=word)
                )
            queryset = queryset.filter(condition)
        return queryset
