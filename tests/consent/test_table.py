"""The whole policy table, for every (purpose, class, recipient) and every state.

Expected values come from the spec's policy-matrix.json (or the installed policy file),
never from the code under test; the conditions of the table are applied on top:
recipient 4 needs an approved researcher, 5 an approval in force, 7 the business's own user.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from django.utils import timezone

from accounts.models import ResearcherProfile
from companies.models import Business
from consent import services
from consent.access import (
    ALL_DATA_CLASSES,
    ALL_PURPOSES,
    ALL_RECIPIENTS,
    APPLICANT,
    RESEARCHERS,
    SUPPORT_INSTITUTIONS,
    ConsentContext,
    SystemRecipient,
    businesses_allowing,
    decide,
    decide_business_level,
    policy_table,
)
from tests.factories import (
    BusinessFactory,
    InstitutionFactory,
    institution_staff,
    prime_user,
    researcher,
)

from .factories import expected_table, grant, table_allows

pytestmark = pytest.mark.django_db

TRIPLES = list(itertools.product(ALL_PURPOSES, ALL_DATA_CLASSES, ALL_RECIPIENTS))


def test_installed_table_equals_the_spec():
    table = expected_table()
    installed = policy_table()
    assert len(TRIPLES) == 9 * 13 * 8
    for purpose, data_class, recipient in TRIPLES:
        assert installed.allows(purpose, data_class, recipient) == table_allows(table, purpose, data_class, recipient), (
            purpose, data_class, recipient)


def _all_pairs_denial(table) -> list[dict]:
    pairs = {(c, r) for p, (classes, recipients) in table.items() for c in classes for r in recipients if r != APPLICANT}
    return [{"data_class": c, "recipient": r} for c, r in sorted(pairs)]


def _one_purpose_denial(table, purpose: int) -> list[dict]:
    classes, recipients = table[purpose]
    return [{"data_class": c, "recipient": r, "purpose": purpose} for c in sorted(classes) for r in sorted(recipients) if r != APPLICANT]


NARROW_PURPOSE = 5  # a purpose with recipients 1, 2, 3 and 5


def _state(name: str, table):
    """Build one business in the named state through the real services."""
    business = BusinessFactory()
    owner = prime_user(business)
    institution = InstitutionFactory()
    today = timezone.localdate()
    if name in ("grant", "expired_grant", "revoked_grant", "narrowed_all_with_grant"):
        for purpose, (classes, recipients) in table.items():
            if SUPPORT_INSTITUTIONS in recipients:
                kwargs = {}
                if name == "expired_grant":
                    kwargs = {"valid_from": today - dt.timedelta(days=60), "valid_until": today - dt.timedelta(days=1)}
                g = grant(business=business, institution=institution, purpose=purpose, data_classes=classes, **kwargs)
                if name == "revoked_grant":
                    services.institution_grant_revoke(actor=owner, disclosure_request_id=g.disclosure_request_id)
    if name in ("narrowed_all", "narrowed_all_with_grant"):
        services.consent_narrowings_replace(actor=owner, business=business, denied=_all_pairs_denial(table))
    if name == "narrowed_one_purpose":
        services.consent_narrowings_replace(actor=owner, business=business, denied=_one_purpose_denial(table, NARROW_PURPOSE))
    return business, owner, institution


def _expected(name: str, table, purpose: int, data_class: int, recipient: int) -> bool:
    allowed = table_allows(table, purpose, data_class, recipient)
    if recipient == SUPPORT_INSTITUTIONS and name not in ("grant", "narrowed_all_with_grant"):
        allowed = False
    if name in ("narrowed_all", "narrowed_all_with_grant") and recipient != APPLICANT:
        allowed = False
    if name == "narrowed_one_purpose" and purpose == NARROW_PURPOSE and recipient != APPLICANT:
        allowed = False
    return allowed


STATES = ["none", "narrowed_all", "narrowed_one_purpose", "grant", "expired_grant", "revoked_grant", "narrowed_all_with_grant"]


@pytest.mark.parametrize("state", STATES)
def test_every_triple_in_every_state(state):
    table = expected_table()
    business, owner, institution = _state(state, table)
    approved = researcher(approved=True)
    staff = institution_staff(institution)
    viewers = {RESEARCHERS: approved, SUPPORT_INSTITUTIONS: staff, APPLICANT: owner}
    context = ConsentContext([business.pk], institution_id=institution.pk)
    mismatches = []
    for purpose, data_class, recipient in TRIPLES:
        decision = context.decide(business.pk, purpose=purpose, data_class=data_class, recipient=recipient,
                                  viewer=viewers.get(recipient))
        if decision.allowed != _expected(state, table, purpose, data_class, recipient):
            mismatches.append((purpose, data_class, recipient, decision.reason))
        assert decision.policy_version == "1.0"
        assert decision.reason
    assert mismatches == []


def test_single_decide_agrees_with_the_context_on_a_sample():
    table = expected_table()
    business, owner, institution = _state("grant", table)
    staff = institution_staff(institution)
    approved = researcher(approved=True)
    viewers = {RESEARCHERS: approved, SUPPORT_INSTITUTIONS: staff, APPLICANT: owner}
    context = ConsentContext([business.pk], institution_id=institution.pk)
    for purpose, data_class, recipient in random.Random(3).sample(TRIPLES, 80):
        viewer = viewers.get(recipient)
        one = decide(business_id=business.pk, purpose=purpose, data_class=data_class, recipient=recipient, viewer=viewer)
        many = context.decide(business.pk, purpose=purpose, data_class=data_class, recipient=recipient, viewer=viewer)
        assert one == many


def test_each_denial_takes_effect_at_once_and_is_undone_at_once():
    table = expected_table()
    business = BusinessFactory()
    owner = prime_user(business)
    pairs = sorted({(c, r, p) for p, (classes, recipients) in table.items() for c in classes for r in recipients
                    if r not in (APPLICANT, RESEARCHERS, SUPPORT_INSTITUTIONS)})
    sample = random.Random(11).sample(pairs, 25)
    for data_class, recipient, purpose in sample:
        assert ConsentContext([business.pk]).decide(business.pk, purpose=purpose, data_class=data_class, recipient=recipient)
        services.consent_deny(actor=owner, business=business, data_class=data_class, recipient=recipient, purpose=purpose)
        after_deny = ConsentContext([business.pk]).decide(business.pk, purpose=purpose, data_class=data_class, recipient=recipient)
        assert not after_deny.allowed
        assert "denied" in after_deny.reason or "拒否" in after_deny.reason
        services.consent_allow(actor=owner, business=business, data_class=data_class, recipient=recipient, purpose=purpose)
        assert ConsentContext([business.pk]).decide(business.pk, purpose=purpose, data_class=data_class, recipient=recipient).allowed


def test_a_denial_for_every_purpose_covers_each_purpose_and_only_that_pair():
    business = BusinessFactory()
    owner = prime_user(business)
    services.consent_deny(actor=owner, business=business, data_class=6, recipient=2)
    context = ConsentContext([business.pk])
    for purpose in (1, 2, 4, 5, 7):
        assert not context.decide(business.pk, purpose=purpose, data_class=6, recipient=2).allowed
        assert context.decide(business.pk, purpose=purpose, data_class=6, recipient=1).allowed
        assert context.decide(business.pk, purpose=purpose, data_class=1, recipient=2).allowed


def test_businesses_allowing_equals_the_per_row_decisions_on_a_random_sample():
    table = expected_table()
    rng = random.Random(7)
    institution = InstitutionFactory()
    staff = institution_staff(institution)
    approved = researcher(approved=True)
    pairs = sorted({(c, r) for p, (classes, recipients) in table.items() for c in classes for r in recipients if r != APPLICANT})
    businesses = []
    for i in range(30):
        business = BusinessFactory()
        owner = prime_user(business)
        if i % 3:
            denied = []
            for c, r in rng.sample(pairs, 4):
                purposes = [p for p in table if table_allows(table, p, c, r)]
                denied.append({"data_class": c, "recipient": r, "purpose": rng.choice([None, *purposes])})
            services.consent_narrowings_replace(actor=owner, business=business, denied=denied)
        if i % 4 == 0:
            purpose = rng.choice([5, 6, 7, 8])
            grant(business=business, institution=institution, purpose=purpose, data_classes=rng.sample(sorted(table[purpose][0]), min(3, len(table[purpose][0]))))
        businesses.append(business)
    ids = [b.pk for b in businesses]
    context = ConsentContext(ids, institution_id=institution.pk)
    viewers = {RESEARCHERS: approved, SUPPORT_INSTITUTIONS: staff}
    sample = rng.sample(TRIPLES, 120) + [(6, 6, 5), (5, 1, 5), (1, 6, 4), (9, 1, 8)]
    for purpose, data_class, recipient in sample:
        if recipient == APPLICANT:
            continue  # a business user's set-based view is of its own business (test_projection)
        viewer = viewers.get(recipient) or SystemRecipient(recipient, "test")
        in_sql = set(
            businesses_allowing(Business.objects.filter(pk__in=ids), purpose=purpose, data_class=data_class,
                                viewer=viewer).values_list("pk", flat=True)
        )
        per_row = {b for b in ids if context.decide(b, purpose=purpose, data_class=data_class, recipient=recipient,
                                                    viewer=viewers.get(recipient)).allowed}
        assert in_sql == per_row, (purpose, data_class, recipient)


def test_businesses_allowing_through_a_business_foreign_key():
    business, other = BusinessFactory(), BusinessFactory()
    owner = prime_user(business)
    services.consent_deny(actor=owner, business=business, data_class=1, recipient=2)
    from accounts.models import Membership

    rows = businesses_allowing(Membership.objects.all(), purpose=2, data_class=1, viewer=SystemRecipient(2, "test"),
                               business_field="business_id")
    prime_user(other)
    assert set(rows.values_list("business_id", flat=True)) == {other.pk}


def test_business_level_decision_names_the_condition():
    business = BusinessFactory()
    decision = decide_business_level(business_id=business.pk, purpose=6, data_class=6, recipient=5)
    assert decision.allowed and decision.policy_version == "1.0"
    assert "開示依頼" in decision.reason
    assert not decide_business_level(business_id=business.pk, purpose=9, data_class=6, recipient=8).allowed


def test_expired_researcher_approval_is_refused():
    business = BusinessFactory()
    expired = researcher(approved=True, approved_until=timezone.localdate() - dt.timedelta(days=1))
    assert expired.researcher_profile.pledge_status == ResearcherProfile.PledgeStatus.APPROVED
    assert not decide(business_id=business.pk, purpose=1, data_class=6, recipient=RESEARCHERS, viewer=expired).allowed


def test_a_context_over_many_businesses_loads_narrowings_and_grants_by_array():
    business = BusinessFactory()
    owner = prime_user(business)
    institution = InstitutionFactory()
    services.consent_deny(actor=owner, business=business, data_class=1, recipient=2)
    grant(business=business, institution=institution, purpose=6, data_classes=[6])
    ids = {business.pk, *range(10**9, 10**9 + 600)}  # more than the IN-list threshold
    context = ConsentContext(ids, institution_id=institution.pk)
    assert not context.decide(business.pk, purpose=2, data_class=1, recipient=2).allowed
    assert context.decide(business.pk, purpose=2, data_class=6, recipient=2).allowed
    assert context.decide(business.pk, purpose=6, data_class=6, recipient=5, viewer=institution_staff(institution)).allowed
    assert context.decide(10**9, purpose=2, data_class=1, recipient=2).allowed
