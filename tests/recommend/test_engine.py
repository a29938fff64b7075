from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from recommend.engine import recommend
from tests.factories import BusinessFactory
from tests.programs.factories import CaseStudyFactory, SupportProgramFactory

from .factories import business_with_financials, challenge, deny, favourite

pytestmark = pytest.mark.django_db


def _ids(result, kind="program"):
    return [r.item.pk for r in result[kind]]


def test_ineligible_programs_are_not_recommended():
    today = timezone.localdate()
    business = BusinessFactory(prefecture="04", industry_jsic="26", employees=12)
    challenge(business, "productivity")
    ok = SupportProgramFactory(themes=["productivity"])
    other_region = SupportProgramFactory(themes=["productivity"], prefectures=["13"])
    too_big = SupportProgramFactory(themes=["productivity"], max_employees=5)
    too_small = SupportProgramFactory(themes=["productivity"], min_employees=50)
    closed = SupportProgramFactory(themes=["productivity"], opens_on=today - dt.timedelta(days=40), deadline=today - dt.timedelta(days=1))
    other_industry = SupportProgramFactory(themes=["productivity"], industries=["76"])
    own_region = SupportProgramFactory(themes=["productivity"], prefectures=["04"], industries=["26"], max_employees=20)
    ids = _ids(recommend(business, limit=20))
    assert ok.pk in ids and own_region.pk in ids
    for excluded in (other_region, too_big, too_small, closed, other_industry):
        assert excluded.pk not in ids


def test_reasons_are_translated_sentences():
    business = BusinessFactory(prefecture="04", industry_jsic="26", employees=12)
    challenge(business, "sales", "新しい販路を開拓したい。展示会に出たい。")
    program = SupportProgramFactory(themes=["sales"], prefectures=["04"], industries=["26"], max_employees=20, tags=["展示会"])
    case = CaseStudyFactory(industry_jsic="26", prefecture="04", size_band="small", themes=["sales"])
    with translation.override("ja"):
        result = recommend(business)
    reasons = result["program"][0].reasons
    assert result["program"][0].item == program
    assert "課題「販路開拓」に対応" in reasons
    assert "業種が対象（生産用機械器具製造業）" in reasons
    assert "宮城県の事業者が対象" in reasons
    assert "従業員規模が対象" in reasons
    assert "課題の記述にある「展示会」に一致" in reasons
    case_reasons = result["case_study"][0].reasons
    assert result["case_study"][0].item == case
    assert "同じ業種の事例" in case_reasons and "従業員規模が近い事例" in case_reasons
    with translation.override("en"):
        english = recommend(business)["program"][0].reasons
    assert "Targets your industry (生産用機械器具製造業)" in english


def test_collaborative_part_uses_similar_businesses():
    business = BusinessFactory(prefecture="04", industry_jsic="26")
    popular_nearby = CaseStudyFactory(title="近隣の同業者が保存した事例", industry_jsic="09", prefecture="40")
    for _ in range(3):
        peer = BusinessFactory(prefecture="04", industry_jsic="26")
        favourite(peer, popular_nearby)
    with translation.override("ja"):
        result = recommend(business)
    top = result["case_study"][0]
    assert top.item == popular_nearby
    assert top.reasons[0] == "同じ業種・地域の事業者が利用"
    assert top.collaborative > 0


def test_a_single_similar_business_is_not_enough_to_show():
    business = BusinessFactory(prefecture="04", industry_jsic="26")
    lonely = CaseStudyFactory(industry_jsic="09", prefecture="40")
    favourite(BusinessFactory(prefecture="04", industry_jsic="26"), lonely)
    result = recommend(business)["case_study"]
    assert all(r.collaborative == 0 for r in result if r.item == lonely)
    favourite(BusinessFactory(prefecture="04", industry_jsic="26"), lonely)
    assert any(r.collaborative > 0 for r in recommend(business)["case_study"] if r.item == lonely)


def test_denied_class_6_gives_no_finance_based_items():
    finance_program = SupportProgramFactory(name="財務改善の制度", themes=["finance"])
    allowed = business_with_financials(weak_equity=True, industry_jsic="26")
    denied = business_with_financials(weak_equity=True, industry_jsic="26")
    deny(denied, data_class=6, recipients=(1, 2, 3), purpose=5)
    with translation.override("ja"):
        with_finance = recommend(allowed)
        without = recommend(denied)
    finance_items = [r for r in with_finance["program"] if r.finance_based]
    assert finance_items and finance_items[0].item == finance_program
    assert any("経営診断" in reason for reason in finance_items[0].reasons)
    assert not any(r.finance_based for kind in without.values() for r in kind)
    assert not any("経営診断" in reason for kind in without.values() for r in kind for reason in r.reasons)


def test_denied_class_1_leaves_only_programs_open_to_everyone():
    business = BusinessFactory(prefecture="04", industry_jsic="26", employees=3)
    deny(business, data_class=1, recipients=(2,), purpose=None)
    open_to_all = SupportProgramFactory(name="誰でも")
    regional = SupportProgramFactory(name="宮城県限定", prefectures=["04"])
    case = CaseStudyFactory(industry_jsic="26", prefecture="04")
    result = recommend(business)
    assert regional.pk not in _ids(result)
    assert not any("業種" in reason or "地域" in reason for r in result["case_study"] for reason in r.reasons)
    assert open_to_all.pk not in _ids(result) or all(r.score > 0 for r in result["program"])
    assert case.pk not in _ids(result, "case_study")


def test_saved_items_are_not_recommended_again():
    business = BusinessFactory()
    challenge(business, "sales")
    program = SupportProgramFactory(themes=["sales"])
    assert program.pk in _ids(recommend(business))
    favourite(business, program)
    assert program.pk not in _ids(recommend(business))


@pytest.mark.parametrize(("jsic", "employees", "listed"), [
    ("58", 5, True), ("58", 6, False), ("58", 50, False),  # 小売: the commerce limit of 5
    ("75", 20, True), ("75", 21, False),  # 宿泊業
    ("24", 20, True), ("24", 21, False),  # 製造業
])
def test_seed_003_s1_s2_jizokuka_only_for_small_businesses(jsic, employees, listed):
    """The small-business limit of applications.rules excludes the 持続化補助金 (programs whose
    application_program is jizokuka_general) even where the catalogue row has no size limit."""
    business = BusinessFactory(prefecture="13", industry_jsic=jsic, employees=employees)
    challenge(business, "sales")
    jizokuka = SupportProgramFactory(themes=["sales"], application_program="jizokuka_general")
    other = SupportProgramFactory(themes=["sales"])
    ids = _ids(recommend(business, limit=20))
    assert other.pk in ids
    assert (jizokuka.pk in ids) is listed
