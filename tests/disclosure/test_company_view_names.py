"""Issue 15, "raw data on the advisor's company view": the items of an application's content are
shown as people read them (the names of codes, yen with separators, Japanese dates), the pre-filled
items without their bookkeeping and the submitted snapshot under the form's labels."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.analytics.factories import ApplicationFactory
from tests.factories import BusinessFactory

from .factories import approved_request
from .test_views import staff_client

pytestmark = pytest.mark.django_db


def test_application_items_are_named_not_coded(client):
    business = BusinessFactory(prefecture="04", industry_jsic="26")
    content = {"prefecture": "04", "industry_jsic": "26", "capital": 10_000_000, "founded_year": 1998,
               "representative_birth_date": "1962-05-14", "consumption_tax_status": "taxable", "fy_sales": 33_561_402}
    ApplicationFactory(business=business, content=content,
                       prefill={"capital": {"class": 1, "value": 10_000_000, "source": "record", "recorded_at": "2026-01-01"}})
    request, staff, _prime, _business = approved_request(business=business, classes=(1, 3, 6, 8))
    html = staff_client(staff).get(reverse("disclosure:company_data", args=[request.pk])).content.decode()
    for shown in ("都道府県: 宮城県", "生産用機械器具製造業", "資本金（円）: 10,000,000円", "1962年5月14日", "課税事業者", "1998",
                  "33,561,402円"):
        assert shown in html, shown
    for raw in ("都道府県: 04", ": 26\n", "資本金（円）: 10000000", "1962-05-14", ": taxable", "1,998", "content:", "record\n", "2026-01-01"):
        assert raw not in html, raw
