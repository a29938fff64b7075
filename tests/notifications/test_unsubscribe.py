from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from notifications.links import unsubscribe_token
from notifications.models import MailPreference, OutboxMessage
from tests.factories import BusinessFactory, UserFactory, member_user, mfa_login

pytestmark = pytest.mark.django_db


def test_get_asks_and_post_unsubscribes_without_signing_in(client):
    user = UserFactory()
    pending = OutboxMessage.objects.create(idempotency_key="p", recipient_user=user, to_email=user.email, template="weekly_digest",
                                           category="digest", context={})
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id=user.pk, category="digest")])
    page = client.get(url)
    assert page.status_code == 200 and "週刊ダイジェスト" in page.content.decode()
    assert not MailPreference.objects.filter(user=user).exists()  # a link scanner's GET changes nothing
    done = client.post(url)
    assert done.status_code == 200 and "今後、週刊ダイジェストは送信されません。" in done.content.decode()
    preference = MailPreference.objects.get(user=user)
    assert preference.digest is False and preference.deadline is True
    pending.refresh_from_db()
    assert pending.status == OutboxMessage.Status.CANCELLED


def test_rfc8058_one_click_post_needs_no_csrf_token():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id=user.pk, category="deadline")])
    response = client.post(url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert MailPreference.objects.get(user=user).deadline is False


def test_a_token_for_all_optional_mail():
    user = UserFactory()
    Client().post(reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id=user.pk, category="")]))
    preference = MailPreference.objects.get(user=user)
    assert not any([preference.program_alert, preference.saved_search, preference.deadline, preference.digest])


def test_a_forged_token_is_refused_and_changes_nothing(client):
    user = UserFactory()
    token = unsubscribe_token(user_id=user.pk, category="digest")
    other = UserFactory()
    forged = token.replace(token.split(":")[0], unsubscribe_token(user_id=other.pk, category="digest").split(":")[0])
    for bad in (forged, token[:-2] + "xx", "nonsense"):
        response = client.post(reverse("notifications:unsubscribe", args=[bad]))
        assert response.status_code == 400
    assert not MailPreference.objects.exists()


def test_preferences_page(client):
    user = member_user(BusinessFactory())
    mfa_login(client, user)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200 and "週刊ダイジェスト" in page.content.decode()
    client.post(reverse("notifications:preferences"), {"program_alert": "on", "deadline": "on"})
    preference = MailPreference.objects.get(user=user)
    assert (preference.program_alert, preference.saved_search, preference.deadline, preference.digest) == (True, False, True, False)
    client.logout()
    assert client.get(reverse("notifications:preferences")).status_code == 302


def test_a_token_of_a_deleted_account_is_refused(client):
    user = UserFactory()
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id=user.pk, category="digest")])
    user.delete()
    assert client.post(url).status_code == 400
