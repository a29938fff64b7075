"""Recommendations respect the company's age and town and explain themselves in words:
no 創業 program for a company founded in 1998, a municipal program only in its town, and
no raw match score on the owner's page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from recommend.engine import recommend
from tests.factories import BusinessFactory, member_user, mfa_login
from tests.programs.factories import SupportProgramFactory

from .factories import challenge

pytestmark = pytest.mark.django_db


def _ids(business):
    return {r.item.pk for r in recommend(business, limit=50)["program"]}


def test_startup_programs_only_for_young_businesses():
    this_year = timezone.localdate().year
    startup = SupportProgramFactory(name="創業支援補助金", themes=["innovation"], max_business_age=5)
    general = SupportProgramFactory(name="新商品開発支援補助金", themes=["innovation"])
    old = BusinessFactory(founded_year=1998)
    young = BusinessFactory(founded_year=this_year - 2)
    unknown = BusinessFactory(founded_year=None)
    for business in (old, young, unknown):
        challenge(business, "innovation")
    assert startup.pk not in _ids(old) and general.pk in _ids(old)
    assert startup.pk not in _ids(unknown)
    assert startup.pk in _ids(young)
    with translation.override("ja"):
        reasons = next(r for r in recommend(young)["program"] if r.item == startup).reasons
    assert f"創業{5}年以内の事業者が対象（貴社は{this_year - 2}年創業）" in reasons


def test_municipal_programs_only_in_their_town():
    town = SupportProgramFactory(name="大田区中小企業販路開拓補助金", themes=["sales"], prefectures=["13"], municipalities=["大田区"])
    ota = BusinessFactory(prefecture="13", municipality="大田区")
    shinjuku = BusinessFactory(prefecture="13", municipality="新宿区")
    osaka = BusinessFactory(prefecture="27", municipality="大阪市")
    for business in (ota, shinjuku, osaka):
        challenge(business, "sales")
    assert town.pk in _ids(ota)
    assert town.pk not in _ids(shinjuku) and town.pk not in _ids(osaka)
    with translation.override("ja"):
        reasons = next(r for r in recommend(ota)["program"] if r.item == town).reasons
    assert "大田区の事業者が対象" in reasons


def test_every_recommendation_says_why_in_words_and_no_score_is_shown(client):
    business = BusinessFactory(prefecture="04", industry_jsic="26", employees=12, founded_year=1998)
    challenge(business, "sales")
    SupportProgramFactory(name="販路開拓支援補助金", themes=["sales"])
    SupportProgramFactory(name="全国の経営相談", themes=[])
    mfa_login(client, member_user(business))
    html = client.get(reverse("recommend:recommendations")).content.decode()
    assert "販路開拓支援補助金" in html
    assert "適合度" not in html and not re.search(r"\b0\.\d{2}\b", html)
    assert "あなたの事業" in html or "参考になる" in html  # the match in words
    for rec in recommend(business)["program"]:
        assert rec.reasons
