"""factory_boy factories shared by every app's tests (apps add their own in
tests/<app>/factories.py). Complex states are built by calling real services."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP

from accounts.models import Membership, ResearcherProfile, User
from companies.models import Business, FinancialYear
from companies.validators import make_corporate_number
from institutions.models import Institution

PASSWORD = "correct-horse-battery-9"
_numbers = itertools.count(100_000_000_001)


def next_corporate_number() -> str:
    return make_corporate_number(f"{next(_numbers):012d}")


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    corp_type = Business.CorpType.CORPORATION
    corporate_number = factory.LazyFunction(next_corporate_number)
    name = factory.Sequence(lambda n: f"株式会社テスト商事{n}")
    name_kana = "カブシキガイシャテストショウジ"
    prefecture = "13"
    municipality = "千代田区"
    address = "東京都千代田区霞が関1-3-1"
    representative_name = "試験 太郎"
    phone = "03-0000-0000"
    employees = 5
    capital = 10_000_000
    offices = 1
    founded_year = 2001
    industry_jsic = "58"

    class Params:
        sole_proprietor = factory.Trait(corp_type=Business.CorpType.SOLE_PROPRIETOR, corporate_number=None,
                                        gbizid_management_number=factory.Sequence(lambda n: f"9{n:012d}"), capital=None)


class FinancialYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinancialYear

    business = factory.SubFactory(BusinessFactory)
    fiscal_year = 2024
    sales = 50_000_000
    gross_profit = 20_000_000
    operating_profit = 3_000_000
    ordinary_profit = 2_800_000
    net_income = 1_900_000
    depreciation = 800_000
    personnel_cost = 12_000_000
    total_assets = 40_000_000
    net_assets = 12_000_000
    interest_bearing_debt = 15_000_000
    cash_and_deposits = 6_000_000
    receivables = 5_000_000
    inventory = 2_000_000
    payables = 3_000_000
    employees = 5


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"テスト商工会{n}")
    kind = Institution.Kind.SHOKOKAI
    prefecture = "13"
    municipality = "千代田区"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    full_name = "試験 利用者"
    kind = User.Kind.BUSINESS
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


def business_user(*, business: Business | None = None, account_type: str = Membership.AccountType.PRIME, **membership) -> User:
    business = business or BusinessFactory()
    user = UserFactory(kind=User.Kind.BUSINESS)
    Membership.objects.create(user=user, business=business, account_type=account_type, **membership)
    return user


def prime_user(business: Business | None = None, **membership) -> User:
    return business_user(business=business, account_type=Membership.AccountType.PRIME, **membership)


def member_user(business: Business, **membership) -> User:
    return business_user(business=business, account_type=Membership.AccountType.MEMBER, **membership)


def institution_staff(institution: Institution | None = None) -> User:
    return UserFactory(kind=User.Kind.INSTITUTION_STAFF, institution=institution or InstitutionFactory())


def agency_staff() -> User:
    return UserFactory(kind=User.Kind.AGENCY_STAFF, is_staff=True)


def researcher(*, approved: bool = True, approved_until: dt.date | None = None) -> User:
    user = UserFactory(kind=User.Kind.RESEARCHER)
    ResearcherProfile.objects.create(
        user=user, affiliation="テスト大学",
        pledge_status=ResearcherProfile.PledgeStatus.APPROVED if approved else ResearcherProfile.PledgeStatus.PENDING,
        approved_until=approved_until,
    )
    return user


def with_totp(user: User, secret: str = "JBSWY3DPEHPK3PXPJBSWY3DP") -> str:
    TOTP.activate(user, secret)
    return secret


def mfa_login(client, user: User) -> None:
    """Sign a test client in as a user who passed two-factor authentication."""
    client.force_login(user)
    session = client.session
    session["mirasapo_mfa_passed"] = True
    session.save()
