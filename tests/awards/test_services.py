"""The post-adoption lifecycle through its services: amounts, rules of seed 003 (§10, §12,
§15), audit and status history, and every refusal leaving nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from awards import services
from awards.models import (
    Award,
    DueDate,
    ExpenseLine,
    PerformanceReport,
    PlanChange,
    ProfitReport,
)
from core.errors import ApplicationError
from core.models import AuditEvent, StatusChange
from notifications.models import Notice, OutboxMessage
from tests.awards.helpers import granted, line, lodging, receipt, reported
from tests.factories import prime_user

pytestmark = pytest.mark.django_db


def _messages(exc) -> str:
    return " ".join(m for ms in exc.value.errors.values() for m in ms)


def test_the_whole_lifecycle_from_grant_request_to_profit_payment(prime, staff, adopted):
    award = services.grant_request(actor=prime, application_id=adopted.pk, tax_mode="excluded")
    assert award.status == "requested"
    assert award.plan == {"advertising": 300_000, "travel": 60_000}
    assert award.requested_amount == 240_000  # 2/3 of 360,000, under the 500,000 cap

    today = timezone.localdate()
    award = services.grant_decide(actor=staff, application_id=adopted.pk, project_end=today + dt.timedelta(days=30),
                                  report_due=today + dt.timedelta(days=60))
    assert (award.status, award.granted_amount) == ("granted", 240_000)
    assert DueDate.objects.get(award=award, step="report").due_on == today + dt.timedelta(days=60)

    services.expense_line_add(actor=prime, application_id=adopted.pk, line=line(prime, document=receipt(prime, "a")))
    services.expense_line_add(actor=prime, application_id=adopted.pk, line=lodging(prime, document=receipt(prime, "b")))
    report = services.report_submit(actor=prime, application_id=adopted.pk, summary="実施しました。")
    assert report.total == 250_000 + 21_800
    assert DueDate.objects.get(award=award, step="report").done_at is not None

    advertising = ExpenseLine.objects.get(award=award, category="advertising")
    travel = ExpenseLine.objects.get(award=award, category="travel")
    award = services.confirm(actor=staff, application_id=adopted.pk, assessments={
        advertising.pk: (200_000, "見積外の追加印刷分は対象外"), travel.pk: (travel.amount, "")})
    # 2/3 of the accepted 221,800 (rounded down), under the granted 240,000.
    assert award.confirmed_amount == 147_866
    advertising.refresh_from_db()
    assert (advertising.accepted_amount, advertising.deduction, advertising.deduction_reason) == (
        200_000, 50_000, "見積外の追加印刷分は対象外")

    services.payment_claim(actor=prime, application_id=adopted.pk)
    award = services.payment_record(actor=staff, application_id=adopted.pk)
    assert (award.status, award.paid_amount) == ("paid", 147_866)
    years = sorted(DueDate.objects.filter(award=award, step="profit").values_list("fiscal_year", flat=True))
    assert len(years) == services.PROFIT_REPORT_YEARS

    # §15: the share of the profit the grant paid for, capped at the grant in total.
    first = services.profit_report_submit(actor=prime, application_id=adopted.pk, fiscal_year=years[0],
                                          revenue=500_000, costs=200_000)
    assert first.payment == 147_866  # 300,000 × 147,866 / 221,800 = 200,000 → capped at the grant
    second = services.profit_report_submit(actor=prime, application_id=adopted.pk, fiscal_year=years[1],
                                           revenue=900_000, costs=100_000)
    assert second.payment == 0  # the grant is paid back in full already
    assert sum(ProfitReport.objects.filter(award=award).values_list("payment", flat=True)) <= award.confirmed_amount

    statuses = list(StatusChange.objects.filter(model="awards.award", object_id=str(award.pk)).order_by("id")
                    .values_list("to_status", flat=True))
    assert statuses == ["granted", "reported", "confirmed", "claimed", "paid"]
    steps = list(AuditEvent.objects.filter(kind="award.step", object_id=str(award.pk)).order_by("id")
                 .values_list("data__step", flat=True))
    assert steps == ["grant_requested", "granted", "reported", "confirmed", "claimed", "paid", "profit_reported",
                     "profit_reported"]
    assert AuditEvent.objects.filter(kind="award.ledger", data__action="assessed").count() == 2
    # The applicant is told of each of the agency's steps by mail and by an お知らせ.
    assert set(Notice.objects.filter(user=prime).values_list("kind", flat=True)) == {
        "award_granted", "award_confirmed", "award_paid"}
    assert OutboxMessage.objects.filter(template="award_step", recipient_user=prime).count() == 3


def test_profit_payment_is_never_more_than_the_grant():
    assert services.profit_payment(profit=10**9, confirmed=100, accepted_total=150, paid_back=0) == 100
    assert services.profit_payment(profit=10**9, confirmed=100, accepted_total=150, paid_back=60) == 40
    assert services.profit_payment(profit=-5, confirmed=100, accepted_total=150, paid_back=0) == 0
    assert services.profit_payment(profit=30, confirmed=100, accepted_total=150, paid_back=0) == 20


def test_receipts_are_attached_so_the_agency_may_read_them(prime, staff, adopted):
    from documents.models import Attachment
    from documents.services import document_read

    granted(prime, staff, adopted)
    document = receipt(prime, "attach")
    services.expense_line_add(actor=prime, application_id=adopted.pk, line=line(prime, document=document))
    assert Attachment.objects.filter(application=adopted, document=document).exists()
    assert document_read(viewer=staff, document_id=document.pk, channel="web").pk == document.pk


def test_plan_change_approved_replaces_the_plan_and_never_raises_the_grant(prime, staff, adopted):
    granted(prime, staff, adopted)
    change = services.plan_change_request(actor=prime, application_id=adopted.pk, reason="展示会を追加",
                                          plan={"advertising": 200_000, "exhibition": 400_000})
    assert Award.objects.get(application=adopted).status == "change_requested"
    # While the change waits, the ledger does not move.
    with pytest.raises(ApplicationError):
        services.expense_line_add(actor=prime, application_id=adopted.pk, line=line(prime, document=receipt(prime, "w")))
    services.plan_change_decide(actor=staff, application_id=adopted.pk, approve=True)
    award = Award.objects.get(application=adopted)
    change.refresh_from_db()
    assert change.decision == "approved"
    assert award.plan == {"advertising": 200_000, "exhibition": 400_000}
    assert (award.status, award.granted_amount) == ("granted", 240_000)  # 2/3 of 600,000 = 400,000 → kept at 240,000


def test_plan_change_refused_needs_a_reason_and_keeps_the_plan(prime, staff, adopted):
    granted(prime, staff, adopted)
    services.plan_change_request(actor=prime, application_id=adopted.pk, reason="変更", plan={"advertising": 100_000})
    with pytest.raises(ApplicationError) as exc:
        services.plan_change_decide(actor=staff, application_id=adopted.pk, approve=False, note="")
    assert "理由" in _messages(exc)
    assert PlanChange.objects.get().decision == ""
    services.plan_change_decide(actor=staff, application_id=adopted.pk, approve=False, note="効果が不明確")
    award = Award.objects.get(application=adopted)
    assert (award.status, award.plan) == ("granted", {"advertising": 300_000, "travel": 60_000})


# --- bad input: a clear Japanese message and nothing written ---------------------------------------

def test_a_second_performance_report_is_refused(prime, staff, adopted):
    reported(prime, staff, adopted)
    before = (AuditEvent.objects.count(), StatusChange.objects.count())
    with pytest.raises(ApplicationError) as exc:
        services.report_submit(actor=prime, application_id=adopted.pk, summary="もう一度")
    assert "実績報告は既に提出されています" in _messages(exc)
    assert PerformanceReport.objects.count() == 1
    assert (AuditEvent.objects.count(), StatusChange.objects.count()) == before


def test_a_lodging_line_over_its_cap_is_refused(prime, staff, adopted):
    granted(prime, staff, adopted)
    document = receipt(prime, "hotel")
    with pytest.raises(ApplicationError) as exc:
        services.expense_line_add(actor=prime, application_id=adopted.pk,
                                  line=lodging(prime, document=document, per_night=11_000))
    assert "10,900" in _messages(exc) and "1泊" in _messages(exc)
    assert ExpenseLine.objects.count() == 0
    assert not AuditEvent.objects.filter(kind="award.ledger").exists()
    # Tax included (where allowed) the cap includes the tax; 乙地方 has its own lower cap.
    with pytest.raises(ApplicationError) as exc:
        services.expense_line_add(actor=prime, application_id=adopted.pk,
                                  line=lodging(prime, document=document, per_night=9_900, region="domestic_otsu"))
    assert "9,800" in _messages(exc)
    services.expense_line_add(actor=prime, application_id=adopted.pk,
                              line=lodging(prime, document=document, per_night=9_800, region="domestic_otsu"))
    assert ExpenseLine.objects.count() == 1


def test_a_lodging_line_is_per_night(prime, staff, adopted):
    granted(prime, staff, adopted)
    with pytest.raises(ApplicationError) as exc:
        services.expense_line_add(actor=prime, application_id=adopted.pk,
                                  line=lodging(prime, document=receipt(prime, "n"), amount=30_000))
    assert "泊数" in _messages(exc)
    assert ExpenseLine.objects.count() == 0


def test_a_daily_allowance_is_refused(prime, staff, adopted):
    granted(prime, staff, adopted)
    with pytest.raises(ApplicationError) as exc:
        services.expense_line_add(actor=prime, application_id=adopted.pk, line=line(
            prime, document=receipt(prime, "d"), category="travel", description="日当", amount=3_000, travel_item="per_diem"))
    assert "日当" in _messages(exc)
    assert ExpenseLine.objects.count() == 0


@pytest.mark.parametrize("step", ["report", "claim", "confirm", "pay", "grant_again"])
def test_a_transition_out_of_order_is_refused(prime, staff, adopted, step):
    granted(prime, staff, adopted)
    before = (AuditEvent.objects.count(), StatusChange.objects.count())
    with pytest.raises(ApplicationError) as exc:
        if step == "report":  # an empty ledger: refused by its own rule
            services.report_submit(actor=prime, application_id=adopted.pk, summary="x")
        elif step == "claim":
            services.payment_claim(actor=prime, application_id=adopted.pk)
        elif step == "confirm":
            services.confirm(actor=staff, application_id=adopted.pk, assessments={})
        elif step == "pay":
            services.payment_record(actor=staff, application_id=adopted.pk)
        else:
            services.grant_decide(actor=staff, application_id=adopted.pk, project_end=timezone.localdate(),
                                  report_due=timezone.localdate())
    text = _messages(exc)
    assert ("交付決定" in text and "再読み込み" in text) if step != "report" else "経費" in text
    assert Award.objects.get(application=adopted).status == "granted"
    assert (AuditEvent.objects.count(), StatusChange.objects.count()) == before


def test_another_business_s_document_as_a_receipt_is_refused(prime, staff, adopted):
    granted(prime, staff, adopted)
    stranger = prime_user()
    theirs = receipt(stranger, "theirs")
    with pytest.raises(ApplicationError) as exc:
        services.expense_line_add(actor=prime, application_id=adopted.pk, line=line(prime, document=theirs))
    assert "保管庫にありません" in _messages(exc)
    assert ExpenseLine.objects.count() == 0
    # …and another business's award is not there at all for them.
    with pytest.raises(Http404):
        services.expense_line_add(actor=stranger, application_id=adopted.pk, line=line(stranger, document=theirs))


def test_tax_included_only_where_section_12_allows(prime, staff, adopted):
    # A taxable business (課税事業者) books tax excluded.
    with pytest.raises(ApplicationError) as exc:
        services.grant_request(actor=prime, application_id=adopted.pk, tax_mode="included")
    assert "税抜" in _messages(exc)
    assert not Award.objects.exists()


@pytest.mark.parametrize(("joint", "allowed"), [("協同組合テスト", False), ("", True)])
def test_an_exempt_business_may_book_tax_included_unless_joint(prime, staff, vault, joint, allowed):
    from tests.applications.factories import SubsidyRoundFactory
    from tests.awards.helpers import adopted_application

    application = adopted_application(prime, staff, SubsidyRoundFactory(), consumption_tax_status="exempt",
                                      joint_applicants=joint)
    if allowed:
        assert services.grant_request(actor=prime, application_id=application.pk, tax_mode="included").tax_mode == "included"
    else:
        with pytest.raises(ApplicationError) as exc:
            services.grant_request(actor=prime, application_id=application.pk, tax_mode="included")
        assert "共同申請" in _messages(exc)
        assert not Award.objects.exists()


def test_a_line_outside_the_plan_and_a_ledger_over_the_plan_are_refused(prime, staff, adopted):
    granted(prime, staff, adopted)
    with pytest.raises(ApplicationError) as exc:
        services.expense_line_add(actor=prime, application_id=adopted.pk,
                                  line=line(prime, document=receipt(prime, "m"), category="machinery"))
    assert "計画にありません" in _messages(exc)
    services.expense_line_add(actor=prime, application_id=adopted.pk,
                              line=line(prime, document=receipt(prime, "big"), amount=350_000))
    with pytest.raises(ApplicationError) as exc:
        services.report_submit(actor=prime, application_id=adopted.pk, summary="実施")
    assert "350,000" in _messages(exc) and "300,000" in _messages(exc)
    assert not PerformanceReport.objects.exists()


def test_a_deduction_without_its_reason_is_refused(prime, staff, adopted):
    reported(prime, staff, adopted)
    first = ExpenseLine.objects.order_by("pk").first()
    with pytest.raises(ApplicationError) as exc:
        services.confirm(actor=staff, application_id=adopted.pk, assessments={first.pk: (first.amount - 1, "")})
    assert "減額" in _messages(exc)
    assert Award.objects.get(application=adopted).status == "reported"
    assert not ExpenseLine.objects.filter(accepted_amount__isnull=False).exists()


def test_a_second_profit_report_for_the_same_year_is_refused(prime, staff, adopted):
    reported(prime, staff, adopted)
    services.confirm(actor=staff, application_id=adopted.pk, assessments={})
    services.payment_claim(actor=prime, application_id=adopted.pk)
    services.payment_record(actor=staff, application_id=adopted.pk)
    year = DueDate.objects.filter(step="profit").order_by("fiscal_year").first().fiscal_year
    services.profit_report_submit(actor=prime, application_id=adopted.pk, fiscal_year=year, revenue=0, costs=0)
    with pytest.raises(ApplicationError) as exc:
        services.profit_report_submit(actor=prime, application_id=adopted.pk, fiscal_year=year, revenue=1, costs=0)
    assert "既に提出" in _messages(exc)
    assert ProfitReport.objects.count() == 1


def test_only_evidence_documents_serve_as_receipts(prime, staff, adopted):
    from tests.documents.factories import uploaded_document

    granted(prime, staff, adopted)
    statements = uploaded_document(prime, tag="statements", document_type="financial_statements")  # class 6
    with pytest.raises(ApplicationError) as exc:
        services.expense_line_add(actor=prime, application_id=adopted.pk, line=line(prime, document=statements))
    assert "領収書" in _messages(exc)
    assert ExpenseLine.objects.count() == 0
