"""Business sign-up: one transaction for the user and the business; bad input creates nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, User
from companies.models import Business
from notifications.models import OutboxMessage
from tests.factories import (
    PASSWORD,
    BusinessFactory,
    UserFactory,
    next_corporate_number,
)

pytestmark = pytest.mark.django_db

JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}


def _post(client, **overrides):
    data = {
        "email": "new-owner@example.jp", "password1": PASSWORD, "password2": PASSWORD,
        "corp_type": "1", "corporate_number": next_corporate_number(), "name": "株式会社みらい工房",
        "prefecture": "13", "representative_name": "未来 太郎",
    }
    data.update(overrides)
    return client.post(reverse("account_signup"), data, **JA)


def _nothing_created():
    assert not User.objects.filter(email="new-owner@example.jp").exists()
    assert not Membership.objects.exists()


def test_signup_page_renders_the_business_fields_in_japanese(client):
    response = client.get(reverse("account_signup"), **JA)
    body = response.content.decode()
    assert response.status_code == 200
    assert "事業者の登録" in body and "法人番号" in body and "都道府県" in body
    assert 'data-corporate-number="1"' in body and "js/signup.js" in body


def test_signup_creates_an_entry_account_for_a_corporation(client):
    number = next_corporate_number()
    response = _post(client, corporate_number=number)
    assert response.status_code == 302
    user = User.objects.get(email="new-owner@example.jp")
    assert user.membership.account_type == Membership.AccountType.ENTRY
    assert user.business.corporate_number == number
    assert user.business.representative_name == "未来 太郎"
    verification = OutboxMessage.objects.get(to_email="new-owner@example.jp", template="rendered")
    assert "/accounts/confirm-email/" in verification.context["body"]


def test_verification_mail_is_delivered_through_the_outbox(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client).status_code == 302
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["new-owner@example.jp"] and "/accounts/confirm-email/" in sent.body
    assert "&amp;" not in sent.body and "&#x27;" not in sent.body  # not HTML-escaped twice
    assert OutboxMessage.objects.get(to_email="new-owner@example.jp").status == OutboxMessage.Status.SENT


def test_signup_of_a_sole_proprietor_needs_no_corporate_number(client):
    response = _post(client, corp_type="2", corporate_number="")
    assert response.status_code == 302
    business = User.objects.get(email="new-owner@example.jp").business
    assert business.corp_type == Business.CorpType.SOLE_PROPRIETOR and business.corporate_number is None


def test_full_width_digits_and_hyphens_are_accepted(client):
    number = next_corporate_number()
    typed = number[:4] + "-" + number[4:].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert _post(client, corporate_number=typed).status_code == 302
    assert Business.objects.filter(corporate_number=number).exists()


def test_wrong_check_digit_is_refused_in_japanese_and_creates_nothing(client):
    number = next_corporate_number()
    wrong = str((int(number[0]) % 9) + 1) + number[1:]
    response = _post(client, corporate_number=wrong)
    assert response.status_code == 200
    assert "法人番号のチェックデジットが正しくありません" in response.content.decode()
    _nothing_created()


def test_duplicate_business_is_refused_and_creates_nothing(client):
    existing = BusinessFactory()
    response = _post(client, corporate_number=existing.corporate_number)
    assert "この法人番号の事業者はすでに登録されています" in response.content.decode()
    _nothing_created()
    assert Business.objects.filter(corporate_number=existing.corporate_number).count() == 1


def test_weak_password_is_refused_and_creates_nothing(client):
    response = _post(client, password1="password", password2="password")
    body = response.content.decode()
    assert response.status_code == 200
    assert "このパスワードは一般的すぎます" in body
    _nothing_created()
    assert not Business.objects.filter(name="株式会社みらい工房").exists()


def test_missing_corporate_number_for_a_corporation_is_refused(client):
    response = _post(client, corporate_number="")
    assert "法人番号を入力してください" in response.content.decode()
    _nothing_created()


def test_business_write_failing_rolls_back_the_user(client, monkeypatch):
    """A race (the number registered between the form check and the write) must not leave
    a user without a business: business_register refuses, the whole sign-up rolls back."""
    from accounts import forms

    number = next_corporate_number()
    monkeypatch.setattr(forms, "corporate_number_taken", lambda n: False)
    BusinessFactory(corporate_number=number)
    response = _post(client, corporate_number=number)
    assert response.status_code == 200
    assert "この法人番号の事業者はすでに登録されています" in response.content.decode()
    _nothing_created()


def test_unknown_email_at_sign_in_gets_a_clear_japanese_message(client):
    UserFactory(email="known@example.jp")
    response = client.post(reverse("account_login"), {"login": "nobody@example.jp", "password": PASSWORD}, **JA)
    assert response.status_code == 200
    assert "メールアドレスもしくはパスワードが正しくありません" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failed_sign_ins_are_throttled(client):
    UserFactory(email="target@example.jp")
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": "target@example.jp", "password": "wrong-password-1"}, **JA)
    response = client.post(reverse("account_login"), {"login": "target@example.jp", "password": PASSWORD}, **JA)
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_signup_with_an_e_mail_in_use_creates_no_business(client):
    """allauth does not reveal that the address is taken (it mails its owner instead);
    no second business may appear either."""
    UserFactory(email="new-owner@example.jp")
    response = _post(client)
    assert response.status_code == 302
    assert User.objects.filter(email="new-owner@example.jp").count() == 1
    assert not Membership.objects.exists() and not Business.objects.filter(name="株式会社みらい工房").exists()


def test_every_signup_field_has_a_label_and_its_help_is_announced(client):
    import re

    body = client.get(reverse("account_signup"), **JA).content.decode()
    ids = set(re.findall(r'<(?:input|select)[^>]*\bid="(id_[a-z0-9_]+)"', body))
    labelled = set(re.findall(r'<label for="(id_[a-z0-9_]+)"', body))
    assert ids and ids <= labelled, ids - labelled
    for described in re.findall(r'aria-describedby="([^"]+)"', body):
        for target in described.split():  # a list of ids: support text, errors, counter
            assert f'id="{target}"' in body, target
