from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404

from applications import services
from applications.models import Application, ApplicationEvent
from applications.prefill import PREFILL_FIELDS
from companies.models import FinancialYear, RecordChange
from consent.models import Narrowing
from core.errors import ApplicationError
from core.models import AuditEvent
from notifications.models import OutboxMessage
from tests.factories import agency_staff, business_user, prime_user

from .factories import SubsidyRoundFactory, business_with_record
from .helpers import complete_draft, start_draft, submitted

pytestmark = pytest.mark.django_db


def test_prefill_takes_every_record_item_with_source_and_date(prime, open_round, business):
    application = start_draft(prime, subsidy_round=open_round)
    c = application.content
    assert c["company_name"] == business.name
    assert c["contact_email"] == "tanto@example.jp"
    assert c["fy_year"] == 2024 and c["fy_sales"] == 60_000_000  # the latest fiscal year
    assert c["plan_strengths"] == "熟練の技術。"
    assert c["joint_applicants"].startswith("協同組合テスト")
    info = application.prefill["company_name"]
    assert info["class"] == 1 and info["source"] == "business" and info["recorded_at"]
    # Succession (class 4) is outside purpose 4 of the policy: never pre-filled, never offered.
    assert not any(v["class"] == 4 for v in application.prefill.values())


def test_declined_classes_leave_their_fields_empty(prime, open_round):
    application = start_draft(prime, subsidy_round=open_round, accepted={1, 5})
    assert "company_name" in application.content and "contact_name" in application.content
    assert "fy_sales" not in application.content and "plan_overview" not in application.content
    assert {3, 6, 7} <= set(application.declined_classes)


def test_a_business_narrowing_of_once_only_stops_prefill(prime, open_round, business):
    Narrowing.objects.create(business=business, data_class=6, recipient=2, purpose=4)
    application = start_draft(prime, subsidy_round=open_round)
    assert "fy_sales" not in application.content
    assert "company_name" in application.content


def test_second_application_needs_no_typing_of_what_the_record_holds(prime, business):
    """Count the record fields an applicant must type on a second application: none."""
    first_round, second_round = SubsidyRoundFactory(), SubsidyRoundFactory()
    first = start_draft(prime, subsidy_round=first_round)
    # The first application filled a field the record lacked (the kana name) and wrote it back.
    business.name_kana = ""
    business.save(update_fields=["name_kana"])
    first = start_draft(prime, subsidy_round=first_round)
    content = {**first.content, "company_name_kana": "テストショウジ"}
    services.application_save_draft(actor=prime, application_id=first.pk, content=content, writeback=["company_name_kana"])
    second = services.application_start(actor=prime, program="jizokuka_general", subsidy_round=second_round,
                                        accepted_classes=set(range(1, 14)))
    record_fields = [f.name for f in PREFILL_FIELDS if f.part != "procedures"]
    to_type = [name for name in record_fields if second.content.get(name) in (None, "")]
    assert to_type == []


def test_write_back_only_when_asked_and_recorded_in_history(prime, open_round, business):
    application = start_draft(prime, subsidy_round=open_round)
    content = {**application.content, "phone": "03-9999-0000", "fy_sales": 61_000_000}
    services.application_save_draft(actor=prime, application_id=application.pk, content=content)
    business.refresh_from_db()
    assert business.phone == "03-0000-0000"  # not asked: the record is unchanged
    services.application_save_draft(actor=prime, application_id=application.pk, content=content, writeback=["phone", "fy_sales"])
    business.refresh_from_db()
    assert business.phone == "03-9999-0000"
    assert FinancialYear.objects.get(business=business, fiscal_year=2024).sales == 61_000_000
    change = RecordChange.objects.get(business=business, field="phone")
    assert (change.before, change.after, change.source) == ("03-0000-0000", "03-9999-0000", "application")
    application.refresh_from_db()
    assert application.prefill["phone"]["source"] == "application"
    assert "phone" in application.confirmed_fields  # an edit is a confirmation


def test_member_without_record_rights_cannot_write_back(member, open_round, business):
    application = start_draft(member, subsidy_round=open_round)
    content = {**application.content, "phone": "03-9999-0000"}
    with pytest.raises(ApplicationError):
        services.application_save_draft(actor=member, application_id=application.pk, content=content, writeback=["phone"])
    business.refresh_from_db()
    application.refresh_from_db()
    assert business.phone == "03-0000-0000" and application.content["phone"] == "03-0000-0000"


def test_submit_gives_receipt_snapshot_mail_audit(prime, open_round):
    application = submitted(prime, open_round)
    assert application.status == "submitted"
    assert application.receipt_number == f"JZ2026-{application.pk:07d}"
    assert application.snapshot["content"]["plan_title"] == "新商品のネット販売による販路開拓"
    assert application.snapshot["pledge"] is True
    assert application.requested_amount == 240_000  # 2/3 of 360,000
    assert OutboxMessage.objects.filter(idempotency_key=f"application:{application.pk}:status:submitted").count() == 1
    assert AuditEvent.objects.filter(kind="application.submitted", object_id=str(application.pk)).count() == 1


def test_missing_pledge_refused_and_nothing_changes(prime, open_round):
    application = complete_draft(prime, start_draft(prime, subsidy_round=open_round))
    with pytest.raises(ApplicationError) as exc:
        services.application_submit(actor=prime, application_id=application.pk, pledge=False)
    assert "pledge" in exc.value.errors
    application.refresh_from_db()
    assert (application.status, application.receipt_number, application.snapshot) == ("draft", None, None)
    # (The 様式4's own mails, of supportplans, were sent before; none about the application.)
    assert not OutboxMessage.objects.filter(template="application_status").exists() and not ApplicationEvent.objects.exists()


def test_efficiency_part_alone_is_not_enough(prime, open_round):
    application = complete_draft(prime, start_draft(prime, subsidy_round=open_round), sales_plan="", efficiency_plan="POSレジ導入")
    with pytest.raises(ApplicationError) as exc:
        services.application_submit(actor=prime, application_id=application.pk, pledge=True)
    assert "sales_plan" in exc.value.errors


def test_revenue_question_must_be_answered(prime, open_round):
    application = complete_draft(prime, start_draft(prime, subsidy_round=open_round), revenue_expected="yes")
    with pytest.raises(ApplicationError) as exc:
        services.application_submit(actor=prime, application_id=application.pk, pledge=True)
    assert "revenue_description" in exc.value.errors


def test_unconfirmed_prefill_is_refused(prime, open_round):
    application = start_draft(prime, subsidy_round=open_round)
    from .helpers import COMPLETE_JIZOKUKA

    services.application_save_draft(actor=prime, application_id=application.pk, content=dict(COMPLETE_JIZOKUKA))
    with pytest.raises(ApplicationError) as exc:
        services.application_submit(actor=prime, application_id=application.pk, pledge=True)
    assert "confirm_all" in exc.value.errors


def test_submission_after_the_deadline_is_refused(prime):
    round_ = SubsidyRoundFactory()
    application = complete_draft(prime, start_draft(prime, subsidy_round=round_))
    round_.deadline = round_.deadline.replace(year=2020)
    round_.save()
    with pytest.raises(ApplicationError):
        services.application_submit(actor=prime, application_id=application.pk, pledge=True)
    application.refresh_from_db()
    assert application.status == "draft"


def test_starting_in_a_closed_round_is_refused(prime):
    with pytest.raises(ApplicationError):
        start_draft(prime, subsidy_round=SubsidyRoundFactory(closed=True))


def test_only_prime_submits_member_drafts(member, prime, open_round):
    application = complete_draft(member, start_draft(member, subsidy_round=open_round))
    with pytest.raises(PermissionDenied):
        services.application_submit(actor=member, application_id=application.pk, pledge=True)
    from tests.supportplans.helpers import issued

    issued(prime, application)  # the 様式4 is asked for by the Prime holder
    assert services.application_submit(actor=prime, application_id=application.pk, pledge=True).status == "submitted"


def test_member_without_draft_right_and_entry_and_other_business_are_404(business, open_round, prime):
    from tests.factories import member_user

    application = start_draft(prime, subsidy_round=open_round)
    no_draft = member_user(business, can_draft_applications=False)
    entry = business_user(business=business, account_type="entry")
    stranger = prime_user(business_with_record())
    for user in (no_draft, entry):
        with pytest.raises(Http404):
            start_draft(user, subsidy_round=open_round)
    for user in (no_draft, entry, stranger):
        with pytest.raises(Http404):
            services.application_save_draft(actor=user, application_id=application.pk, content={"plan_title": "x"})
    with pytest.raises(Http404):
        services.application_submit(actor=stranger, application_id=application.pk, pledge=True)


def test_one_application_per_round(prime, open_round):
    assert start_draft(prime, subsidy_round=open_round).pk == start_draft(prime, subsidy_round=open_round).pk


def test_life_cycle_and_allowed_transitions(prime, open_round):
    staff = agency_staff()
    application = submitted(prime, open_round)
    with pytest.raises(ApplicationError):  # not under review yet
        services.application_review_decide(actor=staff, application_id=application.pk, score=Decimal("70"), result="adopted")
    services.application_review_start(actor=staff, application_id=application.pk)
    application = services.application_review_decide(actor=staff, application_id=application.pk, score=Decimal("81.5"), result="adopted")
    assert (application.status, application.review_score, application.granted_amount) == ("adopted", Decimal("81.5"), 240_000)
    with pytest.raises(ApplicationError):  # a subsidy is never "certified"
        services.procedure_certify(actor=staff, application_id=application.pk, certified_on=dt.date(2026, 1, 1))
    application = services.application_complete(actor=prime, application_id=application.pk, report="チラシを配布し新規顧客20件。")
    assert application.status == "completed"
    keys = set(OutboxMessage.objects.filter(template="application_status").values_list("idempotency_key", flat=True))
    assert keys == {f"application:{application.pk}:status:{s}" for s in ("submitted", "under_review", "adopted", "completed")}
    with pytest.raises(Http404):  # only agency staff review
        services.application_review_start(actor=prime, application_id=application.pk)


def test_procedure_consent_unticked_by_default_and_certified(prime):
    application = start_draft(prime, program="keieiryoku_kojo")
    assert application.is_procedure and application.data_use_consent is False
    content = {**application.content, "plan_title": "生産性向上計画", "plan_content": "設備導入で生産性を向上する。"}
    services.application_save_draft(actor=prime, application_id=application.pk, content=content, confirm_all=True)
    application = services.application_submit(actor=prime, application_id=application.pk, pledge=False)
    assert application.receipt_number.startswith("KK") and application.data_use_consent is False
    certified = services.procedure_certify(actor=agency_staff(), application_id=application.pk, certified_on=dt.date(2026, 2, 1))
    assert certified.status == "certified"
    # Without the checklist opt-in the procedure serves the applicant's own records only
    # (seed 003 §17): the certification date does not pre-fill a later subsidy application.
    later = start_draft(prime, subsidy_round=SubsidyRoundFactory())
    assert "keieiryoku_certified_on" not in later.content
    assert "keieiryoku_certified_on" not in later.prefill


def test_an_opted_in_certified_procedure_pre_fills_the_bonus_date(prime):
    application = start_draft(prime, program="keieiryoku_kojo")
    content = {**application.content, "plan_title": "生産性向上計画", "plan_content": "設備導入で生産性を向上する。",
               "data_use_consent": True}
    services.application_save_draft(actor=prime, application_id=application.pk, content=content, confirm_all=True)
    services.application_submit(actor=prime, application_id=application.pk, pledge=False)
    services.procedure_certify(actor=agency_staff(), application_id=application.pk, certified_on=dt.date(2026, 2, 1))
    later = start_draft(prime, subsidy_round=SubsidyRoundFactory())
    assert later.content["keieiryoku_certified_on"] == "2026-02-01"
    assert later.prefill["keieiryoku_certified_on"]["object_id"] == application.pk


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_submissions_give_one(open_round):
    business = business_with_record()
    prime = prime_user(business)
    application = complete_draft(prime, start_draft(prime, subsidy_round=open_round))
    barrier = threading.Barrier(2)
    results: list = []

    def submit():
        try:
            barrier.wait()
            services.application_submit(actor=prime, application_id=application.pk, pledge=True)
            results.append("ok")
        except ApplicationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    assert ApplicationEvent.objects.filter(application=application, to_status="submitted").count() == 1
    assert OutboxMessage.objects.filter(idempotency_key__startswith=f"application:{application.pk}:").count() == 1
    assert Application.objects.filter(business=business).count() == 1


def test_the_snapshot_is_immutable_in_the_database(prime, open_round):
    from django.db import DatabaseError, transaction

    application = submitted(prime, open_round)
    with pytest.raises(DatabaseError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(content={"plan_title": "改ざん"})
    with pytest.raises(DatabaseError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(snapshot={})
    Application.objects.filter(pk=application.pk).update(status="under_review")  # status still moves on


def test_each_step_mails_the_applicant_in_japanese(prime, open_round, django_capture_on_commit_callbacks, mailoutbox):
    application = complete_draft(prime, start_draft(prime, subsidy_round=open_round))  # with its 様式4 (and its mails)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(actor=prime, application_id=application.pk, pledge=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_review_start(actor=agency_staff(), application_id=application.pk)
    subjects = [m.subject for m in mailoutbox]
    assert subjects == [f"申請を受け付けました {application.receipt_number}", f"申請の審査を開始しました {application.receipt_number}"]
    assert mailoutbox[0].to == [prime.email]
    assert f"/applications/{application.pk}/" in mailoutbox[0].body
