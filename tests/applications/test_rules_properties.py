"""Properties of the rules (Hypothesis) that hand-written edges can miss."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications import rules

GROUPS = st.sampled_from(sorted(rules.EMPLOYEE_LIMITS))


@given(group=GROUPS, employees=st.integers(min_value=0, max_value=10_000))
def test_seed_003_s1_s2_small_exactly_up_to_the_limit(group, employees):
    check = rules.small_business_check(group, employees)
    assert check.ok is (employees <= rules.EMPLOYEE_LIMITS[group])
    # Monotonic: one more regularly employed person never makes a business small again.
    assert not (not check.ok and rules.small_business_check(group, employees + 1).ok)


HOURS = st.decimals(min_value=Decimal("0.25"), max_value=Decimal(300), places=2)


@given(hours=HOURS, days=HOURS, regular_hours=HOURS, regular_days=HOURS)
def test_seed_003_s2_d2_part_timer_means_both_at_most_three_quarters(hours, days, regular_hours, regular_days):
    person = rules.Hours(daily_hours=hours, monthly_days=days)
    regular = rules.Hours(daily_hours=regular_hours, monthly_days=regular_days)
    expected = Fraction(hours) <= Fraction(3, 4) * Fraction(regular_hours) and Fraction(days) <= Fraction(3, 4) * Fraction(regular_days)
    assert rules.is_part_timer(person, regular) is expected


@given(birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2050, 12, 31)), years=st.integers(min_value=1, max_value=100))
def test_age_calculation_act_next_age_at_the_end_of_the_day_before_the_birthday(birth, years):
    try:
        birthday = birth.replace(year=birth.year + years)
    except ValueError:  # born 29 February: the birthday of a common year is 1 March's eve
        birthday = dt.date(birth.year + years, 3, 1)
    eve = birthday - dt.timedelta(days=1)
    assert rules.age_on(birth, eve) == years
    assert rules.age_on(birth, eve - dt.timedelta(days=1)) == years - 1


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**20, max_value=10**20) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
FIELDS = st.fixed_dictionaries({}, optional={
    "industry": st.sampled_from(["commerce_service", "accommodation_entertainment", "manufacturing_other", "x"]) | JSON,
    "lines": st.lists(st.fixed_dictionaries({}, optional={"jsic": st.sampled_from(["58", "75", "09", "99", ""]) | JSON,
                                                          "share": st.integers(-5, 120) | JSON}), max_size=3) | JSON,
    "industry_reason": JSON,
    "regular_hours": st.fixed_dictionaries({}, optional={k: st.integers(-1, 800) | JSON for k in ("daily_hours", "weekly_hours", "monthly_days")}) | JSON,
    "staff": st.lists(st.fixed_dictionaries({"role": st.sampled_from(sorted(rules.COUNTED_ROLES)) | JSON,
                                             "count": st.integers(-3, 10**6) | JSON},
                                            optional={"daily_hours": JSON, "monthly_days": JSON}), max_size=4) | JSON,
    "target_round": st.integers(0, 12) | JSON,
})


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=FIELDS)
def test_eligibility_api_never_fails_on_any_body(api_client, body):
    response = api_client.post("/api/v1/eligibility/jizokuka", body, format="json")
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert isinstance(response.json()["errors"], dict) and response.json()["errors"]
