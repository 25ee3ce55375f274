"""Name matching for denied-party screening: normalisation and an in-memory index per list version.

A name becomes two keys. Chinese is segmented into words (jieba) and each word transliterated to
pinyin, everything else is transliterated to ASCII (anyascii: diacritics, Cyrillic, …); case and
punctuation go, and legal forms (Ltd, GmbH, 有限公司, youxian gongsi…) are dropped. The *sorted key*
is the remaining tokens sorted (word order does not matter); the *compact key* is the tokens in their
order without spaces (spacing does not matter: "Zhong Guo" = "Zhongguo"). Two names score the better
rapidfuzz ratio of the two keys (0..100); the same country adds COUNTRY_BOOST (a boost, never a filter).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import jieba
from anyascii import anyascii
from rapidfuzz import fuzz, process

#: Matches at or above this score (0..100, after the country boost) become review items.
MATCH_THRESHOLD = 88
#: Added to a name score when the party and the entry are in the same country.
COUNTRY_BOOST = 4

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
#: Chinese legal forms, longest first (removed before transliteration).
_LEGAL_FORMS_ZH = re.compile(r"股份有限公司|有限责任公司|有限公司|股份公司|分公司|公司")
#: Legal forms written in Latin letters (after transliteration and lower-casing), removed as whole tokens.
_LEGAL_TOKENS = frozenset(
    """
    ltd limited llc inc incorporated corp corporation co company cie gmbh mbh ag kg ohg ug gbr ev
    sa sas sarl srl spa sl sociedad bv nv plc llp lp oy oyj ab as asa aps kk pte pvt private pty jsc pjsc ojsc
    cjsc ooo oao zao ltda sdn bhd tbk pt se kft zrt doo dd sro spol fze fzco fzc dmcc fzllc
    """.split()
)
_LEGAL_PINYIN = re.compile(r"\b(?:gufen youxian gongsi|youxian zeren gongsi|youxian gongsi|gufen gongsi|gongsi)\b")
_NON_WORD = re.compile(r"[^a-z0-9]+")

_jieba_lock = threading.Lock()
jieba.setLogLevel(logging.WARNING)


@dataclass(frozen=True)
class NameKey:
    sorted_key: str
    compact: str


def _pinyin(text: str) -> str:
    """Chinese runs as space-separated pinyin words; the rest untouched."""

    def words(match: re.Match[str]) -> str:
        with _jieba_lock:  # jieba initialises its dictionary lazily and is not thread-safe while doing so
            segments = jieba.lcut(match.group(0), HMM=False)
        return " " + " ".join(anyascii(segment) for segment in segments) + " "

    return _CJK.sub(words, text)


@lru_cache(maxsize=4096)
def name_keys(name: str) -> NameKey | None:
    """The matching keys of one name, or None when nothing matchable is left."""
    text = unicodedata.normalize("NFKC", name or "").strip()
    if not text:
        return None
    text = _LEGAL_FORMS_ZH.sub(" ", text)
    text = anyascii(_pinyin(text)).lower().replace("&", " ")
    tokens = [token for token in _NON_WORD.sub(" ", text).split() if token]
    kept = [token for token in tokens if token not in _LEGAL_TOKENS]
    joined = _LEGAL_PINYIN.sub(" ", " ".join(kept)).split()
    # A name that is only a legal form ("Company Ltd") keeps its words rather than vanishing.
    words = joined or tokens
    if not words:
        return None
    return NameKey(sorted_key=" ".join(sorted(set(words))), compact="".join(words))


def name_score(a: NameKey, b: NameKey) -> float:
    """Similarity of two names, 0..100."""
    return max(fuzz.ratio(a.sorted_key, b.sorted_key), fuzz.ratio(a.compact, b.compact))


def keys_fingerprint(parts: Iterable[str]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Hit:
    entry_id: int
    score: Decimal
    party_name: str
    entry_name: str


@dataclass
class ListIndex:
    """The match keys of one list version, held in memory: one row per name or alias of an entry."""

    entry_ids: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    sorted_keys: list[str] = field(default_factory=list)
    compacts: list[str] = field(default_factory=list)
    countries: dict[int, str] = field(default_factory=dict)

    def add(self, entry_id: int, country: str, names: Sequence[str], keys: Sequence[Sequence[str]]) -> None:
        self.countries[entry_id] = country
        for display, (sorted_key, compact) in zip(names, keys, strict=True):
            self.entry_ids.append(entry_id)
            self.names.append(display)
            self.sorted_keys.append(sorted_key)
            self.compacts.append(compact)

    def search(self, names: Sequence[str], country: str, *, threshold: float = MATCH_THRESHOLD) -> dict[int, Hit]:
        """The best hit per entry at or above `threshold` for any of the party's `names`."""
        hits: dict[int, Hit] = {}
        # Candidates must reach the threshold before the boost; rapidfuzz skips the rest in C.
        cutoff = max(threshold - COUNTRY_BOOST, 0)
        for party_name in names:
            key = name_keys(party_name)
            if key is None:
                continue
            best: dict[int, float] = {}
            for query, choices in ((key.sorted_key, self.sorted_keys), (key.compact, self.compacts)):
                for _choice, score, position in process.extract(
                    query, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
                ):
                    best[position] = max(best.get(position, 0.0), score)
            for position, score in best.items():
                entry_id = self.entry_ids[position]
                total = min(score + (COUNTRY_BOOST if country and self.countries[entry_id] == country else 0), 100.0)
                if total < threshold:
                    continue
                value = Decimal(str(round(total, 1)))
                current = hits.get(entry_id)
                if current is None or value > current.score:
                    hits[entry_id] = Hit(entry_id, value, party_name, self.names[position])
        return hits


_indexes: dict[int, tuple[tuple[object, ...], ListIndex]] = {}
_indexes_lock = threading.Lock()


def cached_index(list_id: int, stamp: tuple[object, ...], build: Callable[[], ListIndex]) -> ListIndex:
    """The index of list `list_id` for version `stamp`, built by `build()` the first time it is asked for."""
    with _indexes_lock:
        cached = _indexes.get(list_id)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    index = build()
    with _indexes_lock:
        _indexes[list_id] = (stamp, index)
    return index
