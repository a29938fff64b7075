"""Researchers: registration, the EBPM pledge, the agency's decision with an expiry,
withdrawal; the status written through accounts.services; only then extracts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from accounts.models import ResearcherProfile, User, researcher_is_approved
from analytics.models import ResearchPledge
from analytics.services import pledge_decide, pledge_submit, pledge_withdraw
from core.errors import ApplicationError
from core.models import AuditEvent
from notifications.models import OutboxMessage
from tests.factories import (
    UserFactory,
    agency_staff,
    institution_staff,
    mfa_login,
    prime_user,
    researcher,
)

pytestmark = pytest.mark.django_db
PLEDGE = {
    "affiliation": "みらさぽ大学", "research_purpose": "持続化補助金の効果検証", "research_record": "論文3本",
    "information_management": "学内の施錠された端末のみ", "accepted_terms": "on",
}


def _unapproved_researcher() -> User:
    user = researcher(approved=False)
    profile = user.researcher_profile
    profile.pledge_status = ResearcherProfile.PledgeStatus.NONE
    profile.save()
    return user


def test_register_then_submit_then_approve_then_extract(client, django_capture_on_commit_callbacks):
    user = UserFactory(kind=User.Kind.BUSINESS)  # signed up, no business, no role yet
    mfa_login(client, user)
    response = client.post("/research/register/", {"affiliation": "みらさぽ大学 経済学研究科"})
    assert response.status_code == 302 and response["Location"] == "/research/pledge/"
    user.refresh_from_db()
    assert user.is_researcher and user.researcher_profile.affiliation == "みらさぽ大学 経済学研究科"
    assert client.get("/research/pledge/").status_code == 200
    response = client.post("/research/pledge/", PLEDGE)
    assert response.status_code == 302
    pledge = ResearchPledge.objects.get(researcher=user)
    assert pledge.status == "pending"
    user.researcher_profile.refresh_from_db()
    assert user.researcher_profile.pledge_status == "pending"
    assert client.get("/api/v1/research/extract").status_code == 403

    staff = agency_staff()
    until = dt.date.today() + dt.timedelta(days=365)
    with django_capture_on_commit_callbacks(execute=True):
        pledge_decide(actor=staff, pledge=pledge, decision="approve", approved_until=until, note="")
    sent = [m for m in mail.outbox if m.to == [user.email]]
    assert len(sent) == 1 and sent[0].subject == "EBPM誓約書が承認されました"
    assert until.isoformat() in sent[0].body
    user.researcher_profile.refresh_from_db()
    assert user.researcher_profile.pledge_status == "approved" and user.researcher_profile.approved_until == until
    assert researcher_is_approved(user)
    assert client.get("/api/v1/research/extract").status_code == 200
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PLEDGE_DECIDED).count() == 2  # pending, approved
    assert OutboxMessage.objects.filter(to_email=user.email, template="analytics_pledge_decided").count() == 1


def test_pledge_needs_every_item_and_the_terms(client):
    user = _unapproved_researcher()
    mfa_login(client, user)
    response = client.post("/research/pledge/", {**PLEDGE, "accepted_terms": "", "information_management": ""})
    assert response.status_code == 200
    assert not ResearchPledge.objects.exists()
    html = response.content.decode()
    assert "errorlist" in html


def test_decisions_and_transitions():
    user = _unapproved_researcher()
    staff = agency_staff()
    pledge = pledge_submit(actor=user, affiliation="大学", research_purpose="目的", research_record="実績",
                           information_management="体制", accepted_terms=True)
    with pytest.raises(ApplicationError):
        pledge_submit(actor=user, affiliation="大学", research_purpose="目的", research_record="実績",
                      information_management="体制", accepted_terms=True)  # one pending at a time
    with pytest.raises(ApplicationError) as exc:
        pledge_decide(actor=staff, pledge=pledge, decision="approve", approved_until=dt.date.today())
    assert "approved_until" in exc.value.errors
    with pytest.raises(ApplicationError):
        pledge_decide(actor=staff, pledge=pledge, decision="approve", approved_until=dt.date.today() + dt.timedelta(days=4 * 365))
    with pytest.raises(ApplicationError) as exc:
        pledge_decide(actor=staff, pledge=pledge, decision="reject", note="")
    assert "note" in exc.value.errors
    with pytest.raises(ApplicationError):
        pledge_decide(actor=user, pledge=pledge, decision="approve", approved_until=dt.date.today() + dt.timedelta(days=30))
    pledge = pledge_decide(actor=staff, pledge=pledge, decision="reject", note="情報管理体制が不十分です。")
    assert pledge.status == "rejected"
    user.researcher_profile.refresh_from_db()
    assert user.researcher_profile.pledge_status == "rejected"
    with pytest.raises(ApplicationError):
        pledge_decide(actor=staff, pledge=pledge, decision="approve", approved_until=dt.date.today() + dt.timedelta(days=30))
    # a new pledge after a rejection
    second = pledge_submit(actor=user, affiliation="大学", research_purpose="目的", research_record="実績",
                           information_management="改善した体制", accepted_terms=True)
    assert second.status == "pending"


def test_withdrawal_ends_access_at_once(client):
    user = _unapproved_researcher()
    staff = agency_staff()
    pledge = pledge_submit(actor=user, affiliation="大学", research_purpose="目的", research_record="実績",
                           information_management="体制", accepted_terms=True)
    pledge_decide(actor=staff, pledge=pledge, decision="approve", approved_until=dt.date.today() + dt.timedelta(days=30))
    mfa_login(client, user)
    assert client.get("/api/v1/research/extract").status_code == 200
    mfa_login(client, staff)
    response = client.post(f"/analytics/pledges/{pledge.pk}/", {"action": "withdraw", "note": "規約違反"})
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "withdrawn"
    mfa_login(client, user)
    assert client.get("/api/v1/research/extract").status_code == 403


def test_researcher_may_withdraw_own_pledge(client):
    user = _unapproved_researcher()
    pledge = pledge_submit(actor=user, affiliation="大学", research_purpose="目的", research_record="実績",
                           information_management="体制", accepted_terms=True)
    other = researcher()
    mfa_login(client, other)
    assert client.post(f"/research/pledge/{pledge.pk}/withdraw/").status_code == 404
    mfa_login(client, user)
    assert client.post(f"/research/pledge/{pledge.pk}/withdraw/").status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "withdrawn"
    with pytest.raises(ApplicationError):
        pledge_withdraw(actor=user, pledge=pledge)


def test_approval_expires():
    user = _unapproved_researcher()
    staff = agency_staff()
    pledge = pledge_submit(actor=user, affiliation="大学", research_purpose="目的", research_record="実績",
                           information_management="体制", accepted_terms=True)
    until = dt.date.today() + dt.timedelta(days=10)
    pledge_decide(actor=staff, pledge=pledge, decision="approve", approved_until=until)
    user.researcher_profile.refresh_from_db()
    assert researcher_is_approved(user)
    assert not researcher_is_approved(user, on=until + dt.timedelta(days=1))


def test_agency_pages(client, django_assert_max_num_queries):
    staff = agency_staff()
    for _ in range(3):
        u = _unapproved_researcher()
        pledge_submit(actor=u, affiliation="大学", research_purpose="目的", research_record="実績",
                      information_management="体制", accepted_terms=True)
    mfa_login(client, staff)
    with django_assert_max_num_queries(9):  # constant: the header's unread-notices count is one
        response = client.get("/analytics/pledges/")
    assert response.status_code == 200 and response.content.decode().count("/analytics/pledges/") >= 3
    pledge = ResearchPledge.objects.first()
    until = (dt.date.today() + dt.timedelta(days=200)).isoformat()
    response = client.post(f"/analytics/pledges/{pledge.pk}/", {"action": "decide", "decision": "approve", "approved_until": until})
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "approved" and pledge.decided_by == staff
    response = client.post(f"/analytics/pledges/{ResearchPledge.objects.filter(status='pending').first().pk}/",
                           {"action": "decide", "decision": "approve", "approved_until": ""})
    assert response.status_code == 200 and "errorlist" in response.content.decode()


@pytest.mark.parametrize("who", ["researcher", "institution", "business"])
def test_review_pages_only_for_agency(client, who):
    user = {"researcher": researcher, "institution": institution_staff, "business": prime_user}[who]()
    mfa_login(client, user)
    assert client.get("/analytics/pledges/").status_code == 403
    assert client.get("/analytics/extracts/").status_code == 403


def test_business_and_institution_cannot_register_as_researcher(client):
    mfa_login(client, prime_user())
    assert client.get("/research/register/").status_code == 403
    mfa_login(client, institution_staff())
    assert client.post("/research/register/", {"affiliation": "x"}).status_code == 403
