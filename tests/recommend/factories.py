from __future__ import annotations

from companies.models import Challenge
from consent.models import Narrowing
from recommend.models import Favourite
from tests.factories import BusinessFactory, FinancialYearFactory


def deny(business, *, data_class: int, recipients=(1, 2, 3), purpose: int | None = None) -> None:
    """A business's consent narrowing (what the consent screen writes), for test set-up."""
    for recipient in recipients:
        Narrowing.objects.create(business=business, data_class=data_class, recipient=recipient, purpose=purpose)


def business_with_financials(*, weak_equity: bool = False, **kwargs):
    business = BusinessFactory(**kwargs)
    FinancialYearFactory(business=business, fiscal_year=2023, sales=48_000_000)
    FinancialYearFactory(business=business, fiscal_year=2024, sales=50_000_000,
                         net_assets=1_000_000 if weak_equity else 12_000_000, interest_bearing_debt=30_000_000 if weak_equity else 15_000_000)
    return business


def challenge(business, theme: str, description: str = "") -> Challenge:
    return Challenge.objects.create(business=business, theme=theme, description=description)


def favourite(business, item) -> Favourite:
    field = "program" if item.__class__.__name__ == "SupportProgram" else "case_study"
    return Favourite.objects.create(business=business, **{field: item})




def ensure_policy() -> None:
    """The policy a data migration installs, back after a transactional test's flush."""
    from consent.policy_loader import ensure_policy_installed

    ensure_policy_installed()

