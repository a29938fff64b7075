"""Template filters for people-facing values: {% load portal_format %} then
{{ amount|yen }}, {{ day|jdate }}, {{ code|prefecture }}, {{ code|industry }}."""

from __future__ import annotations

from django import template

from core import formatting

register = template.Library()

register.filter("yen", formatting.yen)
register.filter("jdate", formatting.japanese_date)
register.filter("prefecture", formatting.prefecture_name)
register.filter("industry", formatting.industry_name)
register.filter("thousands", formatting.number)
