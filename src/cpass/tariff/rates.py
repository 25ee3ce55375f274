"""Rate text → structured rates, for our national tariff format and for the US HTS columns.

Our grammar (docs/reference/tariff-formats.md), shared by every rate column:

    rate     := term | term "+" term          (compound: one ad valorem + one specific, summed)
    term     := "Free" | NUMBER "%" | NUMBER CURRENCY "/" UNIT
    list     := entry (";" entry)*            (conventional and preferential columns)
    entry    := AGREEMENT "[" ORIGINS "]" "=" rate      ORIGINS: alpha-3 codes, or "*" = every party

Parsing is pure and cached: a tariff file repeats the same few hundred rate texts on every line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils.translation import gettext as _

from cpass.tariff.agreements import agreement_parties


class RateSyntaxError(ValueError):
    """The rate text does not follow the grammar; the message says what is wrong and how to write it."""


@dataclass(frozen=True)
class ParsedRate:
    """One rate as numbers: ad valorem percent and/or a specific amount per unit."""

    ad_valorem: Decimal | None = None
    specific_amount: Decimal | None = None
    specific_currency: str = ""
    specific_unit: str = ""
    combination: str = "single"  # a cpass.tariff.models.RateCombination value
    text: str = ""


@dataclass(frozen=True)
class AgreementRate:
    agreement: str
    origins: tuple[str, ...]
    rate: ParsedRate


_NUMBER = r"(\d+(?:\.\d+)?)"
_AD_VALOREM = re.compile(rf"{_NUMBER}\s*%")
_SPECIFIC = re.compile(rf"{_NUMBER}\s*([A-Z]{{3}})\s*/\s*([0-9A-Za-z]{{1,10}})")
_ENTRY = re.compile(r"([A-Z][A-Z0-9-]{0,39})\s*\[([^\]]*)\]\s*=\s*(.+)")
_ORIGIN = re.compile(r"[A-Z]{3}")
HELP = "“8%”, “Free”, “250 CNY/070” or “20% + 1 CNY/095”"


#: What a stored rate holds (DutyRate: 4 decimal places; a specific amount below 10 digits before the point).
RATE_PLACES = 4
MAX_AMOUNT_DIGITS = 10


def decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regular expressions only let digits through
        raise RateSyntaxError(_("“%(text)s” is not a number.") % {"text": text}) from None
    if decimal_places(value) > RATE_PLACES:
        raise RateSyntaxError(
            _("“%(text)s” has more than %(places)s decimal places.") % {"text": text, "places": RATE_PLACES}
        )
    if value and value.adjusted() >= MAX_AMOUNT_DIGITS:
        raise RateSyntaxError(
            _("“%(text)s” has more than %(digits)s digits before the decimal point.")
            % {"text": text, "digits": MAX_AMOUNT_DIGITS}
        )
    return value


@lru_cache(maxsize=4096)
def parse_rate(text: str) -> ParsedRate | None:
    """Our rate grammar. Empty text is no rate (None); anything unreadable raises RateSyntaxError."""
    text = " ".join(text.split())
    if not text:
        return None
    terms = [term.strip() for term in text.split("+")]
    if len(terms) > 2 or not all(terms):
        raise RateSyntaxError(_("“%(text)s” is not a rate: write %(help)s.") % {"text": text, "help": HELP})
    ad_valorem: Decimal | None = None
    amount: Decimal | None = None
    currency = unit = ""
    for term in terms:
        if term.lower() == "free":
            if len(terms) > 1:
                raise RateSyntaxError(_("“Free” cannot be part of a compound rate (“%(text)s”).") % {"text": text})
            return ParsedRate(ad_valorem=Decimal(0), text=text)
        if match := _AD_VALOREM.fullmatch(term):
            if ad_valorem is not None:
                raise RateSyntaxError(_("“%(text)s” has two ad valorem parts.") % {"text": text})
            ad_valorem = _decimal(match[1])
            if ad_valorem > 1000:
                raise RateSyntaxError(_("“%(text)s”: an ad valorem rate above 1000%% is a typo.") % {"text": text})
        elif match := _SPECIFIC.fullmatch(term):
            if amount is not None:
                raise RateSyntaxError(_("“%(text)s” has two specific parts.") % {"text": text})
            amount, currency, unit = _decimal(match[1]), match[2], match[3]
        else:
            raise RateSyntaxError(
                _("“%(term)s” in “%(text)s” is neither a percentage nor an amount per unit: write %(help)s.")
                % {"term": term, "text": text, "help": HELP}
            )
    compound = ad_valorem is not None and amount is not None
    return ParsedRate(
        ad_valorem=ad_valorem,
        specific_amount=amount,
        specific_currency=currency,
        specific_unit=unit,
        combination="sum" if compound else "single",
        text=text,
    )


@lru_cache(maxsize=4096)
def parse_agreement_rates(text: str) -> tuple[AgreementRate, ...]:
    """`RCEP[JPN KOR]=5%; CN-ASEAN[*]=0%` → one AgreementRate per entry, `*` expanded to the parties."""
    entries: list[AgreementRate] = []
    seen: set[tuple[str, str]] = set()
    for raw in text.split(";"):
        raw = raw.strip()
        if not raw:
            continue
        match = _ENTRY.fullmatch(raw)
        if match is None:
            raise RateSyntaxError(
                _("“%(entry)s” is not AGREEMENT[ORIGINS]=RATE, e.g. “RCEP[JPN KOR]=5%%” or “CN-ASEAN[*]=0%%”.")
                % {"entry": raw}
            )
        agreement, origin_text, rate_text = match[1], match[2].split(), match[3]
        if origin_text == ["*"]:
            parties = agreement_parties(agreement)
            if parties is None:
                raise RateSyntaxError(
                    _("“%(agreement)s[*]”: we do not know the parties of %(agreement)s; list the origins.")
                    % {"agreement": agreement}
                )
            origins = parties
        else:
            if not origin_text:
                raise RateSyntaxError(_("“%(entry)s” names no origin country.") % {"entry": raw})
            bad = [code for code in origin_text if not _ORIGIN.fullmatch(code)]
            if bad:
                raise RateSyntaxError(
                    _("“%(codes)s” in “%(entry)s”: origins are ISO alpha-3 codes (JPN, KOR) or “*”.")
                    % {"codes": " ".join(bad), "entry": raw}
                )
            origins = tuple(sorted(set(origin_text)))
        for origin in origins:
            if (agreement, origin) in seen:
                raise RateSyntaxError(
                    _("%(agreement)s gives origin %(origin)s two rates.") % {"agreement": agreement, "origin": origin}
                )
            seen.add((agreement, origin))
        rate = parse_rate(rate_text)
        if rate is None:  # pragma: no cover - the regular expression requires text after "="
            raise RateSyntaxError(_("“%(entry)s” has no rate.") % {"entry": raw})
        entries.append(AgreementRate(agreement=agreement, origins=origins, rate=rate))
    return tuple(entries)


# -- US HTS rate text ------------------------------------------------------------------------

#: A number of the US schedule: “6.8”, or with a vulgar fraction, “33 1/3” (whole part optional).
_US_NUMBER = r"\d+(?:\.\d+)?(?:\s+\d+/\d+)?|\d+/\d+"
#: Where the US schedule writes amounts per a unit (¢/kg, $/doz.): its unit words, normalised.
_US_TERM = re.compile(
    rf"(?:(?P<pct>{_US_NUMBER})\s*%"
    rf"|(?P<cents>{_US_NUMBER})\s*¢\s*(?:/\s*(?P<cunit>[A-Za-z][A-Za-z0-9 .²³]*?)|(?P<ceach>each))"
    rf"|\$\s*(?P<dollars>{_US_NUMBER})\s*(?:/\s*(?P<dunit>[A-Za-z][A-Za-z0-9 .²³]*?)|(?P<deach>each)))"
)
#: Rates are stored with 4 decimal places (DutyRate.ad_valorem, specific_amount): 33 1/3% is 33.3333.
_US_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class UsRate:
    """A US rate: `parsed` when the text follows the schedule's usual forms, else None (kept as text)."""

    text: str
    parsed: ParsedRate | None


def _us_unit(unit: str) -> str:
    return unit.strip().rstrip(".").strip()[:10]


def _us_number(text: str) -> Decimal | None:
    """“6.8” → 6.8, “33 1/3” → 33.3333 (rounded to the stored 4 places); None for an improper
    fraction (“1 3/2”, “1/0”), which is then kept as text rather than guessed."""
    whole, _space, fraction = text.rpartition(" ") if "/" in text else (text, "", "")
    if not fraction:
        return Decimal(whole)
    numerator, denominator = (int(part) for part in fraction.split("/"))
    if denominator == 0 or (whole and numerator >= denominator):
        return None
    return _stored(Decimal(whole.strip() or 0) + Decimal(numerator) / Decimal(denominator))


def _stored(value: Decimal) -> Decimal:
    """`value` rounded to the 4 decimal places the database keeps, when it has more."""
    exponent = value.as_tuple().exponent
    return value.quantize(_US_PLACES) if isinstance(exponent, int) and exponent < -4 else value


@lru_cache(maxsize=8192)
def parse_us_rate(text: str) -> UsRate | None:
    """“Free”, “6.8%”, “33 1/3%”, “4.4¢/kg”, “$1.035/kg”, “1.5¢/kg + 5%”, “$2.25/doz. + 9%”, “25¢/liter”.

    Anything else (“See 9903.88.15”, “The rate applicable to …”, three-part rates, “on the
    drained weight”) is returned unparsed, never guessed.
    """
    text = " ".join(text.split())
    if not text:
        return None
    if text.lower() == "free":
        return UsRate(text, ParsedRate(ad_valorem=Decimal(0), text=text))
    terms = [term.strip() for term in text.split("+")]
    if len(terms) > 2:
        return UsRate(text, None)
    ad_valorem: Decimal | None = None
    amount: Decimal | None = None
    currency = unit = ""
    for term in terms:
        match = _US_TERM.fullmatch(term)
        if match is None:
            return UsRate(text, None)
        if match["pct"] is not None:
            if ad_valorem is not None:
                return UsRate(text, None)
            ad_valorem = _us_number(match["pct"])
            if ad_valorem is None:
                return UsRate(text, None)
        else:
            if amount is not None:
                return UsRate(text, None)
            if match["cents"] is not None:
                cents = _us_number(match["cents"])
                amount = None if cents is None else _stored(cents / 100)
                unit = _us_unit(match["cunit"] or match["ceach"])
            else:
                amount = _us_number(match["dollars"])
                unit = _us_unit(match["dunit"] or match["deach"])
            currency = "USD"
            if amount is None or not unit:
                return UsRate(text, None)
    compound = ad_valorem is not None and amount is not None
    return UsRate(
        text,
        ParsedRate(
            ad_valorem=ad_valorem,
            specific_amount=amount,
            specific_currency=currency,
            specific_unit=unit,
            combination="sum" if compound else "single",
            text=text,
        ),
    )


@lru_cache(maxsize=8192)
def parse_us_special(text: str) -> tuple[tuple[str, UsRate], ...]:
    """The `special` column: “Free (A+,AU,BH,CL)” → one rate per programme code.

    Several groups may follow each other (“Free (A,AU) 3.5% (JO)”); text that is not in that
    shape is returned as one unparsed entry with an empty programme.
    """
    text = " ".join(text.split())
    if not text:
        return ()
    groups = [(rate.strip(), codes) for rate, codes in re.findall(r"([^()]+?)\s*\(([^()]*)\)", text)]
    rebuilt = " ".join(f"{rate} ({codes})" for rate, codes in groups)
    if not groups or rebuilt != text:
        return (("", UsRate(text, None)),)
    result: list[tuple[str, UsRate]] = []
    for rate_text, codes in groups:
        rate = parse_us_rate(rate_text.strip())
        if rate is None:
            return (("", UsRate(text, None)),)
        for code in codes.split(","):
            code = code.strip()
            if code:
                result.append((code, rate))
    return tuple(result)


def describe(rate: ParsedRate | None) -> str:
    """A rate in our grammar (the canonical text), for messages."""
    if rate is None:
        return ""
    parts = []
    if rate.ad_valorem is not None:
        parts.append(f"{rate.ad_valorem.normalize():f}%")
    if rate.specific_amount is not None:
        parts.append(f"{rate.specific_amount.normalize():f} {rate.specific_currency}/{rate.specific_unit}")
    return " + ".join(parts)


_FOUR_PLACES = Decimal("0.0001")


def _four_places(value: object) -> str | None:
    return None if value is None else format(Decimal(str(value)).quantize(_FOUR_PLACES), "f")


def rate_set_key(rows: Iterable[Sequence[object]]) -> str:
    """The key of a set of rate rows, each (kind, agreement, origins, ad valorem, specific amount, currency, unit,
    combination, text, unparsed) as loaded or as stored: amounts to the 4 places the database keeps, rows in
    any order. The same rates give the same key, so lines carrying them share one `RateSet`."""
    canonical = [(*row[:3], _four_places(row[3]), _four_places(row[4]), *row[5:]) for row in rows]
    text = repr(sorted(canonical, key=repr))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
