"""Japanese text as search compares it: what people type and what we store meet in one form.

- NFKC: full-width ＩＴ and １２ become IT and 12, half-width ｶﾀｶﾅ becomes カタカナ;
- case folded: it = IT;
- kana folded: katakana become hiragana (ものづくり = モノヅクリ), with jaconv;
- spaces (full-width too) collapsed, and the 中黒 and long-vowel variants unified.
"""

from __future__ import annotations

import functools
import re
import threading
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


# --- search documents ------------------------------------------------------------------------
# A search document is an array of tokens kept beside the text (a GIN index serves `@>`):
#   "w:<word>"   content words by SudachiPy (core dictionary, split mode A and C) in their
#                dictionary normal form (物作り for ものづくり), normalised;
#   "2:<ab>"     character bigrams of the normalised text (a word inside an unspaced
#                sentence is found whatever the tokeniser made of it);
#   "1:<a>"      single characters, for one-character queries;
#   "t:<word>", "T:<ab>"  the same for the title only (ranking).
# A query term matches when all its bigrams, or all its content words, are in the document.
# The models keep the array (`search_tokens`) and, generated from it in PostgreSQL, the same
# tokens as a tsvector (`search_vector`, array_to_tsvector) with a GIN index: `@@` with a
# tsquery of these tokens is a binary search in the sorted lexemes (or an index lookup),
# where `@>` on a long text array compares element by element.

_SKIP_POS = {"助詞", "助動詞", "補助記号", "空白", "記号"}
_CHUNK = re.compile(r"[\s、。，．,.!?！？「」『』（）()\[\]【】・/:：;；]+")


_local = threading.local()


@functools.cache
def _dictionary():
    from sudachipy import Dictionary

    return Dictionary(dict="core")


def _tokenizer():
    """A tokenizer of this thread (a SudachiPy tokenizer is not shared between threads; the
    dictionary is)."""
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        tokenizer = _local.tokenizer = _dictionary().tokenizer()
    return tokenizer


def words_of(text: str | None, *, compounds: bool = True) -> list[str]:
    if text and len(text) <= 100:
        return list(_short_words_of(text, compounds))
    return _words_of(text, compounds=compounds)


@functools.lru_cache(maxsize=4096)
def _short_words_of(text: str, compounds: bool) -> tuple[str, ...]:
    """Query terms repeat (aliases, the same searches): a short text's words are kept."""
    return tuple(_words_of(text, compounds=compounds))


def _words_of(text: str | None, *, compounds: bool = True) -> list[str]:
    """Content words as the dictionary writes them (SudachiPy normal form, normalised: 物作り
    for ものづくり and モノヅクリ), in order, without duplicates; split mode A (short units) and,
    with `compounds`, mode C (long units) too."""
    if not text:
        return []
    from sudachipy import SplitMode

    raw = unicodedata.normalize("NFKC", str(text))[:20000]
    out: dict[str, None] = {}
    tokenizer = _tokenizer()
    for mode in (SplitMode.A, SplitMode.C) if compounds else (SplitMode.A,):
        for m in tokenizer.tokenize(raw, mode):
            if m.part_of_speech()[0] in _SKIP_POS:
                continue
            word = normalise(m.normalized_form())
            if word and not _CHUNK.fullmatch(word):
                out[word] = None
    return list(out)


def bigrams_of(text: str | None) -> list[str]:
    """Character bigrams (and, for a one-character chunk, the character) of the normalised text."""
    out: dict[str, None] = {}
    for chunk in _CHUNK.split(normalise(text)):
        if len(chunk) == 1:
            out[chunk] = None
        for i in range(len(chunk) - 1):
            out[chunk[i:i + 2]] = None
    return list(out)


def search_document(title: str, *parts) -> list[str]:
    """The token array of a title and further text parts (strings or lists of strings)."""
    texts = [title]
    for part in parts:
        texts.extend(part if isinstance(part, (list, tuple)) else [part])
    body = "\n".join(str(t) for t in texts if t)
    tokens: dict[str, None] = {}
    for word in words_of(title):
        tokens["t:" + word] = None
    for gram in bigrams_of(title):
        tokens["T:" + gram] = None
    for word in words_of(body):
        tokens["w:" + word] = None
    for chunk in _CHUNK.split(normalise(body)):
        for ch in chunk:
            tokens["1:" + ch] = None
    for gram in bigrams_of(body):
        if len(gram) == 2:
            tokens["2:" + gram] = None
    return list(tokens)


def tsquery_any(alternatives: list[list[str]]) -> str:
    """A tsquery (text form, lexemes verbatim) that holds when all tokens of any one
    alternative are present: ('a' & 'b') | ('c')."""
    def lexeme(token: str) -> str:
        return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"

    parts = ["(" + " & ".join(lexeme(t) for t in tokens) + ")" for tokens in alternatives if tokens]
    return " | ".join(parts)
