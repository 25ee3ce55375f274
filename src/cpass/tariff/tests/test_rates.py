"""The rate grammar of our tariff format and the US HTS rate text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpass.tariff.agreements import ASEAN
from cpass.tariff.rates import (
    ParsedRate,
    RateSyntaxError,
    describe,
    parse_agreement_rates,
    parse_rate,
    parse_us_rate,
    parse_us_special,
)

amounts = st.decimals(min_value=0, max_value=Decimal("999.9999"), places=4, allow_nan=False, allow_infinity=False)
units = st.sampled_from(["035", "095", "070", "143", "001"])


def test_our_grammar_reads_the_three_shapes() -> None:
    assert parse_rate("8%") == ParsedRate(ad_valorem=Decimal(8), text="8%")
    assert parse_rate("Free") == ParsedRate(ad_valorem=Decimal(0), text="Free")
    assert parse_rate("  250  CNY/070 ") == ParsedRate(
        specific_amount=Decimal(250), specific_currency="CNY", specific_unit="070", text="250 CNY/070"
    )
    assert parse_rate("20% + 1 CNY/095") == ParsedRate(
        ad_valorem=Decimal(20),
        specific_amount=Decimal(1),
        specific_currency="CNY",
        specific_unit="095",
        combination="sum",
        text="20% + 1 CNY/095",
    )
    assert parse_rate("") is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("8", "neither a percentage nor an amount per unit"),
        ("abc%", "neither a percentage"),
        ("5% + 6%", "two ad valorem parts"),
        ("1 CNY/035 + 2 CNY/035", "two specific parts"),
        ("Free + 5%", "cannot be part of a compound rate"),
        ("1% + 2% + 3%", "is not a rate"),
        ("5% +", "is not a rate"),
        ("1500%", "above 1000%"),
        ("-5%", "neither a percentage"),
        ("99999999999 CNY/035", "more than 10 digits before the decimal point"),
        ("2.12345%", "more than 4 decimal places"),
        ("0.00001 CNY/035", "more than 4 decimal places"),
    ],
)
def test_bad_rates_say_what_is_wrong(text: str, fragment: str) -> None:
    with pytest.raises(RateSyntaxError) as caught:
        parse_rate(text)
    assert fragment in str(caught.value)


@given(ad_valorem=amounts, amount=amounts, unit=units)
def test_any_compound_rate_round_trips_through_describe(ad_valorem: Decimal, amount: Decimal, unit: str) -> None:
    text = f"{ad_valorem}% + {amount} CNY/{unit}"
    parsed = parse_rate(text)
    assert parsed is not None
    assert (parsed.ad_valorem, parsed.specific_amount, parsed.specific_unit, parsed.combination) == (
        ad_valorem,
        amount,
        unit,
        "sum",
    )
    again = parse_rate(describe(parsed))
    assert again is not None
    assert (again.ad_valorem, again.specific_amount, again.specific_currency) == (ad_valorem, amount, "CNY")


@given(ad_valorem=amounts)
def test_any_ad_valorem_rate_parses_exactly(ad_valorem: Decimal) -> None:
    parsed = parse_rate(f"{ad_valorem}%")
    assert parsed is not None
    assert (parsed.ad_valorem, parsed.specific_amount, parsed.combination) == (ad_valorem, None, "single")


def test_agreement_lists_expand_the_parties_and_refuse_doubles() -> None:
    entries = parse_agreement_rates("RCEP[JPN KOR]=5%; CN-ASEAN[*]=0%")
    assert [(e.agreement, e.origins, e.rate.ad_valorem) for e in entries] == [
        ("RCEP", ("JPN", "KOR"), Decimal(5)),
        ("CN-ASEAN", ASEAN, Decimal(0)),
    ]
    with pytest.raises(RateSyntaxError, match="gives origin JPN two rates"):
        parse_agreement_rates("RCEP[JPN]=5%; RCEP[JPN KOR]=4%")
    with pytest.raises(RateSyntaxError, match="we do not know the parties of XX-FTA"):
        parse_agreement_rates("XX-FTA[*]=0%")
    with pytest.raises(RateSyntaxError, match="origins are ISO alpha-3 codes"):
        parse_agreement_rates("RCEP[JP]=0%")
    with pytest.raises(RateSyntaxError, match="is not AGREEMENT"):
        parse_agreement_rates("RCEP 5%")
    with pytest.raises(RateSyntaxError, match="names no origin"):
        parse_agreement_rates("RCEP[ ]=5%")


@pytest.mark.parametrize(
    ("text", "ad_valorem", "amount", "unit", "combination"),
    [
        ("Free", Decimal(0), None, "", "single"),
        ("6.5%", Decimal("6.5"), None, "", "single"),
        ("2.8¢/kg", None, Decimal("0.028"), "kg", "single"),
        ("$1.035/kg + 2.6%", Decimal("2.6"), Decimal("1.035"), "kg", "sum"),
        ("1.5¢/kg + 5%", Decimal(5), Decimal("0.015"), "kg", "sum"),
        ("$2.25/doz. + 9%", Decimal(9), Decimal("2.25"), "doz", "sum"),
        ("25¢/liter", None, Decimal("0.25"), "liter", "single"),
        ("37.5¢ each", None, Decimal("0.375"), "each", "single"),
    ],
)
def test_us_rate_text_parses_into_structured_rates(
    text: str, ad_valorem: Decimal | None, amount: Decimal | None, unit: str, combination: str
) -> None:
    us = parse_us_rate(text)
    assert us is not None
    assert us.parsed is not None
    parsed = us.parsed
    assert (parsed.ad_valorem, parsed.specific_amount, parsed.specific_unit, parsed.combination) == (
        ad_valorem,
        amount,
        unit,
        combination,
    )
    assert parsed.specific_currency == ("USD" if amount is not None else "")


@pytest.mark.parametrize(
    "text", ["See 9903.88.15", "1¢/kg + 2% + 3¢/kg", "The rate applicable to the article", "5% + 6%"]
)
def test_us_rate_text_that_does_not_parse_is_kept_not_guessed(text: str) -> None:
    us = parse_us_rate(text)
    assert us is not None
    assert (us.text, us.parsed) == (text, None)


def test_us_special_column_gives_one_rate_per_programme() -> None:
    special = parse_us_special("Free (A+,AU,BH,CL) 3.5% (JO)")
    assert [(code, us.parsed.ad_valorem if us.parsed else None) for code, us in special] == [
        ("A+", Decimal(0)),
        ("AU", Decimal(0)),
        ("BH", Decimal(0)),
        ("CL", Decimal(0)),
        ("JO", Decimal("3.5")),
    ]
    assert parse_us_special("") == ()
    odd = parse_us_special("Free, see note 3")
    assert [(code, us.text, us.parsed) for code, us in odd] == [("", "Free, see note 3", None)]


@pytest.mark.parametrize(
    ("text", "ad_valorem", "amount"),
    [
        ("33 1/3%", Decimal("33.3333"), None),
        ("33 1/3 %", Decimal("33.3333"), None),
        ("1/2%", Decimal("0.5"), None),
        ("12 1/2%", Decimal("12.5"), None),
        ("1 1/2¢/kg + 33 1/3%", Decimal("33.3333"), Decimal("0.015")),
    ],
)
def test_us_fractional_rates_parse_to_the_stored_four_places(
    text: str, ad_valorem: Decimal, amount: Decimal | None
) -> None:
    us = parse_us_rate(text)
    assert us is not None
    assert us.parsed is not None
    assert (us.parsed.ad_valorem, us.parsed.specific_amount, us.text) == (ad_valorem, amount, text)


@pytest.mark.parametrize("text", ["1 3/2%", "1/0%", "33 1/3/4%"])
def test_us_fractions_that_are_not_proper_stay_text(text: str) -> None:
    us = parse_us_rate(text)
    assert us is not None
    assert (us.text, us.parsed) == (text, None)


def test_us_special_column_reads_fractional_rates() -> None:
    special = parse_us_special("33 1/3% (A,JO)")
    assert [(code, us.parsed.ad_valorem if us.parsed else None) for code, us in special] == [
        ("A", Decimal("33.3333")),
        ("JO", Decimal("33.3333")),
    ]
