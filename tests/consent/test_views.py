from __future__ import annotations

import hashlib
import io
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from consent import services
from consent.selectors import canonical_json, narrowings_digest, narrowings_of
from core.models import AuditEvent
from tests.factories import agency_staff, institution_staff, member_user, mfa_login

from .factories import business_with_prime

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    mfa_login(client, user)
    return client


def _cell(html: str, key: str) -> str:
    match = re.search(rf'data-cell="{key}" data-state="([a-z_]+)"', html)
    assert match, key
    return match.group(1)


def test_prime_holder_sees_the_editable_grid_with_every_state(django_assert_max_num_queries):
    business, owner = business_with_prime()
    services.consent_deny(actor=owner, business=business, data_class=6, recipient=5)
    services.consent_deny(actor=owner, business=business, data_class=11, recipient=5, purpose=6)
    client = _client(owner)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("consent:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert _cell(html, "6-5") == "denied" and _cell(html, "11-5") == "partly"
    assert _cell(html, "9-5") == "excluded" and _cell(html, "1-2") == "allowed"
    assert 'name="allow" value="1-2"' in html and 'value="1-7"' not in html
    for text in ("財務情報", "支援機関", "確定申告書等に記載されている情報", "政策の効果", "ワンスオンリー", "申請者本人"):
        assert text in html
    purpose_view = client.get(reverse("consent:index"), {"purpose": 6}).content.decode()
    assert _cell(purpose_view, "11-5") == "denied" and _cell(purpose_view, "6-5") == "denied_all"
    assert _cell(purpose_view, "1-2") == "excluded"


def test_htmx_request_returns_only_the_grid():
    business, owner = business_with_prime()
    response = _client(owner).get(reverse("consent:index"), {"purpose": 9}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="consent-grid">') and "<html" not in html
    assert _cell(html, "1-8") == "allowed" and _cell(html, "6-8") == "excluded"


def test_member_sees_it_read_only_and_cannot_post():
    business, owner = business_with_prime()
    member = member_user(business)
    client = _client(member)
    html = client.get(reverse("consent:index")).content.decode()
    assert 'name="allow"' not in html and "consent-readonly" in html
    response = client.post(reverse("consent:confirm"), {"step": "apply", "denied": json.dumps([{"data_class": 6, "recipient": 5}]),
                                                         "digest": narrowings_digest(set())})
    assert response.status_code == 403
    assert narrowings_of(business) == set()


@pytest.mark.parametrize("who", ["institution", "agency"])
def test_non_business_users_are_refused(who):
    user = institution_staff() if who == "institution" else agency_staff()
    client = _client(user)
    assert client.get(reverse("consent:index")).status_code == 403
    assert client.get(reverse("consent:history")).status_code == 403
    assert client.get(reverse("consent:receipt_json")).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    for name in ("consent:index", "consent:history", "consent:receipt_pdf"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_change_goes_through_a_confirm_step_that_lists_the_changes():
    business, owner = business_with_prime()
    client = _client(owner)
    html = client.get(reverse("consent:index"), {"purpose": 6}).content.decode()
    ticked = re.findall(r'name="allow" value="([0-9]+-[0-9]+)" checked', html)
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', html).group(1)
    allow = [key for key in ticked if key != "6-5"]
    preview = client.post(reverse("consent:confirm"), {"purpose": "6", "digest": digest, "allow": allow})
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "財務情報" in text and "支援機関" in text and 'name="step" value="apply"' in text
    assert narrowings_of(business) == set()  # nothing happens before the confirmation
    denied_json = re.search(r'name="denied" value="([^"]*)"', text).group(1).replace("&quot;", '"')
    done = client.post(reverse("consent:confirm"), {"step": "apply", "denied": denied_json, "digest": digest})
    assert done.status_code == 302
    assert narrowings_of(business) == {(6, 5, 6)}
    history = client.get(reverse("consent:history")).content.decode()
    assert "財務情報" in history and owner.email in history and "1.0" in history


def test_confirm_with_a_stale_digest_changes_nothing():
    business, owner = business_with_prime()
    client = _client(owner)
    old = narrowings_digest(set())
    services.consent_deny(actor=owner, business=business, data_class=1, recipient=8)
    response = client.post(reverse("consent:confirm"), {"step": "apply", "digest": old, "denied": "[]"})
    assert response.status_code == 302
    assert narrowings_of(business) == {(1, 8, None)}


def test_history_lists_changes_and_answers_as_of_a_date(django_assert_max_num_queries):
    business, owner = business_with_prime()
    for recipient in (1, 2, 3, 5):
        services.consent_deny(actor=owner, business=business, data_class=6, recipient=recipient)
    services.consent_deny(actor=owner, business=business, data_class=1, recipient=8)
    client = _client(member_user(business))
    with django_assert_max_num_queries(14):  # constant: not one query per change
        response = client.get(reverse("consent:history"))
    assert response.content.decode().count("<tr>") == 6  # header + 5 changes
    from django.utils import timezone

    html = client.get(reverse("consent:history"), {"on": timezone.localdate().isoformat()}).content.decode()
    assert "consent-asof-result" in html and html.count("× ") >= 5


def test_receipt_json_and_pdf(tmp_path):
    business, owner = business_with_prime()
    services.consent_deny(actor=owner, business=business, data_class=6, recipient=5)
    client = _client(owner)
    response = client.get(reverse("consent:receipt_json"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    body = json.loads(response.content)
    assert hashlib.sha256(canonical_json(body["receipt"])).hexdigest() == body["sha256"]
    pdf = client.get(reverse("consent:receipt_pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    text = re.sub(r"\s", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages))
    for label in ("財務情報", "支援機関", "申請者の識別・属性情報", business.name, "1.0"):
        assert label in text, label
    digest = AuditEvent.objects.filter(kind=AuditEvent.Kind.CONSENT_RECEIPT, business_id=business.pk).order_by("-id").first().data["sha256"]
    assert digest in text
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.CONSENT_RECEIPT, business_id=business.pk).count() == 2


def test_denying_a_partly_denied_pair_for_every_purpose_absorbs_the_per_purpose_denial():
    business, owner = business_with_prime()
    services.consent_deny(actor=owner, business=business, data_class=11, recipient=5, purpose=6)
    client = _client(owner)
    html = client.get(reverse("consent:index")).content.decode()
    ticked = re.findall(r'name="allow" value="([0-9]+-[0-9]+)" checked', html)
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', html).group(1)
    preview = client.post(reverse("consent:confirm"), {"purpose": "", "digest": digest, "allow": [k for k in ticked if k != "11-5"]})
    text = preview.content.decode()
    assert "consent-changes-denied" in text and "consent-changes-allowed" not in text
    denied_json = re.search(r'name="denied" value="([^"]*)"', text).group(1).replace("&quot;", '"')
    assert json.loads(denied_json) == [{"data_class": 11, "recipient": 5, "purpose": None}]
    client.post(reverse("consent:confirm"), {"step": "apply", "denied": denied_json, "digest": digest})
    assert narrowings_of(business) == {(11, 5, None)}


def test_pages_in_english():
    business, owner = business_with_prime()
    services.consent_deny(actor=owner, business=business, data_class=6, recipient=5)
    client = _client(owner)
    html = client.get(reverse("consent:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Financials" in html and "× Denied by you" in html and "Evidence-based policy making" in html
    assert "so that your next application can reuse" in html.lower()
    history = client.get(reverse("consent:history"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Financials to Support institutions (※3), for every purpose" in history


def test_the_confirm_page_says_what_each_denial_stops():
    business, owner = business_with_prime()
    client = _client(owner)
    html = client.get(reverse("consent:index")).content.decode()
    ticked = re.findall(r'name="allow" value="([0-9]+-[0-9]+)" checked', html)
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', html).group(1)
    # Deny 財務情報 (6) to 中小企業庁 (2) for every purpose.
    preview = client.post(reverse("consent:confirm"), {"purpose": "", "digest": digest, "allow": [k for k in ticked if k != "6-2"]})
    text = preview.content.decode()
    stops = text.split("consent-consequences", 1)[1].split("</ul>", 1)[0]
    assert "申請書への自動入力" in stops and "財務情報" in stops
    assert "政策効果の検証" in stops  # EBPM leaves the business out
    assert narrowings_of(business) == set()
