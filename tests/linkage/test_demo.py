import io

import pytest
from django.core.management import call_command

from companies.models import FinancialYear, Source
from institutions.models import SupportRecord
from linkage.models import IntakeBatch, PartnerClient, ReviewItem

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_partner_batches_and_review_items():
    out = io.StringIO()
    call_command("seed_demo", "--companies", "40", stdout=out)
    client = PartnerClient.objects.get()
    assert client.scopes == ["financials", "support_records"]
    assert "partner key of the demo 商工会" in out.getvalue()
    assert IntakeBatch.objects.filter(channel="api").count() == 2
    assert IntakeBatch.objects.filter(channel="csv", uploaded_by__email="analyst@agency.demo.mirasapo.jp").count() == 1
    assert FinancialYear.objects.filter(source=Source.PARTNER, fiscal_year=2025).count() == 12
    assert FinancialYear.objects.filter(source=Source.PARTNER, fiscal_year=2024).count() == 0  # the business's own kept
    assert SupportRecord.objects.filter(source=SupportRecord.Source.PARTNER).count() >= 10
    assert ReviewItem.objects.filter(status=ReviewItem.Status.PENDING).exists()
