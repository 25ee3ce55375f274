from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpass.places.text import prefix_end, search_key, word_tails


def test_search_keys_fold_case_accents_and_chinese():
    assert search_key("São Paulo (SP)") == "sao paulo sp"
    assert search_key("上海") == "shanghai"
    assert search_key("'\";%_*()") == ""


def test_word_tails_start_at_each_later_word():
    assert word_tails("shanghai pudong apt") == ["pudong apt", "apt"]
    assert word_tails("ningbo") == []


@pytest.mark.parametrize(
    ("prefix", "end"),
    [("san", "sao"), ("saz", "sb"), ("a9", "aa"), ("a z", "b"), ("zz", None), ("CNSH", "CNSI"), ("CN9", "CNA")],
)
def test_prefix_end(prefix, end):
    assert prefix_end(prefix) == end


@given(
    prefix=st.text(alphabet="abz09 ", min_size=1, max_size=4).map(str.strip).filter(bool),
    rest=st.text(alphabet="abz09 ", max_size=4),
)
def test_every_string_with_the_prefix_is_inside_its_range(prefix, rest):
    end = prefix_end(prefix)
    key = prefix + rest
    assert key >= prefix
    if end is not None:
        assert key < end
