"""FilterSets of the disclosure pages (django-filter)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from companies.models import Business
from companies.reference import JSIC_MIDDLE_CHOICES, PREFECTURE_CHOICES

from .models import DisclosureRequest

SIZE_BAND_CHOICES = [
    ("micro", _("0–5 employees")),
    ("small", _("6–20 employees")),
    ("medium", _("21–50 employees")),
    ("large", _("51–300 employees")),
    ("over_300", _("More than 300 employees")),
]
_BANDS = {"micro": (0, 5), "small": (6, 20), "medium": (21, 50), "large": (51, 300), "over_300": (301, None)}


class AnonymisedCompanyFilter(django_filters.FilterSet):
    prefecture = django_filters.ChoiceFilter(choices=PREFECTURE_CHOICES, label=_("Prefecture"))
    industry = django_filters.ChoiceFilter(field_name="industry_jsic", choices=JSIC_MIDDLE_CHOICES, label=_("Industry"))
    size = django_filters.ChoiceFilter(choices=SIZE_BAND_CHOICES, method="filter_size", label=_("Size"))

    class Meta:
        model = Business
        fields: list[str] = []

    def filter_size(self, queryset, name, value):
        low, high = _BANDS[value]
        condition = Q(employees__gte=low) if high is None else Q(employees__gte=low, employees__lte=high)
        return queryset.filter(condition)


class RequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DisclosureRequest.Status.choices, label=_("Status"))

    class Meta:
        model = DisclosureRequest
        fields = ["status"]
