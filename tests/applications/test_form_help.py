"""Issue 15: the application form helps — choices on the start page hold for an open
draft, a submitted round's start shows the application, limits are shown and enforced,
"save and go to submission" checks what submission needs beside each field, and the error
summary links to every field in error."""

from __future__ import annotations

import re

import pytest

from applications.forms import TEXT_AREA_MAX, TITLE_MAX
from applications.models import Application
from tests.factories import BusinessFactory, mfa_login, prime_user

from .helpers import start_draft, submitted
from .test_views import JA, form_data

pytestmark = pytest.mark.django_db


def test_choices_on_the_start_page_hold_for_a_draft_already_open(client, prime, open_round):
    mfa_login(client, prime)
    client.post("/applications/new/jizokuka_general/", {"subsidy_round": open_round.pk, "class_1": "on", "class_5": "on"})
    application = Application.objects.get()
    assert application.content.get("contact_name")  # class 5 (担当者) taken
    # The applicant starts again, now declining 担当者: the open draft follows the new choice.
    response = client.post("/applications/new/jizokuka_general/", {"subsidy_round": open_round.pk, "class_1": "on"})
    assert response.status_code == 302 and response["Location"] == f"/applications/{application.pk}/edit/"
    application.refresh_from_db()
    assert not application.content.get("contact_name")
    assert "contact_name" not in application.prefill and 5 in application.declined_classes
    assert application.content.get("company_name") == prime.business.name  # class 1 kept


def test_a_value_typed_by_the_applicant_survives_a_declined_class(client, prime, open_round):
    application = start_draft(prime, subsidy_round=open_round)
    content = {**application.content, "contact_name": "自分で入力 太郎"}
    Application.objects.filter(pk=application.pk).update(content=content)
    mfa_login(client, prime)
    client.post("/applications/new/jizokuka_general/", {"subsidy_round": open_round.pk, "class_1": "on"})
    application.refresh_from_db()
    assert application.content["contact_name"] == "自分で入力 太郎"


def test_starting_a_submitted_round_again_shows_the_application_with_a_message(client, prime, open_round):
    application = submitted(prime, open_round)
    mfa_login(client, prime)
    response = client.post("/applications/new/jizokuka_general/", {"subsidy_round": open_round.pk, "class_1": "on"}, **JA)
    assert response.status_code == 302 and response["Location"] == f"/applications/{application.pk}/"
    page = client.get(response["Location"], **JA)
    assert page.status_code == 200 and "すでに申請を提出しています" in page.content.decode()


def test_the_edit_page_of_a_submitted_application_shows_it_with_a_message(client, prime, open_round):
    """The browser's Back or a bookmark to /edit/ after submission: the application as sent, not a 404;
    nothing posted there is saved. Another business's application stays a 404."""
    application = submitted(prime, open_round)
    mfa_login(client, prime)
    response = client.get(f"/applications/{application.pk}/edit/", **JA)
    assert response.status_code == 302 and response["Location"] == f"/applications/{application.pk}/"
    page = client.get(response["Location"], **JA)
    assert page.status_code == 200 and "提出済みのため編集できません" in page.content.decode()
    title = application.content.get("plan_title")
    assert client.post(f"/applications/{application.pk}/edit/", {"plan_title": "書き換え"}).status_code == 302
    application.refresh_from_db()
    assert application.content.get("plan_title") == title
    other = prime_user(BusinessFactory())
    mfa_login(client, other)
    assert client.get(f"/applications/{application.pk}/edit/").status_code == 404


def test_limits_are_shown_and_enforced(client, prime, open_round):
    application = start_draft(prime, subsidy_round=open_round)
    mfa_login(client, prime)
    html = client.get(f"/applications/{application.pk}/edit/", **JA).content.decode()
    assert f'maxlength="{TITLE_MAX}"' in html and f'maxlength="{TEXT_AREA_MAX}"' in html
    assert "※必須" in html and 'data-counter="id_plan_title_counter"' in html
    before = dict(application.content)
    response = client.post(f"/applications/{application.pk}/edit/",
                           form_data(application, plan_title="題" * 5000, sales_plan="あ" * 120_000), **JA)
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.content == before
    # Each error is next to its field and listed in the summary, linked to the field.
    html = response.content.decode()
    assert 'href="#id_plan_title"' in html and 'href="#id_sales_plan"' in html
    assert re.search(r'id="id_plan_title_errors"', html) and 'aria-invalid="true"' in html


def test_save_and_go_to_submission_checks_what_submission_needs(client, prime, open_round):
    application = start_draft(prime, subsidy_round=open_round)
    mfa_login(client, prime)
    response = client.post(f"/applications/{application.pk}/edit/",
                           form_data(application, company_name="", plan_title="", to_submit="1"), **JA)
    assert response.status_code == 200  # not sent on to the submit page
    html = response.content.decode()
    assert 'href="#id_company_name"' in html and 'href="#id_plan_title"' in html
    assert "下書きを保存しました" in html
    application.refresh_from_db()
    assert application.status == "draft" and application.content.get("company_name") == ""  # the draft was kept
    # Complete, but the 様式4 of the area's 商工会 is not issued yet: told beside the form.
    response = client.post(f"/applications/{application.pk}/edit/", form_data(application, company_name="株式会社テスト", to_submit="1"), **JA)
    assert response.status_code == 200 and "様式4（事業支援計画書）が交付されていません" in response.content.decode()
    from tests.supportplans.helpers import issued

    issued(prime, application)
    response = client.post(f"/applications/{application.pk}/edit/", form_data(application, company_name="株式会社テスト", to_submit="1"))
    assert response.status_code == 302 and response["Location"] == f"/applications/{application.pk}/submit/"
