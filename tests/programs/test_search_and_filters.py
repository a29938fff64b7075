from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.filters import CaseStudyFilter, ProgramFilter
from programs.models import SupportProgram
from tests.factories import BusinessFactory, member_user, mfa_login

from .factories import CaseStudyFactory, SupportProgramFactory

pytestmark = pytest.mark.django_db


def _names(filters: dict) -> list[str]:
    return [p.name for p in ProgramFilter(filters, queryset=SupportProgram.objects.all()).qs]


def test_a_japanese_word_in_the_middle_of_a_text_is_found():
    SupportProgramFactory(name="地域産業振興事業", summary="地域のものづくり企業が行う省力化設備の導入を支援します。")
    SupportProgramFactory(name="販路開拓支援事業", summary="展示会への出展を支援します。")
    assert _names({"q": "省力化"}) == ["地域産業振興事業"]
    # Two characters make no trigram: the substring match still finds it.
    assert _names({"q": "設備"}) == ["地域産業振興事業"]
    assert _names({"q": "展示会"}) == ["販路開拓支援事業"]
    assert _names({"q": "宇宙開発"}) == []


def test_every_term_must_match_and_title_matches_rank_first():
    SupportProgramFactory(name="事業承継補助金", summary="後継者への引継ぎを支援します。")
    SupportProgramFactory(name="経営改善支援", summary="事業承継を含む経営の課題に専門家が助言します。")
    SupportProgramFactory(name="事業承継セミナー", summary="オンラインで開催します。", tags=["後継者"])
    assert _names({"q": "事業承継"})[0] in {"事業承継補助金", "事業承継セミナー"}
    assert set(_names({"q": "事業承継 後継者"})) == {"事業承継補助金", "事業承継セミナー"}


def test_full_width_space_separates_terms():
    SupportProgramFactory(name="IT導入補助金", summary="クラウド会計の導入を支援します。")
    assert _names({"q": "IT導入\u3000クラウド"}) == ["IT導入補助金"]


def test_filters_industry_prefecture_employees_open_on():
    today = timezone.localdate()
    SupportProgramFactory(name="全国・全業種")
    SupportProgramFactory(name="製造業向け", industries=["24", "26"])
    SupportProgramFactory(name="宮城県", prefectures=["04"])
    SupportProgramFactory(name="小規模のみ", max_employees=5)
    SupportProgramFactory(name="締切済み", opens_on=today - dt.timedelta(days=60), deadline=today - dt.timedelta(days=1))
    assert set(_names({"industry": "26"})) == {"全国・全業種", "製造業向け", "宮城県", "小規模のみ", "締切済み"}
    assert "製造業向け" not in _names({"industry": "76"})
    assert "宮城県" in _names({"prefecture": "04"}) and "宮城県" not in _names({"prefecture": "13"})
    assert "全国・全業種" in _names({"prefecture": "13"})
    assert "小規模のみ" in _names({"employees": "5"}) and "小規模のみ" not in _names({"employees": "6"})
    assert "締切済み" not in _names({"open_on": today.isoformat()})
    assert "締切済み" in _names({"open_on": (today - dt.timedelta(days=5)).isoformat()})


def test_case_study_filters_and_search():
    CaseStudyFactory(title="老舗旅館の挑戦", industry_jsic="75", prefecture="20", themes=["sales"],
                     challenge="コロナ禍で宿泊客が激減し、インバウンド需要の回復を待っていた。")
    CaseStudyFactory(title="町工場のDX", industry_jsic="24", prefecture="27", themes=["productivity"])
    qs = CaseStudyFilter({"q": "インバウンド"}, queryset=CaseStudyFactory._meta.model.objects.all()).qs
    assert [c.title for c in qs] == ["老舗旅館の挑戦"]
    qs = CaseStudyFilter({"industry": "24", "theme": "productivity"}, queryset=CaseStudyFactory._meta.model.objects.all()).qs
    assert [c.title for c in qs] == ["町工場のDX"]


def test_programs_api_is_public_and_filters(api_client):
    SupportProgramFactory(name="宮城県の補助金", prefectures=["04"], summary="県内の設備投資を支援します。")
    SupportProgramFactory(name="大阪府の補助金", prefectures=["27"])
    response = api_client.get("/api/v1/programs", {"prefecture": "04", "q": "設備投資"})
    assert response.status_code == 200
    body = response.json()
    assert [p["name"] for p in body["results"]] == ["宮城県の補助金"]
    assert body["results"][0]["prefectures"] == ["04"] and body["results"][0]["nationwide"] is False


def test_programs_api_rejects_bad_input_with_the_field_named(api_client):
    response = api_client.get("/api/v1/programs", {"open_on": "not-a-date", "employees": "-3"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "open_on" in response.json()["errors"]


def test_program_list_page_query_count_is_flat(client, django_assert_max_num_queries):
    for n in range(25):
        SupportProgramFactory(name=f"支援制度{n}", tags=["販路開拓"])
    user = member_user(BusinessFactory())
    mfa_login(client, user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("programs:program_list"), {"q": "支援"})
    assert response.status_code == 200
    assert response.content.decode().count('class="card"') >= 20


def test_case_list_page_query_count_and_pagination(client, django_assert_max_num_queries):
    for n in range(45):
        CaseStudyFactory(title=f"事例{n}")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("programs:case_list"), {"page": 2})
    assert response.status_code == 200
    assert "事例" in response.content.decode()


def test_detail_pages_and_empty_state(client):
    program = SupportProgramFactory(name="詳細ページの制度")
    case = CaseStudyFactory(title="詳細ページの事例")
    case.programs.add(program)
    assert "詳細ページの制度" in client.get(reverse("programs:program_detail", args=[program.pk])).content.decode()
    assert "詳細ページの制度" in client.get(reverse("programs:case_detail", args=[case.pk])).content.decode()
    assert client.get(reverse("programs:program_detail", args=[999999])).status_code == 404
    response = client.get(reverse("programs:program_list"), {"q": "存在しない言葉"})
    assert "empty-state" in response.content.decode()


def test_pages_in_english_and_save_search_only_for_business_users(client):
    SupportProgramFactory(name="English page program")
    english = client.get(reverse("programs:program_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Support programs" in english and "1 program found." in english
    assert "Save search" not in english
    mfa_login(client, member_user(BusinessFactory()))
    japanese = client.get(reverse("programs:program_list")).content.decode()
    assert "検索条件を保存" in japanese and "1件の支援制度が見つかりました。" in japanese
