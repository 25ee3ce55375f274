"""Turning HS descriptions and queries into search terms, the same way on SQLite and PostgreSQL.

The database indexes a pre-segmented `terms` column (space-separated tokens), so both backends
match exactly the tokens made here: lower-cased English words with a light plural stemmer,
digits, and for Chinese the words jieba finds plus every character bigram and single character
(so 钢铁, 刀具 and 冰箱 match whatever jieba's dictionary says). Queries are reduced to the same
tokens, which are only ever letters, digits and CJK characters: FTS syntax cannot get through.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

#: Longest query accepted, in characters.
MAX_QUERY_LENGTH = 200

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_IS_CJK = re.compile(rf"[{_CJK}]")
_CJK_RUN = re.compile(rf"[{_CJK}]+")
_CODE_QUERY = re.compile(r"[0-9][0-9.\s]*")
#: Control characters and lone surrogates (JSON can carry "\ud800"; no database can store it).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

_IRREGULAR = {
    "knives": "knife",
    "leaves": "leaf",
    "shelves": "shelf",
    "wives": "wife",
    "halves": "half",
    "loaves": "loaf",
    "children": "child",
    "teeth": "tooth",
    "feet": "foot",
    "geese": "goose",
    "mice": "mouse",
    "women": "woman",
    "men": "man",
    "oxen": "ox",
    "potatoes": "potato",
    "tomatoes": "tomato",
}
#: Words too common in the nomenclature (or in any sentence) to say anything; dropped from queries only.
STOPWORDS = frozenset(
    "a an and are as at be by for from in into is it its of on or the to with without not other others "
    "nes n.e.s thereof whether than such this that kind kinds used use etc new "
    "的 和 与 及 或 其他 其它 用 等 类 之 了 个 是 在 不 有".split()
)

_jieba_lock = threading.Lock()


def stem(word: str) -> str:
    """A light English stemmer: plurals only, so "refrigerators" finds "refrigerator"."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(60)
    with _jieba_lock:
        jieba.initialize()
    return jieba


def cjk_runs(text: str) -> list[str]:
    """The runs of CJK characters in `text`."""
    return _CJK_RUN.findall(text)


def jieba_words(run: str) -> list[str]:
    """A run of Chinese segmented into dictionary words (jieba's precise mode, no new-word guessing)."""
    return [word for word in _jieba().cut(run, HMM=False) if word.strip()]


def _cjk_tokens(run: str, *, unigrams: bool) -> list[str]:
    tokens = [word for word in _jieba().cut_for_search(run) if word.strip()]
    tokens += [run[i : i + 2] for i in range(len(run) - 1)]
    if unigrams or len(run) == 1:
        tokens += list(run)
    return tokens


def index_terms(*texts: str) -> str:
    """The `terms` column of an index entry: every token of the texts, space-separated, deduplicated."""
    seen: dict[str, None] = {}
    for text in texts:
        for run in _RUN.findall(text.lower()):
            if _IS_CJK.match(run):
                for token in _cjk_tokens(run, unigrams=True):
                    seen.setdefault(token, None)
            else:
                seen.setdefault(stem(run), None)
    return " ".join(seen)


def query_terms(text: str) -> list[str]:
    """The tokens of a query, stopwords removed (kept if nothing else is left), in order, unique."""
    tokens: dict[str, None] = {}
    for run in _RUN.findall(text.lower()):
        if _IS_CJK.match(run):
            for token in _cjk_tokens(run, unigrams=False):
                tokens.setdefault(token, None)
        else:
            tokens.setdefault(stem(run), None)
    meaningful = [token for token in tokens if token not in STOPWORDS]
    return meaningful or list(tokens)


def is_mostly_chinese(text: str) -> bool:
    """More CJK characters than Latin letters."""
    cjk = len(_IS_CJK.findall(text))
    return cjk > 0 and cjk >= sum(1 for char in text if char.isascii() and char.isalpha())


def plain_text(text: str) -> str:
    """`text` on one line: control characters (NUL included, which PostgreSQL refuses) and lone
    surrogates become spaces, runs of white space one space, ends trimmed."""
    return " ".join(_CONTROL.sub(" ", text or "").split())


def code_query(text: str) -> str | None:
    """The digits of a query that is a commodity code ("8413.60", "8413 60 00"), else None."""
    stripped = text.strip()
    if stripped and _CODE_QUERY.fullmatch(stripped):
        return re.sub(r"[.\s]", "", stripped)
    return None


def normalize_code(code: str) -> str:
    """A code as stored: digits only, dots and spaces removed."""
    return re.sub(r"[.\s]", "", code.strip())
