"""Our bilingual trade glossary: Chinese goods words read as the English words of the HS nomenclature.

The HS texts we load are English only, so a Chinese description (不锈钢厨师刀) shares no word with
them. fixtures/glossary_zh_en.csv (written by us, about 600 terms common in customs goods
descriptions: materials, product nouns, food, descriptive words) maps each Chinese term to the words
the nomenclature uses ("不锈钢" -> "stainless steel", "手机" -> "telephones cellular networks
smartphones"). A query is segmented with jieba; runs of its words that form a glossary term are read
as that term, longest first, and inside a longer word that is not a term the longest terms it contains.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cpass.classification.text import cjk_runs, jieba_words

GLOSSARY_FILE = Path(__file__).resolve().parent / "fixtures" / "glossary_zh_en.csv"
#: The longest glossary term spans at most this many jieba words (聚对苯二甲酸乙二醇酯 is five);
#: tests check that every term is read whole on its own.
_MAX_WORDS = 6
_CJK_ONLY = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@dataclass(frozen=True)
class Translation:
    """One Chinese term of a query and the English words it is read as."""

    zh: str
    en: str


@lru_cache(maxsize=1)
def glossary() -> dict[str, str]:
    """zh -> English words; lines starting with "#" are section comments."""
    terms: dict[str, str] = {}
    with GLOSSARY_FILE.open(encoding="utf-8", newline="") as stream:
        for row in csv.reader(line for line in stream if not line.startswith("#")):
            if len(row) != 2 or row[0] == "zh":
                continue
            zh, en = row[0].strip(), " ".join(row[1].split())
            if _CJK_ONLY.fullmatch(zh) and en:
                terms[zh] = en
    return terms


@lru_cache(maxsize=1)
def _longest_term() -> int:
    return max(map(len, glossary()), default=1)


def _terms_inside(word: str, terms: dict[str, str]) -> list[str]:
    """The glossary terms inside a word that is not one, longest first from the left (forward maximum match)."""
    found = []
    start = 0
    while start < len(word):
        for end in range(min(len(word), start + _longest_term()), start, -1):
            if word[start:end] in terms:
                found.append(word[start:end])
                start = end
                break
        else:
            start += 1
    return found


def translate(text: str) -> list[Translation]:
    """The glossary terms of `text`'s Chinese parts, in order, each once."""
    terms = glossary()
    found: dict[str, None] = {}
    for run in cjk_runs(text):
        words = jieba_words(run)
        i = 0
        while i < len(words):
            for span in range(min(_MAX_WORDS, len(words) - i), 0, -1):
                candidate = "".join(words[i : i + span])
                if candidate in terms:
                    found.setdefault(candidate, None)
                    i += span
                    break
            else:
                for term in _terms_inside(words[i], terms):
                    found.setdefault(term, None)
                i += 1
    return [Translation(zh, terms[zh]) for zh in found]


def with_reading(text: str, translations: list[Translation] | None = None) -> str:
    """`text` followed by the English reading of its Chinese terms, in brackets: what gets embedded, for
    queries and confirmed descriptions alike, so both compare with the English nomenclature."""
    found = translate(text) if translations is None else translations
    english = " ".join(term.en for term in found)
    return f"{text} ({english})" if english else text
