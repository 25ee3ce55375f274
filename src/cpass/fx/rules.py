"""Customs exchange-rate rules (计征汇率): which published rate a jurisdiction's customs applies on a date.

A rule is keyed by a string (the tariff app's `Jurisdiction.exchange_rate_rule` holds it); a
jurisdiction code maps to its rule, home currency and the sources it accepts, in preference order.
Every finding says how it was found (rule, rate date, source, fallback) for the duty engine's trace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

WEDNESDAY = 2
#: China's current collection rules (海关总署令第272号) apply to tax dates from this day on.
CN_2024_RULES_FROM = dt.date(2024, 12, 1)


def previous_month(on: dt.date) -> tuple[int, int]:
    first = on.replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


def nth_wednesday(year: int, month: int, n: int) -> dt.date:
    """The n-th (1-based) Wednesday of a month."""
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(WEDNESDAY - first.weekday()) % 7 + 7 * (n - 1))


def penultimate_wednesday(year: int, month: int) -> dt.date:
    next_first = dt.date(year + month // 12, month % 12 + 1, 1)
    last = next_first - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - WEDNESDAY) % 7 + 7)


@dataclass(frozen=True)
class RateDays:
    """The days whose published rate a rule takes, best first, and what the first one is called."""

    days: tuple[dt.date, ...]
    description: str | Promise


@dataclass(frozen=True)
class Rule:
    key: str
    label: str | Promise
    #: The regulation the rule follows (shown with every finding).
    legal_basis: str | Promise
    #: on → the candidate publication days, best first.
    days: Callable[[dt.date], RateDays]
    #: Decimal places the rule rounds the rate to (half up), or None to keep the published rate.
    places: int | None
    #: True when a monthly average (period "month") is not acceptable: a rule of published days.
    daily_only: bool = True


def _cn_days(on: dt.date) -> RateDays:
    year, month = previous_month(on)
    third = nth_wednesday(year, month, 3)
    if on >= CN_2024_RULES_FROM:
        # 272号令 第十三条: the next interbank trading day when the third Wednesday is not one.
        return RateDays(
            tuple(third + dt.timedelta(days=offset) for offset in range(8)),
            _("the third Wednesday of the previous month, else the next day with a published rate"),
        )
    # 124号令 第十六条: the fourth Wednesday when the third is a public holiday.
    return RateDays(
        (third, nth_wednesday(year, month, 4)),
        _("the third Wednesday of the previous month, else the fourth Wednesday"),
    )


def _eu_days(on: dt.date) -> RateDays:
    year, month = previous_month(on)
    penultimate = penultimate_wednesday(year, month)
    return RateDays(
        tuple(penultimate - dt.timedelta(days=offset) for offset in range(8)),
        _("the penultimate Wednesday of the previous month, else the last day before it with a rate"),
    )


def _daily(on: dt.date) -> RateDays:
    return RateDays((on,), _("the date itself"))


RULES: dict[str, Rule] = {
    rule.key: rule
    for rule in (
        Rule(
            key="cn-monthly-third-wednesday",
            label=_("China customs: monthly rate from the third Wednesday of the previous month"),
            legal_basis=_(
                "《中华人民共和国海关进出口货物征税管理办法》(海关总署令第272号) 第十三条, in force from "
                "1 December 2024; before then 海关总署令第124号 第十六条 "
                "(fourth Wednesday when the third is a holiday). "
                "Rates rounded half up to 4 decimal places."
            ),
            days=_cn_days,
            places=4,
        ),
        Rule(
            key="eu-monthly-penultimate-wednesday",
            label=_("EU customs: monthly rate from the penultimate Wednesday of the previous month"),
            legal_basis=_("Commission Implementing Regulation (EU) 2015/2447, Article 146 (ECB reference rates)."),
            days=_eu_days,
            places=None,
        ),
        Rule(
            key="daily",
            label=_("Rate of the date itself"),
            legal_basis=_("For the US: 19 CFR 159.32, the rate on the date of exportation."),
            days=_daily,
            places=None,
        ),
    )
}


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    rule: str
    #: The currency customs values are declared in; every customs rate is "home per 1 unit of foreign".
    home_currency: str
    #: Accepted rate sources, best first ("demo" last: the demo's sample values); empty: any source.
    sources: tuple[str, ...]


JURISDICTIONS: dict[str, Jurisdiction] = {
    jurisdiction.code: jurisdiction
    for jurisdiction in (
        Jurisdiction("CN", "cn-monthly-third-wednesday", "CNY", ("CFETS", "PBOC", "demo")),
        Jurisdiction("EU", "eu-monthly-penultimate-wednesday", "EUR", ("ECB", "demo")),
        Jurisdiction("US", "daily", "USD", ("FRBNY", "demo")),
    )
}


def quoting_unit(rate: Decimal) -> int:
    """The power of ten a rate below 1 is quoted per so that it reads at least 1 (KRW, JPY: 100)."""
    unit = 1
    while rate * unit < 1 and unit < 10**8:
        unit *= 10
    return unit


def round_rate(rate: Decimal, places: int | None, *, per: int = 1) -> Decimal:
    """A rule's rounding, applied in the unit the rate is quoted per (100 JPY = 4.6120 CNY keeps four
    decimals per 100 yen); rates without a rule rounding keep the 8 places we store."""
    if places is None:
        return rate.quantize(Decimal("0.00000001"), rounding=ROUND_HALF_UP)
    return (rate * per).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) / per
