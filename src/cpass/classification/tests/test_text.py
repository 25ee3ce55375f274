from __future__ import annotations

import pytest

from cpass.classification.text import code_query, index_terms, is_mostly_chinese, plain_text, query_terms, stem


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("pumps", "pump"),
        ("refrigerators", "refrigerator"),
        ("knives", "knife"),
        ("batteries", "battery"),
        ("boxes", "box"),
        ("glass", "glass"),
        ("bus", "bus"),
        ("tea", "tea"),
        ("2024", "2024"),
    ],
)
def test_stem_reduces_plurals_only(word, expected):
    assert stem(word) == expected


def test_index_terms_segment_chinese_into_words_bigrams_and_characters():
    terms = index_terms("Refrigerators; household", "家用压缩式冰箱").split()
    assert {"refrigerator", "household", "家用", "冰箱", "压缩", "冰", "箱"} <= set(terms)
    assert len(terms) == len(set(terms))


def test_query_terms_drop_stopwords_and_syntax():
    assert query_terms('"steel" OR * NEAR(knives) -- ; DROP TABLE x') == [
        "steel",
        "near",
        "knife",
        "drop",
        "table",
        "x",
    ]
    assert query_terms("of the other") == ["of", "the", "other"]  # nothing meaningful left: keep what there is
    assert query_terms("((( *** )))") == []
    assert "冰箱" in query_terms("家用冰箱")


@pytest.mark.parametrize(
    ("text", "digits"),
    [("8413.60", "841360"), (" 8413 60 00 ", "84136000"), ("84", "84"), ("8413a", None), ("pumps", None)],
)
def test_code_query(text, digits):
    assert code_query(text) == digits


def test_plain_text_removes_control_characters_and_lone_surrogates():
    assert plain_text(" gear\x00pump\ud800 \n\t for\x7foil ") == "gear pump for oil"
    assert plain_text("") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("家用双门冰箱 350L", True),
        ("LED球泡灯 E27灯头", True),
        ("LED bulb 球泡灯 E27 lamp", False),
        ("pumps", False),
        ("", False),
    ],
)
def test_is_mostly_chinese(text, expected):
    assert is_mostly_chinese(text) is expected
