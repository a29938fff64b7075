import codecs
import datetime as dt

import pytest

from linkage.normalise import (
    ParseError,
    decode_file,
    kanji_to_int,
    normalise_address,
    normalise_name,
    parse_amount,
    parse_count,
    parse_date,
    parse_fiscal_year,
    prefecture_code,
)


@pytest.mark.parametrize("variant", [
    "株式会社テスト商事", "テスト商事株式会社", "㈱テスト商事", "(株)テスト商事", "テスト商事（株）", "株式会社　テスト 商事",
    "ﾃｽﾄ商事㈱", "テスト商事 株式会社",
])
def test_legal_form_before_or_after_width_and_spaces(variant):
    assert normalise_name(variant).core == "テスト商事"
    assert normalise_name(variant).legal_form == "kk"


@pytest.mark.parametrize(("name", "form"), [
    ("有限会社みどり青果", "yk"), ("(有)ミドリ青果", "yk"), ("みどり青果合同会社", "gk"), ("みどり青果", ""),
])
def test_other_forms_and_kana_folding(name, form):
    normalised = normalise_name(name)
    assert normalised.core == "ミドリ青果"
    assert normalised.legal_form == form


def test_latin_forms_only_at_the_ends_and_variant_kanji():
    assert normalise_name("Princess Inc.").core == "princess"
    assert normalise_name("ＡＢＣ　Ｃｏ．，Ｌｔｄ．") == normalise_name("abc co.,ltd.")
    assert normalise_name("髙橋工務店").core == normalise_name("高橋工務店").core


@pytest.mark.parametrize("address", [
    "東京都千代田区霞が関1-3-1", "東京都千代田区霞ヶ関一丁目3番1号", "千代田区霞ケ関１－３－１", "千代田区霞が関1丁目3番地1",
    "東京都 千代田区 霞が関 一丁目三番一号",
])
def test_block_numbers_and_kanji_numerals(address):
    normalised = normalise_address(address, prefecture="13", municipality="千代田区")
    assert (normalised.prefecture, normalised.municipality, normalised.town, normalised.block) == ("13", "千代田区", "霞ケ関", "1-3-1")


def test_numerals_in_place_names_stay():
    normalised = normalise_address("東京都三鷹市下連雀三丁目十二番地の五")
    assert (normalised.municipality, normalised.town, normalised.block) == ("三鷹市", "下連雀", "3-12-5")
    assert normalise_address("三重県四日市市諏訪町1番5号").municipality == "四日市市"


def test_kanji_to_int():
    assert [kanji_to_int(v) for v in ["一", "十", "十二", "二十三", "百五", "一〇五"]] == [1, 10, 12, 23, 105, 105]


@pytest.mark.parametrize(("text", "expected"), [
    ("令和5年4月1日", dt.date(2023, 4, 1)), ("R5.4.1", dt.date(2023, 4, 1)), ("r05/04/01", dt.date(2023, 4, 1)),
    ("平成31年4月30日", dt.date(2019, 4, 30)), ("H31.4.30", dt.date(2019, 4, 30)), ("令和元年5月1日", dt.date(2019, 5, 1)),
    ("昭和64年1月7日", dt.date(1989, 1, 7)), ("2023-04-01", dt.date(2023, 4, 1)), ("2023/4/1", dt.date(2023, 4, 1)),
    ("２０２３年４月１日", dt.date(2023, 4, 1)), ("20230401", dt.date(2023, 4, 1)), ("", None),
])
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "code"), [
    ("平成31年5月1日", "era_range"), ("H32.1.1", "era_range"), ("令和5年2月30日", "date"), ("2023-13-01", "date"),
    ("来週", "date"), ("R0.1.1", "era_year"),
])
def test_bad_dates(text, code):
    with pytest.raises(ParseError) as info:
        parse_date(text)
    assert str(info.value) == code


@pytest.mark.parametrize(("text", "year"), [
    ("2023", 2023), (2023, 2023), ("2023年度", 2023), ("令和5年度", 2023), ("R5", 2023), ("平成31年", 2019), ("令和元年", 2019),
])
def test_fiscal_years(text, year):
    assert parse_fiscal_year(text) == year


@pytest.mark.parametrize(("text", "amount"), [
    ("¥1,234,567", 1234567), ("1,234,567円", 1234567), ("１，２３４", 1234), ("△12,000", -12000), ("▲5", -5), ("-3", -3),
    ("￥２００", 200), ("", None),
])
def test_amounts(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", ["12.5", "約100万円", "abc"])
def test_bad_amounts(text):
    with pytest.raises(ParseError):
        parse_amount(text)


def test_counts():
    assert parse_count("１２人") == 12
    with pytest.raises(ParseError):
        parse_count("-1")


def test_prefecture_codes():
    assert [prefecture_code(v) for v in ["13", "1", "東京都", "東京", "大阪府", "北海道", "どこか"]] == ["13", "01", "13", "13", "27", "01", ""]


@pytest.mark.parametrize(("data", "encoding"), [
    (codecs.BOM_UTF8 + "法人番号".encode(), "utf-8-sig"), ("法人番号".encode(), "utf-8"),
    ("法人番号".encode("shift_jis"), "cp932"), ("㈱髙橋".encode("cp932"), "cp932"),
    ("法人番号".encode("utf-16"), "utf-16"),
])
def test_decode_file(data, encoding):
    text, found = decode_file(data)
    assert found == encoding
    assert text in ("法人番号", "㈱髙橋")
