from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from consent import access
from consent.access import ConsentContext, current_policy_version, decide
from consent.models import DataClass, PolicyVersion, Purpose, Recipient
from tests.factories import BusinessFactory

from .factories import ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_table_cache():
    access.policy_cache_clear()
    yield
    access.policy_cache_clear()


def test_version_one_carries_the_seed_texts():
    policy = PolicyVersion.objects.get(version="1.0")
    assert "誓約書" in policy.text and policy.effective_from == dt.date(2022, 4, 1)
    financials = DataClass.objects.get(policy=policy, code=6)
    assert "貸借対照表" in financials.definition_ja and "ローカルベンチマーク" in financials.examples_ja
    assert all(c.definition_ja and c.examples_ja for c in DataClass.objects.filter(policy=policy))
    assert all(p.plain_ja and p.plain_en for p in Purpose.objects.filter(policy=policy))
    notes = {r.code: r.note_ja for r in Recipient.objects.filter(policy=policy)}
    assert "(※1)" in notes[3] and "(※5)" in notes[4] and "(※3)" in notes[5] and "(※4)" in notes[6] and "(※6)" in notes[8]


def _new_version_file(tmp_path, *, drop_class_from_purpose: int = 6):
    spec = json.loads((ROOT / "consent" / "data" / "policy-v1.json").read_text(encoding="utf-8"))
    for purpose in spec["purposes"]:
        if purpose["code"] == 2:
            purpose["data_classes"].remove(drop_class_from_purpose)
    path = tmp_path / "policy-v2.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    return path


def test_install_policy_adds_a_version_without_code_and_decisions_record_it(tmp_path):
    business = BusinessFactory()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    call_command("install_policy", str(_new_version_file(tmp_path)), "--version", "2.0", "--effective-from", tomorrow.isoformat())
    assert PolicyVersion.objects.filter(version="1.0").exists()  # kept, not overwritten
    assert current_policy_version().version == "1.0"  # not yet in force
    today_decision = decide(business_id=business.pk, purpose=2, data_class=6, recipient=2)
    assert today_decision.allowed and today_decision.policy_version == "1.0"
    tomorrow_context = ConsentContext([business.pk], on=tomorrow)
    later = tomorrow_context.decide(business.pk, purpose=2, data_class=6, recipient=2)
    assert not later.allowed and later.policy_version == "2.0"
    assert DataClass.objects.filter(policy__version="2.0").count() == 13


def test_install_policy_refuses_an_existing_version_and_a_bad_file(tmp_path):
    path = _new_version_file(tmp_path)
    with pytest.raises(CommandError, match="already installed"):
        call_command("install_policy", str(path), "--version", "1.0", "--effective-from", "2030-01-01")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"data_classes": [{"code": 1, "slug": "x", "ja": "x"}], "recipients": [{"code": 1, "slug": "r", "ja": "r"}],
                               "purposes": [{"code": 1, "slug": "p", "ja": "p", "data_classes": [2], "recipients": [1]}]}))
    with pytest.raises(CommandError, match="unknown classes"):
        call_command("install_policy", str(bad), "--version", "3.0", "--effective-from", "2030-01-01")
    with pytest.raises(CommandError, match="date"):
        call_command("install_policy", str(path), "--version", "3.0", "--effective-from", "tomorrow")
    assert not PolicyVersion.objects.filter(version="3.0").exists()
