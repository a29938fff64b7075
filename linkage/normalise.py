"""Normalisation of what Japanese offices type: names, addresses, numbers, dates, files.

Everything here is pure (no database) so that the matcher, the CSV reader, the API and
the benchmark share one definition of "the same":

- names: NFKC (full/half width, ㈱ → (株)), 法人格 removed wherever it stands and kept
  apart as a code, hiragana folded to katakana, variant kanji folded, spaces and
  punctuation dropped;
- addresses: prefecture and municipality split off, kanji numerals in block numbers
  turned into digits, 1丁目2番3号 / 1番地2 / 1の2 written as 1-2-3;
- amounts: ¥ and 円, commas, full-width digits, △/▲ for negatives (accounting style);
- dates: ISO, 2023/4/1, 2023年4月1日, 令和5年4月1日, R5.4.1, 令和元年…, checked against
  the era's span; fiscal years as 2023, 2023年度, 令和5年度, R5, 平成31年.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from companies.reference import PREFECTURES
from core.input import has_number_forms

# --- text --------------------------------------------------------------------------------

_DASHES = "‐‑‒–—―−－ｰ─━﹣"
_DASH_RE = re.compile(f"[{_DASHES}]")
_SPACE_PUNCT_RE = re.compile(r"[\s\u3000・･.,，、。'\"「」『』【】\[\]()（）{}:：;；/／\\!！?？*＊~〜_＿]")
_VARIANT_KANJI = str.maketrans({
    "髙": "高", "﨑": "崎", "嵜": "崎", "嶋": "島", "嶌": "島", "邉": "辺", "邊": "辺", "齋": "斎", "齊": "斉",
    "濵": "浜", "濱": "浜", "澤": "沢", "櫻": "桜", "國": "国", "冨": "富", "槗": "橋", "德": "徳", "廣": "広",
    "龍": "竜", "眞": "真", "惠": "恵", "鐵": "鉄", "藏": "蔵", "驛": "駅", "實": "実", "亞": "亜", "壽": "寿",
    "ヶ": "ケ", "ヵ": "カ",
})


def nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "")


_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}


def fold_kana(value: str) -> str:
    """Hiragana → katakana, so that みどり and ミドリ compare equal."""
    return value.translate(_HIRAGANA_TO_KATAKANA)


_KANJI = "\u3005\u4e00-\u9fff"
# 霞が関, 霞ヶ関, 霞ケ関 and 霞ガ関 are one place: a small ケ/ガ between kanji is one letter.
_SMALL_KE_RE = re.compile(f"(?<=[{_KANJI}])[ガケ](?=[{_KANJI}])")


_FOLD_TABLE: dict[int, int | str | None] = {**_HIRAGANA_TO_KATAKANA, **_VARIANT_KANJI}
_SPACES_RE = re.compile(r"\s+")


def _fold(value: str) -> str:
    text = nfkc(value).translate(_FOLD_TABLE).lower()
    return _SMALL_KE_RE.sub("ケ", text)


# --- names: 法人格 -------------------------------------------------------------------------

# (code, spellings after NFKC and kana folding). Longer spellings first within a form.
LEGAL_FORMS: list[tuple[str, tuple[str, ...]]] = [
    ("kk", ("株式会社", "(株)", "カブシキガイシャ", "カブシキカイシャ", "kabushikikaisha", "co.,ltd.", "co.,ltd", "co.ltd.", "k.k.", "inc.", "inc")),
    ("yk", ("有限会社", "(有)", "ユウゲンガイシャ", "ユウゲンカイシャ")),
    ("gk", ("合同会社", "(同)", "ゴウドウガイシャ", "llc")),
    ("gm", ("合名会社", "(名)")),
    ("gs", ("合資会社", "(資)")),
    ("ippan_shadan", ("一般社団法人", "(一社)", "(社)")),
    ("ippan_zaidan", ("一般財団法人", "(一財)", "(財)")),
    ("npo", ("特定非営利活動法人", "npo法人", "(特非)")),
    ("iryo", ("医療法人社団", "医療法人財団", "医療法人", "(医)")),
    ("fukushi", ("社会福祉法人", "(福)")),
    ("kumiai", ("事業協同組合", "協同組合", "(協)")),
]
_FORM_CODE = {spelling: code for code, spellings in LEGAL_FORMS for spelling in spellings}
_SPELLINGS = "|".join(re.escape(s) for s in sorted(_FORM_CODE, key=len, reverse=True))
_FORM_PREFIX_RE = re.compile(f"^(?:{_SPELLINGS})")
_FORM_SUFFIX_RE = re.compile(f"(?:{_SPELLINGS})$")
# Inside a name only a Japanese form counts: "princess" keeps its "inc".
_FORM_INNER_RE = re.compile("|".join(re.escape(s) for s in sorted(_FORM_CODE, key=len, reverse=True) if not s.isascii()))


@dataclass(frozen=True)
class NormalisedName:
    core: str  # the name without its 法人格, folded, no spaces or punctuation
    legal_form: str  # "kk", "yk", … or "" (none, e.g. a 個人事業主's trade name)


def normalise_name(value: str) -> NormalisedName:
    text = _fold(value)
    text = _SPACES_RE.sub("", _DASH_RE.sub("ー", text))
    form = ""
    match = _FORM_PREFIX_RE.search(text)
    if match:
        form, text = _FORM_CODE[match.group(0)], text[match.end():]
    match = _FORM_SUFFIX_RE.search(text)
    if match:
        form, text = form or _FORM_CODE[match.group(0)], text[: match.start()]
    if not form:
        match = _FORM_INNER_RE.search(text)
        if match:
            form, text = _FORM_CODE[match.group(0)], text[: match.start()] + text[match.end():]
    core = _SPACE_PUNCT_RE.sub("", text)
    return NormalisedName(core=core, legal_form=form)


# --- addresses ---------------------------------------------------------------------------

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUM = "〇零一二三四五六七八九十百千"
_BLOCK_MARK = r"(?:丁目|番地|番|号|ノ|-)"  # の is folded to ノ before this runs
_KANJI_BEFORE_MARK = re.compile(f"([{_KANJI_NUM}]+)(?={_BLOCK_MARK})")
_KANJI_AFTER_MARK = re.compile(f"(?<=丁目|番地|地ノ|[0-9]番|[0-9]ノ|[0-9]-)([{_KANJI_NUM}]+)")
_MUNICIPALITY_RE = re.compile(r"^((?:[^0-9]+?郡)?[^0-9]+?[市区町村])([市区町村]?)")
_BLOCK_RE = re.compile(r"[0-9]+(?:-[0-9]+)*")
_PREF_NAMES = sorted(PREFECTURES.items(), key=lambda item: -len(item[1]))
PREFECTURE_BY_NAME = {name: code for code, name in PREFECTURES.items()}
_CHOME_RE = re.compile(r"([0-9]+)丁目")
_BANCHI_RE = re.compile(r"([0-9]+)番地ノ?")
_BAN_RE = re.compile(r"([0-9]+)番")
_GO_RE = re.compile(r"([0-9]+)号")
_NO_RE = re.compile(r"([0-9]+)ノ(?=[0-9])")
_DASHES_RE = re.compile(r"-+")


def kanji_to_int(value: str) -> int:
    """一 → 1, 十二 → 12, 二十三 → 23, 百五 → 105, 一〇五 → 105 (digit by digit)."""
    if all(c in _KANJI_DIGITS for c in value):
        return int("".join(str(_KANJI_DIGITS[c]) for c in value))
    total, current = 0, 0
    for char in value:
        if char in _KANJI_DIGITS:
            current = _KANJI_DIGITS[char]
        else:
            total += (current or 1) * _KANJI_UNITS[char]
            current = 0
    return total + current


def _kanji_numbers_in_blocks(text: str) -> str:
    # Only numerals that are part of a block number: 三鷹, 八王子, 四日市 keep theirs.
    def to_digits(match: re.Match[str]) -> str:
        return str(kanji_to_int(match.group(1)))

    previous = None
    while previous != text:
        previous = text
        text = _KANJI_BEFORE_MARK.sub(to_digits, text)
        text = _KANJI_AFTER_MARK.sub(to_digits, text)
    return text


def prefecture_code(value: str) -> str:
    """'13', '東京都', '東京' → '13'; '' when unknown."""
    text = nfkc(value).strip()
    if _DIGITS_RE.fullmatch(text) and len(text) <= 2 and f"{int(text):02d}" in PREFECTURES:
        return f"{int(text):02d}"
    if text in PREFECTURE_BY_NAME:
        return PREFECTURE_BY_NAME[text]
    for code, name in _PREF_NAMES:
        if text and name.rstrip("都道府県") == text:
            return code
    return ""


def normalise_municipality(value: str) -> str:
    return _SPACE_PUNCT_RE.sub("", _fold(value))


@dataclass(frozen=True)
class NormalisedAddress:
    prefecture: str  # JIS code or ""
    municipality: str  # folded, or ""
    town: str  # what comes between the municipality and the block number
    block: str  # "1-2-3" or ""


def normalise_address(address: str, *, prefecture: str = "", municipality: str = "") -> NormalisedAddress:
    text = _SPACES_RE.sub("", _fold(address))
    pref = prefecture_code(prefecture) if prefecture else ""
    for code, name in _PREF_NAMES:
        if text.startswith(name):
            pref = pref or code
            text = text[len(name):]
            break
    muni = normalise_municipality(municipality)
    if muni and text.startswith(muni):
        text = text[len(muni):]
    elif not muni:
        match = _MUNICIPALITY_RE.match(text)
        if match:  # 四日市市: a name that itself ends in 市 takes the second one too
            muni = match.group(1) + match.group(2)
            text = text[len(muni):]
    text = _DASH_RE.sub("-", text)
    text = _kanji_numbers_in_blocks(text)
    text = _CHOME_RE.sub(r"\1-", text)
    text = _BANCHI_RE.sub(r"\1-", text)
    text = _BAN_RE.sub(r"\1-", text)
    text = _GO_RE.sub(r"\1 ", text)
    text = _NO_RE.sub(r"\1-", text)
    text = _DASHES_RE.sub("-", text)
    match = _BLOCK_RE.search(text)
    if match is None:
        return NormalisedAddress(pref, muni, _SPACE_PUNCT_RE.sub("", text), "")
    town = _SPACE_PUNCT_RE.sub("", text[: match.start()].replace("-", ""))
    return NormalisedAddress(pref, muni, town, match.group(0).strip("-"))


# --- numbers -----------------------------------------------------------------------------


class ParseError(ValueError):
    """A value that cannot be read; the message is a msgid key for records.py."""


# ASCII digits only (after NFKC): "²" and "𐩀" are digits to str.isdigit() but not to int().
# 19 digits hold any amount a BIGINT column takes; longer strings never reach int().
_AMOUNT_RE = re.compile(r"-?[0-9]{1,19}")
_DIGITS_RE = re.compile(r"[0-9]{1,19}")


def parse_amount(value: str) -> int | None:
    """'¥1,234,567', '1,234,567円', '１２３４', '△12,000' (negative) → int; '' → None."""
    if has_number_forms(str(value)):  # ² or ① would become a digit under NFKC
        raise ParseError("amount")
    text = nfkc(str(value)).strip()
    if text in ("", "-", "ー"):
        return None
    negative = False
    if text[0] in "△▲" or (text.startswith("(") and text.endswith(")")):
        negative, text = True, text.strip("△▲()")
    text = text.replace("¥", "").replace("\\", "").replace("円", "").replace(",", "").replace(" ", "")
    text = _DASH_RE.sub("-", text)
    if not _AMOUNT_RE.fullmatch(text):
        raise ParseError("amount")
    number = int(text)
    return -number if negative else number


def parse_count(value: str) -> int | None:
    """'12', '１２', '12人', '1,200名' → int; negatives and fractions are refused."""
    if has_number_forms(str(value)):
        raise ParseError("count")
    text = nfkc(str(value)).strip().replace(",", "")
    text = re.sub(r"(人|名)$", "", text)
    if text == "":
        return None
    if not _DIGITS_RE.fullmatch(text):
        raise ParseError("count")
    return int(text)


# --- dates -------------------------------------------------------------------------------

# Era: (names, first day, last day or None).
ERAS = {
    "meiji": (("明治", "明", "m"), dt.date(1868, 10, 23), dt.date(1912, 7, 29)),
    "taisho": (("大正", "大", "t"), dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    "showa": (("昭和", "昭", "s"), dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    "heisei": (("平成", "平", "h"), dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    "reiwa": (("令和", "令", "r"), dt.date(2019, 5, 1), None),
}
_ERA_BY_NAME = {name: key for key, (names, _s, _e) in ERAS.items() for name in names}
_ERA_NAMES = "|".join(sorted(_ERA_BY_NAME, key=len, reverse=True))
_ERA_DATE_RE = re.compile(
    rf"^({_ERA_NAMES})\s*([0-9]{{1,2}}|元)\s*(?:年|[./-])\s*([0-9]{{1,2}})\s*(?:月|[./-])\s*([0-9]{{1,2}})\s*日?$"
)
_ERA_YEAR_RE = re.compile(rf"^({_ERA_NAMES})\s*([0-9]{{1,2}}|元)\s*(?:年度|年)?$")
_WESTERN_DATE_RE = re.compile(r"^([0-9]{4})\s*(?:年|[./-])\s*([0-9]{1,2})\s*(?:月|[./-])\s*([0-9]{1,2})\s*日?$")
_COMPACT_DATE_RE = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$")
_WESTERN_YEAR_RE = re.compile(r"^([0-9]{4})\s*(?:年度|年)?$")


def _era_year(era_key: str, year_text: str) -> int:
    _names, start, _end = ERAS[era_key]
    number = 1 if year_text == "元" else int(year_text)
    if number < 1:
        raise ParseError("era_year")
    return start.year + number - 1


def _prepare(value: str) -> str:
    text = nfkc(str(value)).strip().lower()
    return _DASH_RE.sub("-", text)


def parse_date(value: str) -> dt.date | None:
    text = _prepare(value)
    if text == "":
        return None
    match = _ERA_DATE_RE.match(text)
    if match:
        era_key = _ERA_BY_NAME[match.group(1)]
        year = _era_year(era_key, match.group(2))
        try:
            date = dt.date(year, int(match.group(3)), int(match.group(4)))
        except ValueError as exc:
            raise ParseError("date") from exc
        _names, start, end = ERAS[era_key]
        if date < start or (end is not None and date > end):
            raise ParseError("era_range")
        return date
    match = _WESTERN_DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError as exc:
            raise ParseError("date") from exc
    raise ParseError("date")


def parse_fiscal_year(value: str | int) -> int | None:
    """2023, '2023年度', '令和5年度', 'R5', '平成31年' → the Western year the fiscal year starts in."""
    text = _prepare(str(value))
    if text == "":
        return None
    match = _ERA_YEAR_RE.match(text)
    if match:
        return _era_year(_ERA_BY_NAME[match.group(1)], match.group(2))
    match = _WESTERN_YEAR_RE.match(text)
    if match:
        return int(match.group(1))
    raise ParseError("fiscal_year")


# --- files -------------------------------------------------------------------------------


def decode_file(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in.

    A BOM decides (UTF-8 or UTF-16); otherwise strict UTF-8, and when that fails CP932
    (Windows' Shift_JIS, a superset of JIS X 0208 Shift_JIS with NEC/IBM extensions such
    as ①, ㈱ and 髙). Japanese text is almost never valid UTF-8 by accident, so the order
    is safe. Raises UnicodeDecodeError when neither fits.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp932"), "cp932"
