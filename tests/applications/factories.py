"""Factories of the applications tests: an open round and a business with a full record."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from applications.models import SubsidyRound
from companies.models import (
    BusinessPlan,
    BusinessProfile,
    ContactPerson,
    JointApplicant,
)
from tests.factories import BusinessFactory, FinancialYearFactory

_round_numbers = iter(range(100, 100_000))


class SubsidyRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubsidyRound

    program = "jizokuka_general"
    number = factory.LazyFunction(lambda: next(_round_numbers))
    fiscal_year = 2026
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    reference_date = dt.date(2025, 12, 31)
    plan_certified_by = dt.date(2026, 3, 31)

    class Params:
        closed = factory.Trait(deadline=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(minutes=1)))


def business_with_record(**fields):
    """A business whose record holds every item the 持続化補助金 form pre-fills."""
    business = BusinessFactory(representative_birth_date=dt.date(1960, 4, 1), **fields)
    BusinessProfile.objects.create(business=business, description="地域密着の精密部品加工", main_products="精密部品",
                                   customers="県内の製造業", consumption_tax_status="taxable")
    ContactPerson.objects.create(business=business, name="担当 花子", department="総務部", phone="03-1111-2222",
                                 email="tanto@example.jp")
    BusinessPlan.objects.create(business=business, overview="1998年創業の部品加工業。", market="EC需要が増加。",
                                strengths="熟練の技術。", management_policy="3年で売上10%増。")
    FinancialYearFactory(business=business, fiscal_year=2023)
    FinancialYearFactory(business=business, fiscal_year=2024, sales=60_000_000)
    JointApplicant.objects.create(business=business, name="協同組合テスト", corporate_number="", relationship="加入組織")
    return business
