from __future__ import annotations

import pytest

from cpass.core.errors import NotFound, PermissionDenied, ValidationFailed
from cpass.places import selectors
from cpass.places.tests.factories import load_places, locode_row

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


@pytest.fixture
def ranked(db: None) -> None:
    """Every ranked part of a search for "rotterdam" and for "ro", with a major and a minor place in each."""
    load_places(
        locode_row("NLRTM", "Rotterdam", function="1-34----"),  # exact name, major
        locode_row("NLRTX", "Rotterdam", function="--3-----"),  # exact name, minor
        locode_row("NLRTA", "Rotterdam Airport", function="---4----"),  # name prefix, major
        locode_row("NLRTB", "Rotterdam Botlek", function="--3-----"),  # name prefix, minor
        locode_row("DEXRT", "Port of Rotterdam West", function="1-------"),  # a later word, major
        locode_row("BEXRT", "Nieuw Rotterdam", function="--3-----"),  # a later word, minor
        locode_row("ROCND", "Constanta", function="1-------"),  # code prefix RO, major
        locode_row("ROROM", "Roman", function="--3-----"),  # code prefix RO, minor; its name starts with "ro" too
    )


RANKED = {
    "rotterdam": ["NLRTM", "NLRTX", "NLRTA", "NLRTB", "DEXRT", "BEXRT"],
    # The code prefix first (Roman once, as a code), then names, then later words.
    "ro": ["ROCND", "ROROM", "NLRTM", "NLRTA", "NLRTX", "NLRTB", "DEXRT", "BEXRT"],
    # Up to three letters the later words are read in a second query, from four on in the same one.
    "rot": ["NLRTM", "NLRTA", "NLRTX", "NLRTB", "DEXRT", "BEXRT"],
    "NLRT": ["NLRTM", "NLRTA", "NLRTX", "NLRTB"],  # a code prefix: major first, then by name
    "NLRTX": ["NLRTX"],
    "": ["DEXRT", "NLRTA", "NLRTM", "ROCND", "BEXRT", "NLRTB", "NLRTX", "ROROM"],  # no query: major first, by code
}


@pytest.mark.parametrize("query", list(RANKED))
def test_every_part_in_rank_order(actor, ranked, query):
    search = selectors.location_search(actor=actor, q=query)
    assert [location.unlocode for location in search] == RANKED[query]
    assert (search.count(), len(search)) == (len(RANKED[query]), len(RANKED[query]))


@pytest.mark.parametrize("query", list(RANKED))
def test_every_slice_is_the_same_slice_of_the_whole(actor, ranked, query):
    # Each slice is read on its own (parts cut at its end, word matches after the ranked parts): whatever
    # the window, it must be that window of the whole ranking.
    expected = RANKED[query]
    for start in range(len(expected) + 2):
        for stop in range(start, len(expected) + 3):
            search = selectors.location_search(actor=actor, q=query)
            assert [location.unlocode for location in search[start:stop]] == expected[start:stop], (start, stop)
    search = selectors.location_search(actor=actor, q=query)
    assert search[len(expected) - 1].unlocode == expected[-1]
    with pytest.raises(IndexError):
        search[len(expected)]
    with pytest.raises(ValueError, match="Negative"):
        search[-1]


def test_filters_apply_to_every_part(actor, ranked):
    assert codes(actor, q="rotterdam", country="NL") == ["NLRTM", "NLRTX", "NLRTA", "NLRTB"]
    assert codes(actor, q="rotterdam", function="port") == ["NLRTM", "DEXRT"]
    assert codes(actor, q="ro", country="RO") == ["ROCND", "ROROM"]
    assert codes(actor, q="ro", country="DE") == ["DEXRT"]
    assert codes(actor, country="NL") == ["NLRTA", "NLRTM", "NLRTB", "NLRTX"]
    assert codes(actor, country="NL", function="airport") == ["NLRTA", "NLRTM"]
