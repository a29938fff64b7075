"""Applications, narrowings and panels for the analytics tests, created directly (the
applications app's own factories and demo live in another branch)."""

from __future__ import annotations

import itertools
import random

import factory

from applications.models import Application, Program
from companies.models import Business, FinancialYear
from consent.models import Narrowing
from tests.factories import BusinessFactory

_receipts = itertools.count(1)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    business = factory.SubFactory(BusinessFactory)
    program = Program.JIZOKUKA_GENERAL
    fiscal_year = 2022
    round_number = 1
    implementation_fiscal_year = factory.LazyAttribute(lambda o: o.fiscal_year)
    status = Application.Status.SUBMITTED
    receipt_number = factory.LazyFunction(lambda: f"T{next(_receipts):09d}")
    plan_title = factory.Sequence(lambda n: f"販路開拓計画{n}")
    requested_amount = 500_000
    review_result = ""

    class Params:
        adopted = factory.Trait(status=Application.Status.ADOPTED, review_result=Application.ReviewResult.ADOPTED,
                                review_score=80, granted_amount=400_000)
        rejected = factory.Trait(status=Application.Status.NOT_ADOPTED, review_result=Application.ReviewResult.NOT_ADOPTED,
                                 review_score=40)


def narrow(business: Business, *, data_class: int, recipient: int, purpose: int | None = None) -> Narrowing:
    return Narrowing.objects.create(business=business, data_class=data_class, recipient=recipient, purpose=purpose)


def financial_panel(business: Business, *, rng: random.Random, years=range(2019, 2025), base: float | None = None) -> None:
    """Six years of financials with a firm-specific trend and noise (like companies/demo.py)."""
    base = base or rng.uniform(20_000_000, 80_000_000)
    growth = rng.gauss(0.01, 0.03)
    rows = []
    for year in years:
        sales = int(base * (1 + growth) ** (year - years[0]) * rng.uniform(0.96, 1.04))
        total_assets = int(sales * rng.uniform(0.6, 1.2))
        rows.append(FinancialYear(
            business=business, fiscal_year=year, sales=sales, gross_profit=int(sales * 0.35), operating_profit=int(sales * 0.05),
            ordinary_profit=int(sales * 0.045), net_income=int(sales * 0.03), depreciation=int(sales * 0.02),
            personnel_cost=int(sales * 0.2), total_assets=total_assets, net_assets=int(total_assets * rng.uniform(0.1, 0.5)),
        ))
    FinancialYear.objects.bulk_create(rows)


def evaluation_sample(*, n_treated: int = 60, n_control: int = 90, seed: int = 7, cohorts=(2021, 2022)) -> list[Business]:
    """Businesses applying in the given cohorts, some adopted, with panels; no effect yet."""
    rng = random.Random(seed)
    businesses = []
    industries = ["24", "58", "76"]
    for i in range(n_treated + n_control):
        business = BusinessFactory(industry_jsic=industries[i % 3], employees=rng.choice([2, 4, 8, 15]))
        financial_panel(business, rng=rng)
        year = cohorts[i % len(cohorts)]
        if i < n_treated:
            ApplicationFactory(business=business, fiscal_year=year, round_number=1, adopted=True)
        else:
            ApplicationFactory(business=business, fiscal_year=year, round_number=1, rejected=True)
        businesses.append(business)
    return businesses
