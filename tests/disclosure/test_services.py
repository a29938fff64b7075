from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import override_settings
from django.utils import timezone

from consent.models import InstitutionGrant, Narrowing
from core.errors import ApplicationError
from core.models import AuditEvent
from disclosure import services
from disclosure.handles import make_handle
from disclosure.models import AccessLogEntry, DisclosureRequest, InstitutionBlock
from notifications.models import OutboxMessage
from tests.factories import (
    BusinessFactory,
    FinancialYearFactory,
    InstitutionFactory,
    institution_staff,
    member_user,
    next_corporate_number,
    prime_user,
)

from .factories import approved_request, make_request

pytestmark = pytest.mark.django_db
Status = DisclosureRequest.Status


def release(staff, business):
    return services.company_data_release(viewer=staff, business_id=business.pk, channel="api")


def test_whole_flow_request_notify_approve_read_log(django_capture_on_commit_callbacks, mailoutbox):
    business = BusinessFactory()
    FinancialYearFactory(business=business, fiscal_year=2024, sales=123_000_000)
    prime = prime_user(business)
    staff = institution_staff()
    with django_capture_on_commit_callbacks(execute=True):
        request = make_request(staff=staff, business=business, classes=(1, 6))
    assert request.status == Status.PENDING and request.business == business
    # The Prime holder is told by e-mail, through the outbox, on commit.
    outbox = OutboxMessage.objects.get(template="disclosure_requested")
    assert outbox.recipient_user == prime
    assert [m.to for m in mailoutbox] == [[prime.email]]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DISCLOSURE_REQUESTED, object_id=str(request.pk)).exists()
    # Nothing before the approval.
    assert release(staff, business) is None

    with django_capture_on_commit_callbacks(execute=True):
        services.disclosure_request_decide(actor=prime, request_id=request.pk, decision="approve")
    request.refresh_from_db()
    assert request.status == Status.APPROVED and request.approved_data_classes == [1, 6]
    assert InstitutionGrant.objects.filter(disclosure_request_id=request.pk, revoked_at__isnull=True).exists()
    assert mailoutbox[-1].to == [staff.email]

    result = release(staff, business)
    assert set(result.data_classes) == {"1", "6"}
    assert result.data_classes["1"]["business"]["name"] == business.name
    assert result.data_classes["6"]["financialyear"][0]["sales"] == 123_000_000
    assert "3" not in result.data_classes
    entry = AccessLogEntry.objects.get(business=business)
    assert (entry.user, entry.institution_id, entry.data_classes, entry.purpose, entry.channel) == (
        staff, staff.institution_id, [1, 6], 6, "api")
    audit = AuditEvent.objects.get(pk=entry.audit_event_id)
    assert audit.kind == AuditEvent.Kind.DATA_RELEASED
    assert audit.data == {"purpose": 6, "data_classes": [1, 6], "recipient": 5, "channel": "api"}


def test_each_read_writes_one_log_entry_and_one_audit_row():
    request, staff, _prime, business = approved_request()
    before = AuditEvent.objects.filter(kind=AuditEvent.Kind.DATA_RELEASED).count()
    for _ in range(3):
        release(staff, business)
    assert AccessLogEntry.objects.filter(business=business).count() == 3
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DATA_RELEASED).count() == before + 3


def test_partial_approval_releases_only_the_approved_classes():
    request, staff, _prime, business = approved_request(classes=(1, 3, 6), approve=(6,))
    assert request.approved_data_classes == [6]
    result = release(staff, business)
    assert list(result.data_classes) == ["6"]
    assert result.business_name is None  # class 1 was not approved: no name


def test_subset_outside_requested_classes_is_refused():
    business = BusinessFactory()
    prime = prime_user(business)
    request = make_request(staff=institution_staff(), business=business, classes=(1, 6))
    with pytest.raises(ApplicationError) as exc:
        services.disclosure_request_decide(actor=prime, request_id=request.pk, decision="approve", data_classes=[6, 7])
    assert "data_classes" in exc.value.errors
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert not InstitutionGrant.objects.filter(disclosure_request_id=request.pk).exists()


def test_rejection_releases_nothing_and_cannot_then_be_approved():
    business = BusinessFactory()
    prime = prime_user(business)
    staff = institution_staff()
    request = make_request(staff=staff, business=business)
    services.disclosure_request_decide(actor=prime, request_id=request.pk, decision="reject")
    request.refresh_from_db()
    assert request.status == Status.REJECTED and request.closed_at is not None
    assert release(staff, business) is None
    with pytest.raises(ApplicationError):
        services.disclosure_request_decide(actor=prime, request_id=request.pk, decision="approve")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DISCLOSURE_REJECTED, data__decision="reject").exists()


def test_revocation_ends_access_at_once_and_tells_the_institution():
    request, staff, prime, business = approved_request()
    assert release(staff, business) is not None
    services.disclosure_request_revoke(actor=prime, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == Status.REVOKED
    assert release(staff, business) is None
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DISCLOSURE_REVOKED, business_id=business.pk).exists()
    assert OutboxMessage.objects.filter(template="disclosure_revoked", recipient_user=staff).exists()
    with pytest.raises(ApplicationError):  # revoked is final
        services.disclosure_request_revoke(actor=prime, request_id=request.pk)


def test_expiry_is_checked_at_read_before_the_beat_job_runs():
    request, staff, _prime, business = approved_request(days=1)
    assert release(staff, business) is not None
    tomorrow_plus = timezone.localdate() + dt.timedelta(days=2)
    # The read path decides by date (ConsentContext and the request's own date).
    from consent.access import ConsentContext

    context = ConsentContext([business.pk], institution_id=staff.institution_id, on=tomorrow_plus)
    assert not context.decide(business.pk, purpose=6, data_class=6, recipient=5, viewer=staff).allowed
    DisclosureRequest.objects.filter(pk=request.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    request.refresh_from_db()
    assert request.status == Status.APPROVED and request.effective_status == Status.EXPIRED
    assert release(staff, business) is None


def test_beat_job_closes_expired_approvals_idempotently_and_notifies_both_sides():
    from disclosure.tasks import expire_disclosure_requests

    request, staff, prime, business = approved_request(days=1)
    pending = make_request(staff=institution_staff(), business=BusinessFactory(), days=1)
    later = timezone.localdate() + dt.timedelta(days=2)
    assert services.disclosure_requests_expire(on=later) == 2
    request.refresh_from_db()
    pending.refresh_from_db()
    assert request.status == Status.EXPIRED and pending.status == Status.EXPIRED
    grant = InstitutionGrant.objects.get(disclosure_request_id=request.pk)
    assert grant.revoked_at is not None
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DISCLOSURE_EXPIRED, data__reason="expired").count() == 1
    assert set(OutboxMessage.objects.filter(template="disclosure_expired").values_list("to_email", flat=True)) >= {
        staff.email, prime.email}
    count = OutboxMessage.objects.count()
    assert services.disclosure_requests_expire(on=later) == 0  # idempotent
    assert expire_disclosure_requests() == 0  # the task itself, today: nothing is due
    assert OutboxMessage.objects.count() == count


def test_narrowing_after_approval_wins():
    request, staff, _prime, business = approved_request(classes=(1, 6))
    assert set(release(staff, business).data_classes) == {"1", "6"}
    Narrowing.objects.create(business=business, data_class=6, recipient=5, purpose=None)
    assert set(release(staff, business).data_classes) == {"1"}
    assert AccessLogEntry.objects.filter(business=business).first().data_classes == [1]


def test_staff_of_another_institution_see_nothing():
    request, staff, _prime, business = approved_request()
    other = institution_staff()
    assert release(other, business) is None
    colleague = institution_staff(staff.institution)
    assert release(colleague, business) is not None  # the approval is the institution's


def test_member_cannot_decide_or_revoke_and_other_business_gets_404():
    business = BusinessFactory()
    prime_user(business)
    member = member_user(business)
    request = make_request(staff=institution_staff(), business=business)
    with pytest.raises(PermissionDenied):
        services.disclosure_request_decide(actor=member, request_id=request.pk, decision="approve")
    other_prime = prime_user(BusinessFactory())
    with pytest.raises(Http404):
        services.disclosure_request_decide(actor=other_prime, request_id=request.pk, decision="approve")
    with pytest.raises(Http404):
        services.disclosure_request_revoke(actor=other_prime, request_id=request.pk)
    with pytest.raises(PermissionDenied):
        services.disclosure_request_decide(actor=institution_staff(), request_id=request.pk, decision="approve")
    request.refresh_from_db()
    assert request.status == Status.PENDING


def test_unknown_number_is_accepted_like_a_known_one_and_lapses():
    staff = institution_staff()
    number = next_corporate_number()
    unknown = services.disclosure_request_create(actor=staff, corporate_number=number, purpose=6, data_classes=[1],
                                                 valid_until=timezone.localdate() + dt.timedelta(days=5))
    assert unknown.pk and unknown.status == Status.PENDING and unknown.business is None
    assert not OutboxMessage.objects.exists()
    assert services.disclosure_requests_expire(on=timezone.localdate() + dt.timedelta(days=6)) == 1
    unknown.refresh_from_db()
    assert unknown.status == Status.EXPIRED
    # The institution is told exactly as for a company that did not answer.
    assert OutboxMessage.objects.filter(template="disclosure_expired", recipient_user=staff).exists()


def test_bad_input_changes_nothing():
    staff = institution_staff()
    business = BusinessFactory()
    today = timezone.localdate()
    cases = [
        ({"corporate_number": "1234567890123"}, "corporate_number"),
        ({"purpose": 1}, "purpose"),
        ({"data_classes": [9]}, "data_classes"),  # review information is never for institutions
        ({"data_classes": []}, "data_classes"),
        ({"valid_until": today}, "valid_until"),
        ({"valid_until": today + dt.timedelta(days=800)}, "valid_until"),
    ]
    for change, field in cases:
        kwargs = {"corporate_number": business.corporate_number, "purpose": 6, "data_classes": [1],
                  "valid_until": today + dt.timedelta(days=10)} | change
        with pytest.raises(ApplicationError) as exc:
            services.disclosure_request_create(actor=staff, **kwargs)
        assert field in exc.value.errors, change
    assert not DisclosureRequest.objects.exists()
    with pytest.raises(PermissionDenied):
        make_request(staff=prime_user(business), business=business)


@override_settings(DISCLOSURE_MAX_REQUESTS_PER_COMPANY_PER_MONTH=2)
def test_cap_per_company_per_month_counts_unknown_numbers_the_same():
    staff = institution_staff()
    known = BusinessFactory()
    unknown_number = next_corporate_number()
    today = timezone.localdate()
    for number in (known.corporate_number, unknown_number):
        for _ in range(2):
            services.disclosure_request_create(actor=staff, corporate_number=number, purpose=6, data_classes=[1],
                                               valid_until=today + dt.timedelta(days=10))
        with pytest.raises(ApplicationError) as exc:
            services.disclosure_request_create(actor=staff, corporate_number=number, purpose=6, data_classes=[1],
                                               valid_until=today + dt.timedelta(days=10))
        assert "non_field_errors" in exc.value.errors
    # Another institution has its own count.
    make_request(staff=institution_staff(), business=known)


@override_settings(DISCLOSURE_MAX_PENDING_PER_INSTITUTION=2)
def test_cap_on_pending_requests_per_institution():
    staff = institution_staff()
    make_request(staff=staff, business=BusinessFactory())
    make_request(staff=staff, business=BusinessFactory())
    with pytest.raises(ApplicationError):
        make_request(staff=staff, business=BusinessFactory())
    assert DisclosureRequest.objects.filter(institution=staff.institution).count() == 2


def test_block_rejects_pending_revokes_approvals_and_hides_later_requests(mailoutbox):
    request, staff, prime, business = approved_request()
    pending = make_request(staff=staff, business=business, classes=(3,))
    services.institution_block(actor=prime, institution_id=staff.institution_id)
    request.refresh_from_db()
    pending.refresh_from_db()
    assert (request.status, pending.status) == (Status.REVOKED, Status.REJECTED)
    assert release(staff, business) is None
    count = OutboxMessage.objects.filter(recipient_user=prime).count()
    later = make_request(staff=staff, business=business)
    # Accepted like any other (the institution learns nothing), but never shown or mailed.
    assert later.status == Status.PENDING and later.hidden
    assert OutboxMessage.objects.filter(recipient_user=prime).count() == count
    from disclosure.selectors import business_request_list

    assert later not in business_request_list(viewer=prime)
    services.institution_unblock(actor=prime, institution_id=staff.institution_id)
    assert not InstitutionBlock.objects.exists()
    # Each its own kind of audit event, never a consent change with another data shape.
    kinds = list(AuditEvent.objects.filter(business_id=business.pk, institution_id=staff.institution_id)
                 .filter(kind__startswith="consent.").order_by("id").values_list("kind", "data"))
    assert kinds == [(AuditEvent.Kind.INSTITUTION_BLOCKED, {"institution_id": staff.institution_id}),
                     (AuditEvent.Kind.INSTITUTION_UNBLOCKED, {"institution_id": staff.institution_id})]


def test_request_from_the_anonymised_list_by_handle():
    staff = institution_staff()
    business = BusinessFactory(corp_type=2, corporate_number=None, gbizid_management_number="9000000000077")
    handle = make_handle(business_id=business.pk, institution_id=staff.institution_id)
    request = services.disclosure_request_create(actor=staff, handle=handle, purpose=6, data_classes=[1],
                                                 valid_until=timezone.localdate() + dt.timedelta(days=5))
    assert request.business == business and request.via == "list" and request.corporate_number == ""
    # A handle is bound to the institution that listed it.
    with pytest.raises(ApplicationError):
        services.disclosure_request_create(actor=institution_staff(InstitutionFactory()), handle=handle, purpose=6,
                                           data_classes=[1], valid_until=timezone.localdate() + dt.timedelta(days=5))


def test_beat_schedule_names_the_registered_expiry_task():
    import disclosure.tasks  # noqa: F401
    from disclosure.schedule import BEAT_SCHEDULE
    from mirasapo.celery import app

    assert BEAT_SCHEDULE["disclosure-expire-requests"]["task"] in app.tasks
    assert app.conf.beat_schedule["disclosure-expire-requests"]["task"] == "disclosure.tasks.expire_disclosure_requests"


def test_application_data_by_class_without_snapshot_or_unconsented_procedures():
    from applications.models import Application

    request, staff, _prime, business = approved_request(classes=(1, 8, 10), approve=(8, 10))
    Application.objects.create(business=business, program="jizokuka_general", fiscal_year=2024, status="adopted",
                               receipt_number="R-1", plan_title="新商品の販路開拓", snapshot={"business": {"name": business.name}})
    Application.objects.create(business=business, program="keiei_kakushin", fiscal_year=2024, status="certified",
                               receipt_number="R-2", plan_title="経営革新計画(同意なし)", data_use_consent=False)
    data = release(staff, business).data_classes
    assert [a["plan_title"] for a in data["8"]["application"]] == ["新商品の販路開拓"]
    assert "snapshot" not in data["8"]["application"][0]
    assert data["10"]["application"][0]["program"] == "jizokuka_general"
    assert "review_score" not in str(data)  # class 9 is never for institutions
    assert "1" not in data
