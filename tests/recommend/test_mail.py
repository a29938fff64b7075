from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from applications.models import Application, SubsidyRound
from notifications.models import MailPreference, OutboxMessage
from recommend.mail import (
    build_weekly_digest,
    send_deadline_reminders,
    send_program_alerts,
    send_saved_search_alerts,
)
from recommend.models import SavedSearch
from tests.factories import BusinessFactory, member_user, prime_user
from tests.programs.factories import SupportProgramFactory

from .factories import deny, favourite

pytestmark = pytest.mark.django_db


def test_weekly_digest_one_per_user_idempotent_and_consent_bound(django_capture_on_commit_callbacks):
    SupportProgramFactory(name="全国の新しい制度", published_at=timezone.now() - dt.timedelta(days=1))
    SupportProgramFactory(name="宮城県の制度", prefectures=["04"], published_at=timezone.now() - dt.timedelta(days=2))
    tokyo = prime_user(BusinessFactory(prefecture="13"))
    miyagi = member_user(BusinessFactory(prefecture="04"))
    refusing = prime_user(BusinessFactory())
    deny(refusing.business, data_class=1, recipients=(1,), purpose=5)
    opted_out = prime_user(BusinessFactory())
    MailPreference.objects.create(user=opted_out, digest=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert build_weekly_digest() == 2
    digests = {m.recipient_user_id: m for m in OutboxMessage.objects.filter(category="digest")}
    assert set(digests) == {tokyo.pk, miyagi.pk}
    assert [p["name"] for p in digests[tokyo.pk].context["programs"]] == ["全国の新しい制度"]
    assert {p["name"] for p in digests[miyagi.pk].context["programs"]} == {"全国の新しい制度", "宮城県の制度"}
    assert len(mail.outbox) == 2 and all("週刊ダイジェスト" in m.subject for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert build_weekly_digest() == 0
    assert OutboxMessage.objects.filter(category="digest").count() == 2 and len(mail.outbox) == 2


def test_deadline_reminders_seven_days_and_one_day_before(django_capture_on_commit_callbacks):
    today = timezone.localdate()
    business = BusinessFactory()
    user = prime_user(business)
    in_7 = SupportProgramFactory(name="7日後締切", opens_on=today - dt.timedelta(days=5), deadline=today + dt.timedelta(days=7))
    in_1 = SupportProgramFactory(name="明日締切", opens_on=today - dt.timedelta(days=5), deadline=today + dt.timedelta(days=1))
    in_3 = SupportProgramFactory(name="3日後締切", opens_on=today - dt.timedelta(days=5), deadline=today + dt.timedelta(days=3))
    for program in (in_7, in_1, in_3):
        favourite(business, program)
    deadline = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=7), dt.time(17, 0)))
    round_ = SubsidyRound.objects.create(program="jizokuka_general", number=99, fiscal_year=2026, opens_on=today,
                                         deadline=deadline, reference_date=today)
    Application.objects.create(business=business, program="jizokuka_general", fiscal_year=2026, subsidy_round=round_,
                               status=Application.Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_deadline_reminders(today=today) == 3
        assert send_deadline_reminders(today=today) == 3  # the same keys: nothing new
    keys = set(OutboxMessage.objects.filter(recipient_user=user).values_list("idempotency_key", flat=True))
    assert keys == {f"deadline:program:{in_7.pk}:{user.pk}:7", f"deadline:program:{in_1.pk}:{user.pk}:1",
                    next(k for k in keys if k.startswith("deadline:draft:"))}
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 3
    assert any("明日締切" in s and "あと1日" in s for s in subjects)


def test_saved_search_alerts_only_new_matches_once(django_capture_on_commit_callbacks):
    user = member_user(BusinessFactory())
    now = timezone.now()
    search = SavedSearch.objects.create(user=user, name="設備", params={"q": "設備"}, alerted_until=now - dt.timedelta(days=1))
    SupportProgramFactory(name="古い設備補助", summary="設備", published_at=now - dt.timedelta(days=3))
    SupportProgramFactory(name="新しい設備補助", summary="設備の導入", published_at=now - dt.timedelta(hours=2))
    SupportProgramFactory(name="新しい販路支援", summary="展示会", published_at=now - dt.timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_saved_search_alerts(now=now) == 1
        assert send_saved_search_alerts(now=now + dt.timedelta(hours=1)) == 0
    message = OutboxMessage.objects.get(category="saved_search")
    assert [p["name"] for p in message.context["programs"]] == ["新しい設備補助"]
    search.refresh_from_db()
    assert search.alerted_until == now + dt.timedelta(hours=1)
    assert "設備" in mail.outbox[0].subject


def test_program_alerts_match_the_business(django_capture_on_commit_callbacks):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    at = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(10, 0)))
    SupportProgramFactory(name="昨日の宮城の制度", prefectures=["04"], published_at=at)
    miyagi = prime_user(BusinessFactory(prefecture="04"))
    tokyo = prime_user(BusinessFactory(prefecture="13"))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_program_alerts(day=yesterday) == 1
        assert send_program_alerts(day=yesterday) == 0  # the same key: nothing new
    assert OutboxMessage.objects.filter(category="program_alert").count() == 1
    assert OutboxMessage.objects.get(category="program_alert").recipient_user == miyagi
    assert not OutboxMessage.objects.filter(recipient_user=tokyo).exists()
