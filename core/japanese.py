"""Japanese text as search compares it: what people type and what we store meet in one form.

- NFKC: full-width ＩＴ and １２ become IT and 12, half-width ｶﾀｶﾅ becomes カタカナ;
- case folded: it = IT;
- kana folded: katakana become hiragana (ものづくり = モノヅクリ), with jaconv;
- spaces (full-width too) collapsed, and the 中黒 and long-vowel variants unified.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

_SPACES = re.compile(r"\s+")
# Dashes and long-vowel marks people type for one another (ー, -, ‐, −, ―).
_DASHES = str.maketrans({"‐": "-", "−": "-", "―": "-", "–": "-", "—": "-", "･": "・"})


def normalise(text: str | None) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).translate(_DASHES).casefold()
    text = jaconv.kata2hira(text)
    return _SPACES.sub(" ", text).strip()
