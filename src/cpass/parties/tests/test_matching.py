from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpass.parties.matching import COUNTRY_BOOST, MATCH_THRESHOLD, ListIndex, name_keys, name_score


def score(a: str, b: str) -> float:
    key_a, key_b = name_keys(a), name_keys(b)
    assert key_a is not None
    assert key_b is not None
    return name_score(key_a, key_b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Zhongguo Jixie", "中国机械"),  # pinyin against Chinese characters
        ("Zhong Guo Ji Xie", "中国机械有限公司"),  # syllables spaced differently, legal form dropped
        ("中国机械进出口有限公司", "Zhongguo Jixie Jinchukou Youxian Gongsi"),  # pinyin legal form dropped
        ("Société Générale SA", "Societe Generale"),  # diacritics and legal form
        ("Ivan Petrov", "PETROV, Ivan"),  # word order and punctuation
        ("Иван Петров", "Ivan Petrov"),  # Cyrillic transliterated
        ("Hamburg Maschinenbau GmbH", "Hamburg Maschinenbau AG"),  # legal forms differ
        ("Red Falcon General Trading FZE", "Red Falcon General Trading LLC"),
    ],
)
def test_same_names_in_other_scripts_forms_and_orders_score_100(a, b):
    assert score(a, b) == 100


def test_small_spelling_differences_stay_above_the_threshold():
    assert score("Müller Maschinen GmbH", "Mueller Maschinen") >= MATCH_THRESHOLD
    assert score("Acme Trading", "Acme Tradings") >= MATCH_THRESHOLD


def test_different_names_stay_below_the_threshold():
    assert score("Hamburg Maschinenbau", "Bremen Maschinenbau") < MATCH_THRESHOLD
    assert score("China Machinery", "China Minmetals") < MATCH_THRESHOLD
    assert score("Great Lakes Industrial Supply", "Red Falcon General Trading") < 50


def test_a_name_made_only_of_legal_forms_keeps_its_words():
    key = name_keys("Company Ltd.")
    assert key is not None
    assert key.sorted_key == "company ltd"
    assert name_keys("  ") is None
    assert name_keys("---") is None


def _index(*entries: tuple[int, str, list[str]]) -> ListIndex:
    index = ListIndex()
    for entry_id, country, names in entries:
        keys = [name_keys(name) for name in names]
        index.add(entry_id, country, names, [[k.sorted_key, k.compact] for k in keys if k is not None])
    return index


def test_index_finds_aliases_and_keeps_the_best_hit_per_entry():
    index = _index(
        (1, "RUS", ["Borealis Pribor OOO", "Borealis Precision Instruments"]), (2, "CHN", ["北极星精密机械"])
    )
    hits = index.search(["Borealis Precision Instruments LLC", "Beijixing Jingmi Jixie"], "")
    assert set(hits) == {1, 2}
    assert hits[1].score == Decimal("100.0")
    assert hits[1].entry_name == "Borealis Precision Instruments"
    assert hits[2].party_name == "Beijixing Jingmi Jixie"


def test_threshold_edges_and_country_boost():
    # "Acme" ~ "Acmex" scores 88.9 on the name alone.
    index = _index((1, "USA", ["Acmex"]))
    assert set(index.search(["Acme"], "", threshold=88)) == {1}
    assert index.search(["Acme"], "", threshold=89) == {}
    # The same country lifts it by COUNTRY_BOOST (a boost, not a filter: other countries still match).
    boosted = index.search(["Acme"], "USA", threshold=92)
    assert boosted[1].score == Decimal(str(round(800 / 9 + COUNTRY_BOOST, 1)))
    assert index.search(["Acme"], "DEU", threshold=92) == {}
    assert set(index.search(["Acme"], "DEU", threshold=88)) == {1}


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_any_text_gives_ascii_keys_and_matches_itself(name):
    key = name_keys(name)
    if key is None:
        return
    assert key.compact
    assert key.sorted_key.isascii()
    assert key.compact.isascii()
    assert key.compact == key.compact.lower()
    assert name_score(key, key) == 100


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["Falcon", "Red", "Trading", "General", "Ltd", "GmbH", "Иван", "贸易"]), max_size=6))
def test_word_order_never_changes_the_score(words):
    forward, backward = name_keys(" ".join(words)), name_keys(" ".join(reversed(words)))
    assert (forward is None) == (backward is None)
    if forward is not None and backward is not None:
        assert name_score(forward, backward) == 100
