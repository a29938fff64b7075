"""The search document behind 制度ナビ, 事例ナビ and 支援者検索: SudachiPy words and
character bigrams kept as a GIN-indexed tsvector, built at save, by the migration's
backfill and by `manage.py rebuild_search_documents`; the query is served by the index;
the filter form's cached selects render as Django's would."""

from __future__ import annotations

import pytest
from django import forms
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from core.japanese import bigrams_of, search_document, tsquery_any, words_of
from core.widgets import CachedSelect
from institutions.models import Institution
from programs.models import CaseStudy, SupportProgram
from programs.search import search
from tests.factories import InstitutionFactory

from .factories import CaseStudyFactory, SupportProgramFactory

pytestmark = pytest.mark.django_db


def test_words_are_in_their_dictionary_form_and_bigrams_cover_the_text():
    assert {"持続", "補助", "申請"} <= set(words_of("持続化補助金の申請"))
    assert "の" not in words_of("持続化補助金の申請")  # particles are not words
    # ものづくり and 物作り are one word in the dictionary's form.
    assert words_of("ものづくり") == words_of("物作り") == ["物作り"]
    assert bigrams_of("ＩＴ導入") == ["it", "t導", "導入"]
    document = search_document("IT導入補助金", "会計ソフト")
    assert {"t:導入", "T:導入", "w:会計", "2:会計", "1:会"} <= set(document)


def test_tsquery_quotes_every_token():
    assert tsquery_any([["2:a'b", "w:c\\d"], ["1:x"]]) == "('2:a''b' & 'w:c\\\\d') | ('1:x')"
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_to_tsvector(%s) @@ %s::tsquery", [["2:a'b", "w:c\\d"], tsquery_any([["2:a'b", "w:c\\d"]])])
        assert cursor.fetchone()[0] is True


def test_words_without_spaces_are_found_by_their_parts():
    SupportProgramFactory(name="新市場チャレンジ事業", summary="販路開拓に取り組む事業者に補助金を交付します。")
    SupportProgramFactory(name="設備導入支援", summary="省力化設備の導入を支援します。")
    found = [p.name for p in search(SupportProgram.objects.all(), "販路開拓補助金")]
    assert found == ["新市場チャレンジ事業"]
    # A word typed in half-width katakana meets the text by its dictionary form (設備).
    assert [p.name for p in search(SupportProgram.objects.all(), "ｾﾂﾋﾞ")] == ["設備導入支援"]
    assert [p.name for p in search(SupportProgram.objects.all(), "省力化")] == ["設備導入支援"]
    assert [p.name for p in search(SupportProgram.objects.all(), "宇宙開発")] == []


def test_the_title_ranks_first_then_the_shorter_title():
    SupportProgramFactory(name="経営改善支援", summary="事業承継を含む経営の課題に専門家が助言します。")
    SupportProgramFactory(name="事業承継・引継ぎ補助金（専門家活用枠）", summary="専門家の費用を補助します。")
    SupportProgramFactory(name="事業承継補助金", summary="後継者への引継ぎを支援します。")
    names = [p.name for p in search(SupportProgram.objects.all(), "事業承継", title_field="name")]
    assert names == ["事業承継補助金", "事業承継・引継ぎ補助金（専門家活用枠）", "経営改善支援"]


def test_the_document_follows_every_save_and_the_rebuild_command():
    program = SupportProgramFactory(name="省エネ設備補助金", summary="省エネルギー設備の導入を支援します。")
    assert not search(SupportProgram.objects.all(), "蓄電池").exists()
    program.summary = "蓄電池の導入を支援します。"
    program.save()
    assert list(search(SupportProgram.objects.all(), "蓄電池")) == [program]
    # A row written around save() (a bulk update) has a stale document until the rebuild.
    SupportProgram.objects.filter(pk=program.pk).update(search_tokens=[])
    CaseStudy.objects.filter(pk=CaseStudyFactory(title="蓄電池で停電に備えた").pk).update(search_tokens=[])
    assert not search(SupportProgram.objects.all(), "蓄電池").exists()
    call_command("rebuild_search_documents", stdout=open("/dev/null", "w"))
    assert list(search(SupportProgram.objects.all(), "蓄電池")) == [program]
    assert search(CaseStudy.objects.all(), "蓄電池").count() == 1


def test_the_query_is_served_by_the_gin_index():
    for i in range(30):
        SupportProgramFactory(name=f"テスト補助金{i}", summary="地域の事業者を支援します。")
    SupportProgramFactory(name="ものづくり・商業・サービス生産性向上促進補助金")
    queryset = search(SupportProgram.objects.all(), "ものづくり補助金", title_field="name")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE programs_supportprogram")
        cursor.execute("SET LOCAL enable_seqscan = off")  # as on a catalogue too large to scan
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "program_search_vector" in plan, plan
    assert [p.name for p in queryset] == ["ものづくり・商業・サービス生産性向上促進補助金"]


def test_supporters_are_found_as_typed(client):
    yorozu = InstitutionFactory(name="宮城県よろず支援拠点", specialties="販路開拓,IT活用")
    InstitutionFactory(name="仙台商工会議所", specialties="創業,資金繰り")
    assert yorozu.search_tokens, "built at save"
    assert [i.name for i in search(Institution.objects.all(), "ﾖﾛｽﾞ")] == ["宮城県よろず支援拠点"]
    body = client.get(reverse("institutions:search"), {"q": "ＩＴ活用"}).content.decode()
    assert "宮城県よろず支援拠点" in body and "仙台商工会議所" not in body


def test_case_studies_are_found_by_words_of_their_story(client):
    CaseStudyFactory(title="老舗の味を全国へ", challenge="来店客の高齢化で売上が減っていた。", actions="ECサイトを立ち上げた。")
    CaseStudyFactory(title="工場の省力化", challenge="残業が多かった。", actions="自動化設備を導入した。")
    body = client.get(reverse("programs:case_list"), {"q": "ＥＣサイト"}).content.decode()
    assert "老舗の味を全国へ" in body and "工場の省力化" not in body


def test_cached_select_renders_as_django_select_with_the_choice_marked():
    choices = [("", "---------"), ("01", "北海道"), ("13", "東京都 <&>")]
    ours = CachedSelect(choices=choices, cache_key="test.prefecture").render("prefecture", "13", attrs={"id": "id_prefecture"})
    django = forms.Select(choices=choices).render("prefecture", "13", attrs={"id": "id_prefecture"})
    assert "".join(ours.split()) == "".join(django.split())
    again = CachedSelect(choices=choices, cache_key="test.prefecture").render("prefecture", "01", attrs={"id": "id_prefecture"})
    assert '<option value="01" selected>' in again and '<option value="13" selected>' not in again


def test_search_page_with_a_query_costs_one_query_for_its_results(client, django_assert_max_num_queries):
    for i in range(25):
        SupportProgramFactory(name=f"販路開拓支援補助金{i}")
    with django_assert_max_num_queries(3):
        response = client.get(reverse("programs:program_list"), {"q": "販路開拓"})
    body = response.content.decode()
    assert response.status_code == 200 and "25" in body and "販路開拓支援補助金" in body
    second = client.get(reverse("programs:program_list"), {"q": "販路開拓", "page": "2"}).content.decode()
    assert second.count('class="card"') >= 5
    assert client.get(reverse("programs:program_list"), {"q": "販路開拓", "page": "99"}).status_code == 200
