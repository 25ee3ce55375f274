from __future__ import annotations

import pytest

from cpass.core.errors import NotFound, PermissionDenied, ValidationFailed
from cpass.places import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(owner, make_actor):
    return make_actor(owner)


def codes(actor, **filters) -> list[str]:
    return [location.unlocode for location in selectors.location_search(actor=actor, **filters)]


def test_code_queries_rank_exact_then_prefix(actor, places):
    assert codes(actor, q="CNSHA")[0] == "CNSHA"
    assert codes(actor, q="cn sha") == codes(actor, q="CNSHA")
    # "CNSH": code prefix CNSHA/CNSHB/CNSHK first (ports and airports first within), nothing else named "cnsh".
    assert codes(actor, q="CNSH") == ["CNSHA", "CNSHK", "CNSHB"]


def test_name_queries_rank_exact_prefix_then_word(actor, places):
    found = codes(actor, q="shanghai")
    # exact name, then names starting with it (ports/airports first), then a later word starting with it.
    assert found == ["CNSHA", "CNPVG", "CNSHB", "USSHZ"]
    assert "CNXSH" not in found  # "xinshanghai" does not start a word with "shanghai"
    assert codes(actor, q="pudong") == ["CNPVG"]
    assert codes(actor, q="Shanghai Pu") == ["CNPVG"]


def test_accents_case_and_chinese_input(actor, places):
    assert codes(actor, q="munchen") == ["DEMUC"]
    assert codes(actor, q="MÜNCHEN") == ["DEMUC"]
    assert codes(actor, q="上海")[0] == "CNSHA"


def test_two_letter_query_is_both_a_country_prefix_and_a_name_prefix(actor, places):
    found = codes(actor, q="sh")
    assert set(found) == {"CNSHA", "CNSHB", "CNPVG", "CNSHK", "USSHA", "USSHZ"}
    # No code starts with "SH" and no name is "sh": name prefixes, sea ports and airports first, by name.
    assert found[:3] == ["CNSHA", "CNPVG", "CNSHK"]


def test_country_and_function_filters(actor, places):
    assert codes(actor, country="de") == ["DEHAM", "DEMUC"]
    assert codes(actor, q="shanghai", country="US") == ["USSHZ"]
    assert codes(actor, function="airport", country="CN") == ["CNNGB", "CNPVG", "CNSHA"]
    assert codes(actor, function="Port", q="sh") == ["CNSHA", "CNSHK"]
    # Without a query: sea ports and airports first, then by code.
    assert codes(actor)[:3] == ["CNNGB", "CNPVG", "CNSHA"]


@pytest.mark.parametrize("query", ["", "   ", "'\";%_*()", "%", "_", "*", "()", "--", "' OR 1=1 --", "\x00"])
def test_absurd_queries_answer_cleanly(actor, places, query):
    found = codes(actor, q=query)
    assert found == ([] if query.strip() else codes(actor))


def test_wildcards_inside_a_query_are_not_patterns(actor, places):
    assert codes(actor, q="sh%") == codes(actor, q="sh")
    assert codes(actor, q="s_anghai") == []


def test_bad_filters_name_their_field(actor, places):
    with pytest.raises(ValidationFailed) as long:
        selectors.location_search(actor=actor, q="x" * 10_000)
    assert list(long.value.errors) == ["q"]
    with pytest.raises(ValidationFailed) as country:
        selectors.location_search(actor=actor, country="China")
    assert list(country.value.errors) == ["country"]
    with pytest.raises(ValidationFailed) as function:
        selectors.location_search(actor=actor, function="spaceport")
    assert list(function.value.errors) == ["function"]


def test_get_by_code_in_any_spelling(actor, places):
    assert selectors.location_get(actor=actor, unlocode="cn sha").name == "Shanghai"
    for missing in ("CNZZZ", "CN", "x" * 10_000, "'; drop table"):
        with pytest.raises(NotFound):
            selectors.location_get(actor=actor, unlocode=missing)


def test_token_without_reference_scope_is_refused(owner, make_actor, places):
    actor = make_actor(owner, scopes=frozenset({"documents:read"}))
    with pytest.raises(PermissionDenied):
        selectors.location_search(actor=actor, q="sha")
    with pytest.raises(PermissionDenied):
        selectors.location_get(actor=actor, unlocode="CNSHA")
