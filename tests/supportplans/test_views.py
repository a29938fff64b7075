"""The 様式4 pages: the applicant asks (approving the disclosure) and replies, the advisor
reads the draft through the approval, comments and issues; wrong callers get 403/404;
the lists keep their query count."""

from __future__ import annotations

import pytest

from disclosure.models import DisclosureRequest
from supportplans.models import SupportPlanComment, SupportPlanRequest
from tests.applications.factories import business_with_record
from tests.applications.helpers import start_draft
from tests.factories import institution_staff, mfa_login, prime_user

from .helpers import FORM4, requested

pytestmark = pytest.mark.django_db
JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}


def test_the_applicant_asks_from_the_draft_and_approves_in_the_same_step(client, prime, draft, shokokai):
    mfa_login(client, prime)
    page = client.get(f"/applications/{draft.pk}/", **JA).content.decode()
    assert "様式4を依頼する" in page
    page = client.get(f"/applications/{draft.pk}/form4/", **JA).content.decode()
    assert "千代田商工会" in page and "承認して依頼を送る" in page
    post = {"institution": shokokai.pk, "data_classes": ["1", "3", "6", "7", "8", "11"], "valid_until": "2099-01-01",
            "message": "よろしくお願いします。"}
    refused = client.post(f"/applications/{draft.pk}/form4/", post, **JA)  # not approved
    assert refused.status_code == 200 and "開示を承認してください" in refused.content.decode()
    assert not SupportPlanRequest.objects.exists() and not DisclosureRequest.objects.exists()
    too_long = client.post(f"/applications/{draft.pk}/form4/", {**post, "approve": "on"}, **JA)
    assert too_long.status_code == 200 and not DisclosureRequest.objects.exists()  # beyond the longest approval
    from supportplans.services import default_valid_until

    done = client.post(f"/applications/{draft.pk}/form4/", {**post, "approve": "on", "valid_until": default_valid_until().isoformat()})
    request = SupportPlanRequest.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/form4/{request.pk}/"
    assert request.disclosure_request.status == "approved"


def test_another_business_application_or_request_is_404(client, prime, draft, shokokai):
    request = requested(prime, draft, institution=shokokai)
    stranger = prime_user(business_with_record())
    mfa_login(client, stranger)
    assert client.get(f"/applications/{draft.pk}/form4/").status_code == 404
    assert client.post(f"/applications/{draft.pk}/form4/", {"institution": shokokai.pk, "approve": "on"}).status_code == 404
    assert client.get(f"/form4/{request.pk}/").status_code == 404
    assert client.post(f"/form4/{request.pk}/", {"body": "横から"}).status_code == 404
    assert client.post(f"/form4/{request.pk}/withdraw/", {"confirm": "yes"}).status_code == 404
    assert SupportPlanComment.objects.count() == 0
    assert SupportPlanRequest.objects.get(pk=request.pk).status == "requested"
    # Roles: an advisor on the applicant's pages and an applicant on the advisor's: 403.
    client.logout()
    mfa_login(client, institution_staff(shokokai))
    assert client.get(f"/form4/{request.pk}/").status_code == 403
    client.logout()
    mfa_login(client, prime)
    assert client.get(f"/institution/form4/{request.pk}/").status_code == 403


def test_advisor_and_applicant_pages_through_issue(client, prime, draft, shokokai, advisor, django_assert_max_num_queries):
    request = requested(prime, draft, institution=shokokai, classes=[1, 8, 11])
    mfa_login(client, advisor)
    with django_assert_max_num_queries(25):
        queue = client.get("/institution/form4/", **JA)
    assert f"/institution/form4/{request.pk}/" in queue.content.decode()
    page = client.get(f"/institution/form4/{request.pk}/", **JA).content.decode()
    assert draft.content["plan_title"] in page and draft.business.name in page
    assert "担当 花子" not in page  # contact person (class 5) is never part of purpose 6
    client.post(f"/institution/form4/{request.pk}/", {"action": "take_up"})
    client.post(f"/institution/form4/{request.pk}/", {"action": "comment", "body": "数値目標を追記してください。"})
    comment = SupportPlanComment.objects.get()
    client.logout()
    mfa_login(client, prime)
    page = client.get(f"/form4/{request.pk}/", **JA).content.decode()
    assert "数値目標を追記してください。" in page and "支援機関からコメントあり" in page
    client.post(f"/form4/{request.pk}/", {"body": "追記しました。", "parent": comment.pk})
    assert SupportPlanComment.objects.filter(parent=comment, author=prime).exists()
    client.logout()
    mfa_login(client, advisor)
    unconfirmed = client.post(f"/institution/form4/{request.pk}/", {"action": "issue", **FORM4}, **JA)
    assert unconfirmed.status_code == 200 and "交付することを確認" in unconfirmed.content.decode()
    issued = client.post(f"/institution/form4/{request.pk}/", {"action": "issue", "confirm_issue": "yes", **FORM4})
    assert issued.status_code == 302
    request.refresh_from_db()
    assert request.status == "issued"
    # The applicant opens the issued PDF from the vault.
    client.logout()
    mfa_login(client, prime)
    pdf = client.get(f"/documents/{request.document_id}/file/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_withdrawal_has_a_confirmation_step(client, prime, draft, shokokai):
    request = requested(prime, draft, institution=shokokai)
    mfa_login(client, prime)
    confirm = client.get(f"/form4/{request.pk}/withdraw/", **JA)
    assert confirm.status_code == 200 and "取り下げますか" in confirm.content.decode()
    assert SupportPlanRequest.objects.get(pk=request.pk).status == "requested"
    client.post(f"/form4/{request.pk}/withdraw/", {"confirm": "yes"})
    assert SupportPlanRequest.objects.get(pk=request.pk).status == "withdrawn"


def test_applicant_history_keeps_its_query_count_with_form4(client, prime, open_round, django_assert_max_num_queries):
    application = start_draft(prime, subsidy_round=open_round)
    mfa_login(client, prime)
    with django_assert_max_num_queries(40):
        assert client.get(f"/applications/{application.pk}/form4/").status_code == 200


def test_the_advisor_declines_from_the_page_and_the_draft_is_closed_to_it(client, prime, draft, shokokai, advisor):
    request = requested(prime, draft, institution=shokokai)
    mfa_login(client, advisor)
    response = client.post(f"/institution/form4/{request.pk}/", {"action": "decline", "decline_reason": "地区外の事業者のため"})
    assert response.status_code == 302 and response["Location"] == "/institution/form4/"
    request.refresh_from_db()
    assert request.status == "declined"
    assert DisclosureRequest.objects.get(pk=request.disclosure_request_id).status == "revoked"
    assert client.get(f"/institution/form4/{request.pk}/").status_code == 404
