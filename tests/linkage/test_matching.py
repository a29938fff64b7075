"""The matching rules, case by case, against the real index (pg_trgm)."""

import pytest

from linkage.matching import (
    AUTO_LINK_THRESHOLD,
    REVIEW_THRESHOLD,
    decide,
    match_key,
    match_many,
    score,
)
from linkage.models import MatchIndex
from linkage.services import match_index_refresh
from tests.factories import BusinessFactory

from .factories import sole_proprietor

pytestmark = pytest.mark.django_db


def match(**record):
    match_index_refresh()
    return match_many([match_key(**record)])[0]


@pytest.fixture
def tanaka_kamata():
    return BusinessFactory(name="株式会社田中精機", prefecture="13", municipality="大田区", address="東京都大田区蒲田五丁目1番1号")


def test_index_holds_normalised_names_and_refreshes_changes(tanaka_kamata):
    assert match_index_refresh() >= 1
    row = MatchIndex.objects.get(business=tanaka_kamata)
    assert (row.name_norm, row.legal_form, row.municipality_norm, row.town_norm, row.block) == ("田中精機", "kk", "大田区", "蒲田", "5-1-1")
    assert match_index_refresh() == 0  # nothing stale
    tanaka_kamata.name = "田中精機株式会社 本社"
    tanaka_kamata.save()
    assert match_index_refresh() == 1
    assert MatchIndex.objects.get(business=tanaka_kamata).name_norm == "田中精機本社"


@pytest.mark.parametrize("name", ["(株)田中精機", "田中精機㈱", "田中精機 株式会社", "田中　精機", "田中精機"])
def test_variants_of_name_and_address_link(tanaka_kamata, name):
    decision = match(name=name, prefecture="東京都", municipality="大田区", address="蒲田5-1-1")
    assert (decision.status, decision.business_id) == ("link", tanaka_kamata.pk)
    assert decision.score >= AUTO_LINK_THRESHOLD


def test_a_typo_with_the_full_address_still_finds_the_business(tanaka_kamata):
    decision = match(name="田中製機", prefecture="13", municipality="大田区", address="蒲田五丁目1-1")
    assert decision.business_id == tanaka_kamata.pk and decision.status in ("link", "review")


def test_name_only_in_the_right_town_waits_for_review(tanaka_kamata):
    decision = match(name="田中精機", prefecture="13", municipality="大田区")
    assert decision.status == "review"
    assert decision.candidates[0][0] == tanaka_kamata.pk


def test_same_name_in_two_towns_links_the_right_one_and_never_the_other(tanaka_kamata):
    other = BusinessFactory(name="株式会社田中精機", prefecture="13", municipality="八王子市", address="東京都八王子市元本郷町1-2-3")
    in_hachioji = match(name="田中精機", prefecture="13", municipality="八王子市", address="元本郷町一丁目2番3号")
    assert (in_hachioji.status, in_hachioji.business_id) == ("link", other.pk)
    in_kamata = match(name="田中精機", prefecture="13", municipality="大田区", address="蒲田5-1-1")
    assert (in_kamata.status, in_kamata.business_id) == ("link", tanaka_kamata.pk)


def test_same_name_without_a_town_is_never_linked(tanaka_kamata):
    BusinessFactory(name="株式会社田中精機", prefecture="13", municipality="八王子市", address="東京都八王子市元本郷町1-2-3")
    decision = match(name="田中精機", prefecture="13")
    assert decision.status == "review"
    assert len(decision.candidates) == 2


def test_same_name_in_a_third_town_is_not_linked(tanaka_kamata):
    BusinessFactory(name="株式会社田中精機", prefecture="13", municipality="八王子市", address="東京都八王子市元本郷町1-2-3")
    decision = match(name="田中精機", prefecture="13", municipality="町田市", address="原町田4-1-1")
    assert decision.status == "none"


def test_another_prefecture_is_never_a_candidate(tanaka_kamata):
    decision = match(name="田中精機", prefecture="27", municipality="大田区", address="蒲田5-1-1")
    assert decision.status == "none" and decision.candidates == []


def test_a_neighbour_at_the_same_address_is_not_linked(tanaka_kamata):
    decision = match(name="蒲田フラワー", prefecture="13", municipality="大田区", address="蒲田5-1-1")
    assert decision.status == "none"


def test_a_different_legal_form_lowers_the_score(tanaka_kamata):
    same = match(name="株式会社田中精機", prefecture="13", municipality="大田区", address="蒲田5-1-1")
    other_form = match(name="有限会社田中精機", prefecture="13", municipality="大田区", address="蒲田5-1-1")
    assert other_form.score < same.score


def test_a_sole_proprietor_in_hiragana_and_katakana():
    shop = sole_proprietor(name="はなこパン工房", prefecture="20", municipality="松本市", address="長野県松本市中央一丁目2番3号")
    decision = match(name="ハナコパン工房", prefecture="長野県", municipality="松本市", address="中央1-2-3")
    assert (decision.status, decision.business_id) == ("link", shop.pk)


def test_unknown_business_creates_nothing(tanaka_kamata):
    assert match(name="まったく別の店", prefecture="13", municipality="大田区", address="蒲田1-1-1").status == "none"


def test_score_and_decide_directly():
    a = match_key(name="山田商店", prefecture="13", municipality="新宿区", address="西新宿2-8-1")
    assert score(a, a) == 1.0
    assert score(a, match_key(name="山田商店", prefecture="14", municipality="横浜市", address="")) == 0.0
    assert decide([(1, 0.95), (2, 0.93)]).status == "review"  # too close to call
    assert decide([(1, 0.95), (2, 0.5)]).status == "link"
    assert decide([(1, REVIEW_THRESHOLD - 0.01)]).status == "none"
    assert decide([]).status == "none"


def test_planning_a_batch_takes_a_bounded_number_of_queries(django_assert_max_num_queries):
    from institutions.models import Institution
    from linkage.records import clean_record
    from linkage.services import records_plan

    institution = Institution.objects.create(name="テスト商工会", kind="shokokai", prefecture="13")
    corporations = [BusinessFactory() for _ in range(15)]
    shops = [sole_proprietor(name=f"やまだ青果{i}", prefecture="13", municipality="大田区", address=f"東京都大田区蒲田{i}-1-1")
             for i in range(1, 16)]
    match_index_refresh()
    raw = [{"record_id": f"K-{b.pk}", "corporate_number": b.corporate_number, "fiscal_year": "2023", "sales": "1"}
           for b in corporations]
    raw += [{"record_id": f"K-{s.pk}", "name": s.name, "prefecture": "13", "municipality": "大田区",
             "address": s.address, "fiscal_year": "2023", "sales": "1"} for s in shops]
    records = [(i, clean_record("financials", r)[0]) for i, r in enumerate(raw)]
    with django_assert_max_num_queries(10):
        plans = records_plan(institution_id=institution.pk, records=records)
    assert [p.outcome for p in plans] == ["created"] * 30
    assert [p.business_id for p in plans] == [b.pk for b in corporations + shops]
