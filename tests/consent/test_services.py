from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from applications.models import Application
from consent import services
from consent.access import (
    ConsentContext,
    ConsentDenied,
    Origin,
    decide,
    procedure_rule_q,
    require,
    require_researcher,
)
from consent.selectors import (
    canonical_json,
    consent_as_of,
    effective_grants,
    narrowings_of,
)
from core.errors import ApplicationError
from core.models import AuditEvent
from notifications.models import OutboxMessage
from tests.factories import (
    BusinessFactory,
    InstitutionFactory,
    institution_staff,
    member_user,
    prime_user,
    researcher,
)

from .factories import business_with_prime, grant

pytestmark = pytest.mark.django_db


# --- narrowing ------------------------------------------------------------------------


def test_replace_writes_narrowings_history_audit_and_mail_in_one_go(django_capture_on_commit_callbacks):
    business, owner = business_with_prime()
    with django_capture_on_commit_callbacks(execute=True):
        change = services.consent_narrowings_replace(
            actor=owner, business=business,
            denied=[{"data_class": 6, "recipient": 5}, {"data_class": 1, "recipient": 8, "purpose": 9}],
        )
    assert narrowings_of(business) == {(6, 5, None), (1, 8, 9)}
    assert change.before == [] and change.after == [
        {"data_class": 1, "recipient": 8, "purpose": 9}, {"data_class": 6, "recipient": 5, "purpose": None}]
    assert change.policy.version == "1.0" and change.actor == owner
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.CONSENT_CHANGED, business_id=business.pk)
    assert event.policy_version == "1.0" and event.data["after"] == change.after and event.data["before"] == []
    message = OutboxMessage.objects.get(idempotency_key=f"consent-changed-{change.pk}")
    message.refresh_from_db()
    assert message.to_email == owner.email and message.status == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1 and "財務情報" in mail.outbox[0].body and "支援機関" in mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("【ミラサポ】") and business.name in mail.outbox[0].subject


def test_replace_with_the_same_set_changes_nothing():
    business, owner = business_with_prime()
    services.consent_deny(actor=owner, business=business, data_class=6, recipient=5)
    assert services.consent_narrowings_replace(actor=owner, business=business, denied=[{"data_class": 6, "recipient": 5}]) is None
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.CONSENT_CHANGED, business_id=business.pk).count() == 1


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"data_class": 14, "recipient": 1}, "data_class"),
        ({"data_class": 0, "recipient": 1}, "data_class"),
        ({"data_class": 1, "recipient": 9}, "recipient"),
        ({"data_class": "x", "recipient": 1}, "data_class"),
        ({"data_class": 1, "recipient": 1, "purpose": 10}, "purpose"),
        ({"data_class": 1, "recipient": 7}, "recipient"),  # one's own records
        ({"data_class": 9, "recipient": 5}, "denied"),  # the table never allows it: nothing to deny
        ({"data_class": 6, "recipient": 8, "purpose": 9}, "denied"),
        ({"data_class": 1, "recipient": 1, "colour": "red"}, "denied"),
        ("6-5", "denied"),
    ],
)
def test_bad_items_are_refused_with_a_field_error_and_change_nothing(item, field):
    business, owner = business_with_prime()
    services.consent_deny(actor=owner, business=business, data_class=6, recipient=5)
    with pytest.raises(ApplicationError) as caught:
        services.consent_narrowings_replace(actor=owner, business=business, denied=[{"data_class": 3, "recipient": 5}, item])
    assert field in caught.value.errors
    assert narrowings_of(business) == {(6, 5, None)}
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.CONSENT_CHANGED, business_id=business.pk).count() == 1


def test_not_a_list_is_refused():
    business, owner = business_with_prime()
    with pytest.raises(ApplicationError) as caught:
        services.consent_narrowings_replace(actor=owner, business=business, denied={"data_class": 1})
    assert "denied" in caught.value.errors


def test_redundant_and_duplicate_denials_collapse():
    business, owner = business_with_prime()
    services.consent_narrowings_replace(actor=owner, business=business, denied=[
        {"data_class": 6, "recipient": 5}, {"data_class": 6, "recipient": 5, "purpose": 6}, {"data_class": 6, "recipient": 5},
    ])
    assert narrowings_of(business) == {(6, 5, None)}


@pytest.mark.parametrize("who", ["member", "other_prime", "institution", "anonymous", "agency"])
def test_only_the_prime_holder_changes_consent(who):
    from django.contrib.auth.models import AnonymousUser

    from tests.factories import agency_staff

    business, _owner = business_with_prime()
    actor = {
        "member": lambda: member_user(business),
        "other_prime": lambda: prime_user(BusinessFactory()),
        "institution": lambda: institution_staff(),
        "anonymous": AnonymousUser,
        "agency": agency_staff,
    }[who]()
    with pytest.raises(PermissionDenied):
        services.consent_narrowings_replace(actor=actor, business=business, denied=[{"data_class": 6, "recipient": 5}])
    with pytest.raises(PermissionDenied):
        services.consent_deny(actor=actor, business=business, data_class=6, recipient=5)
    assert narrowings_of(business) == set()


def test_a_stale_confirmation_is_refused():
    from consent.selectors import narrowings_digest

    business, owner = business_with_prime()
    seen = narrowings_digest(narrowings_of(business))
    services.consent_deny(actor=owner, business=business, data_class=1, recipient=8)
    with pytest.raises(ApplicationError):
        services.consent_narrowings_replace(actor=owner, business=business, denied=[], expected_digest=seen)
    assert narrowings_of(business) == {(1, 8, None)}


def test_narrowing_never_widens_the_table():
    business, owner = business_with_prime()
    services.consent_narrowings_replace(actor=owner, business=business, denied=[])
    grants = effective_grants(business)["grants"]
    assert {(g["purpose"], g["data_class"], g["recipient"]) for g in grants if g["allowed"]} == {
        (g["purpose"], g["data_class"], g["recipient"]) for g in grants}
    assert not any(g["purpose"] == 9 and g["data_class"] == 6 for g in grants)
    assert len(grants) == sum(len(c) * len(r) for c, r in [
        ({1, 6, 9, 10}, {1, 2, 3, 4}), (set(range(1, 14)), {1, 2, 3}), (set(range(1, 14)) - {9}, {7}),
        ({1, 2, 3, 5, 6, 7, 8, 10}, {1, 2, 3}), ({1, 2, 3, 5, 6, 7, 8, 10, 11, 12}, {1, 2, 3, 5}),
        ({1, 2, 3, 6, 7, 8, 10, 11, 12}, {5}), ({1, 2, 6, 12, 13}, {1, 2, 3, 5, 6}), ({12, 13}, {1, 2, 3, 5, 6}),
        ({1, 8, 10, 12}, {8}),
    ])


# --- history --------------------------------------------------------------------------


def test_consent_as_of_answers_for_any_past_moment():
    business, owner = business_with_prime()
    start = timezone.now()
    first = services.consent_deny(actor=owner, business=business, data_class=6, recipient=5)
    second = services.consent_deny(actor=owner, business=business, data_class=1, recipient=8, purpose=9)
    third = services.consent_allow(actor=owner, business=business, data_class=6, recipient=5)
    assert consent_as_of(business, start - dt.timedelta(seconds=1)).denied == set()
    assert consent_as_of(business, start - dt.timedelta(seconds=1)).policy.version == "1.0"
    assert consent_as_of(business, first.at).denied == {(6, 5, None)}
    assert consent_as_of(business, second.at).denied == {(6, 5, None), (1, 8, 9)}
    as_of_now = consent_as_of(business, third.at)
    assert as_of_now.denied == {(1, 8, 9)} and as_of_now.change == third and as_of_now.policy.version == "1.0"
    assert consent_as_of(business, timezone.localdate()).denied == {(1, 8, 9)}
    assert consent_as_of(business, timezone.localdate() - dt.timedelta(days=1)).change is None


# --- receipts -------------------------------------------------------------------------


def test_receipt_digest_covers_the_canonical_json_and_is_audited():
    business, owner = business_with_prime()
    services.consent_deny(actor=owner, business=business, data_class=6, recipient=5)
    member = member_user(business)
    receipt = services.consent_receipt_issue(actor=member, business=business)
    assert receipt.sha256 == hashlib.sha256(canonical_json(receipt.document)).hexdigest()
    download = json.loads(json.dumps(receipt.as_download()))
    assert hashlib.sha256(canonical_json(download["receipt"])).hexdigest() == download["sha256"]
    assert receipt.document["policy"]["version"] == "1.0"
    assert receipt.document["business"] == {"name": business.name, "corporate_number": business.corporate_number}
    assert receipt.document["denied"] == [{"data_class": 6, "recipient": 5, "purpose": None}]
    assert {"purpose": 6, "data_class": 6, "recipient": 5, "allowed": False} in receipt.document["grants"]
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.CONSENT_RECEIPT, business_id=business.pk)
    assert event.data == {"sha256": receipt.sha256} and event.actor == member


def test_receipt_for_another_business_is_refused():
    business, _owner = business_with_prime()
    with pytest.raises(PermissionDenied):
        services.consent_receipt_issue(actor=prime_user(BusinessFactory()), business=business)


# --- the conditions of the table -------------------------------------------------------


def test_procedure_without_the_opt_in_serves_the_applicants_own_records_only():
    business, owner = business_with_prime()
    no = Origin(procedure=True, procedure_opted_in=False)
    yes = Origin(procedure=True, procedure_opted_in=True)
    context = ConsentContext([business.pk])
    assert context.decide(business.pk, purpose=3, data_class=8, recipient=7, viewer=owner, origin=no).allowed
    for purpose, data_class, recipient in [(2, 8, 2), (4, 8, 1), (9, 8, 8), (1, 10, 2)]:
        assert not context.decide(business.pk, purpose=purpose, data_class=data_class, recipient=recipient, origin=no).allowed
        assert context.decide(business.pk, purpose=purpose, data_class=data_class, recipient=recipient, origin=yes).allowed


def test_procedure_rule_q_filters_applications_without_the_opt_in():
    business = BusinessFactory()
    common = {"business": business, "fiscal_year": 2024, "status": Application.Status.DRAFT}
    subsidy = Application.objects.create(program="monodukuri", **common)
    opted = Application.objects.create(program="keiei_kakushin", data_use_consent=True, **common)
    silent = Application.objects.create(program="jigyo_keizoku", **common)
    usable = set(Application.objects.filter(procedure_rule_q(purpose=2)).values_list("pk", flat=True))
    assert usable == {subsidy.pk, opted.pk}
    assert set(Application.objects.filter(procedure_rule_q(purpose=3)).values_list("pk", flat=True)) == {subsidy.pk, opted.pk, silent.pk}


def test_unapproved_researcher_is_refused_and_approved_one_allowed():
    business = BusinessFactory()
    pending = researcher(approved=False)
    approved = researcher(approved=True)
    assert not decide(business_id=business.pk, purpose=1, data_class=6, recipient=4, viewer=pending).allowed
    assert not decide(business_id=business.pk, purpose=1, data_class=6, recipient=4).allowed
    assert decide(business_id=business.pk, purpose=1, data_class=6, recipient=4, viewer=approved).allowed
    assert not decide(business_id=business.pk, purpose=1, data_class=7, recipient=4, viewer=approved).allowed  # not ※5
    with pytest.raises(PermissionDenied):
        require_researcher(pending)
    require_researcher(approved)


def test_institution_needs_an_approval_in_force_for_that_purpose_and_class():
    business, owner = business_with_prime()
    institution, other = InstitutionFactory(), InstitutionFactory()
    staff, other_staff = institution_staff(institution), institution_staff(other)
    args = {"business_id": business.pk, "purpose": 6, "data_class": 6, "recipient": 5}
    assert not decide(**args, viewer=staff).allowed
    with pytest.raises(ConsentDenied):
        require(**args, viewer=staff)
    g = grant(business=business, institution=institution, purpose=6, data_classes=[1, 6])
    assert decide(**args, viewer=staff).allowed
    assert require(**args, viewer=staff).policy_version == "1.0"
    assert not decide(**args, viewer=other_staff).allowed
    assert not decide(**{**args, "data_class": 3}, viewer=staff).allowed
    assert not decide(**{**args, "purpose": 5}, viewer=staff).allowed
    assert not decide(**args, viewer=owner).allowed  # not an institution
    services.consent_deny(actor=owner, business=business, data_class=6, recipient=5, purpose=6)
    assert not decide(**args, viewer=staff).allowed  # the narrowing still wins
    services.consent_allow(actor=owner, business=business, data_class=6, recipient=5, purpose=6)
    services.institution_grant_revoke(actor=owner, disclosure_request_id=g.disclosure_request_id)
    assert not decide(**args, viewer=staff).allowed


def test_recipient_seven_is_the_business_itself():
    business, owner = business_with_prime()
    stranger = prime_user(BusinessFactory())
    assert decide(business_id=business.pk, purpose=3, data_class=6, recipient=7, viewer=owner).allowed
    assert decide(business_id=business.pk, purpose=3, data_class=6, recipient=7, viewer=member_user(business)).allowed
    assert not decide(business_id=business.pk, purpose=3, data_class=6, recipient=7, viewer=stranger).allowed
    assert not decide(business_id=business.pk, purpose=3, data_class=9, recipient=7, viewer=owner).allowed  # review info


def test_published_items_only_for_recipients_six_and_eight():
    from consent.registry import OPEN_DATA_COLUMNS

    business = BusinessFactory()
    context = ConsentContext([business.pk])
    assert {c for _f, c in OPEN_DATA_COLUMNS} <= {1, 8, 10, 12}
    for data_class in (3, 5, 6, 7, 9, 11):
        assert not any(context.decide(business.pk, purpose=p, data_class=data_class, recipient=8).allowed for p in range(1, 10))
    for data_class in (3, 5, 7, 8, 9, 10, 11):
        assert not any(context.decide(business.pk, purpose=p, data_class=data_class, recipient=6).allowed for p in range(1, 10))


def test_expired_grant_is_not_in_force():
    business, _owner = business_with_prime()
    institution = InstitutionFactory()
    staff = institution_staff(institution)
    today = timezone.localdate()
    grant(business=business, institution=institution, purpose=6, data_classes=[6],
          valid_from=today - dt.timedelta(days=10), valid_until=today - dt.timedelta(days=1))
    assert not decide(business_id=business.pk, purpose=6, data_class=6, recipient=5, viewer=staff).allowed
    grant(business=business, institution=institution, purpose=6, data_classes=[6],
          valid_from=today + dt.timedelta(days=1), valid_until=today + dt.timedelta(days=10))
    assert not decide(business_id=business.pk, purpose=6, data_class=6, recipient=5, viewer=staff).allowed


@pytest.mark.django_db(transaction=True)
def test_concurrent_changes_of_one_business_do_not_lose_each_other():
    import threading

    from django.db import connection

    business, owner = business_with_prime()
    barrier = threading.Barrier(4)
    errors = []

    def deny(data_class: int) -> None:
        try:
            barrier.wait()
            services.consent_deny(actor=owner, business=business, data_class=data_class, recipient=2)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deny, args=(c,)) for c in (1, 3, 6, 8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert narrowings_of(business) == {(1, 2, None), (3, 2, None), (6, 2, None), (8, 2, None)}
    from consent.models import ConsentChange

    changes = list(ConsentChange.objects.filter(business_id=business.pk).order_by("at", "id"))
    assert len(changes) == 4
    # Serialised by the row lock: each change starts from what the one before left.
    assert [c.before for c in changes[1:]] == [c.after for c in changes[:-1]]
    assert [len(c.after) for c in changes] == [1, 2, 3, 4]
