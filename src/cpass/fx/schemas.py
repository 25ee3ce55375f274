"""API shapes of exchange rates, customs rates and conversions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Schema

from cpass.core.api import one_of
from cpass.fx.models import RatePeriod
from cpass.fx.selectors import ROUNDINGS

RoundingValue = Annotated[str, one_of(ROUNDINGS)]


class ExchangeRateOut(Schema):
    base: str
    quote: str
    rate: Decimal
    date: dt.date
    source: str
    period: Annotated[str, one_of(RatePeriod)]


class RateFindingOut(Schema):
    jurisdiction: str
    currency: str
    home_currency: str
    on: dt.date
    rate: Decimal
    rule: str
    rate_date: dt.date
    source: str
    published_rate: Decimal
    inverted: bool
    fallback: bool
    explanation: str


class ConversionOut(Schema):
    amount: Decimal
    from_currency: str
    to_currency: str
    result: Decimal
    exact: str
    places: int
    rounding: RoundingValue
    legs: list[RateFindingOut]
