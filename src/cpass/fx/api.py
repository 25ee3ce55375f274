"""/api/v1/exchange-rates: the rates, the customs rate of a jurisdiction on a date, conversions.

No `from __future__ import annotations` here: django-ninja reads the annotations of a paginated
operation from its wrapper, where `dt` would not resolve.
"""

import datetime as dt
from dataclasses import asdict
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from cpass.core.api import Pagination, request_actor
from cpass.core.errors import ValidationFailed
from cpass.core.platform import require_reference_read
from cpass.fx import selectors
from cpass.fx.models import ExchangeRate
from cpass.fx.schemas import ConversionOut, ExchangeRateOut, RateFindingOut, RoundingValue

router = Router()


@router.get("", response=list[ExchangeRateOut], summary="Exchange rates, newest first")
@paginate(Pagination)
def exchange_rate_list(
    request: HttpRequest,
    currency: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    source: str | None = None,
) -> QuerySet[ExchangeRate]:
    """`currency` matches either side of the pair; `date_from`/`date_to` inclusive; `source` e.g. PBOC."""
    return selectors.exchange_rate_list(
        actor=request_actor(request), currency=currency, date_from=date_from, date_to=date_to, source=source
    )


@router.get("/customs", response=RateFindingOut, summary="The customs exchange rate of a jurisdiction on a date")
def customs_rate(request: HttpRequest, jurisdiction: str, currency: str, date: dt.date) -> dict[str, Any]:
    """Home currency per 1 unit of `currency` (CN: CNY, EU: EUR, US: USD) under the jurisdiction's rule,
    with the rule, the publication day, the source and an explanation."""
    require_reference_read(request_actor(request))
    return asdict(selectors.customs_rate(jurisdiction=jurisdiction, currency=currency, on=date))


@router.get("/convert", response=ConversionOut, summary="Convert an amount at customs rates")
def convert(
    request: HttpRequest,
    amount: str,
    date: dt.date,
    from_currency: str = Query(..., alias="from"),  # noqa: B008
    to_currency: str = Query(..., alias="to"),  # noqa: B008
    jurisdiction: str = "CN",
    places: int = 2,
    rounding: RoundingValue = "ROUND_HALF_UP",
) -> dict[str, Any]:
    """Exact decimal arithmetic through the home currency, rounded once to `places` with `rounding`."""
    require_reference_read(request_actor(request))
    try:
        value = Decimal(amount)
    except InvalidOperation:
        raise ValidationFailed.on("amount", _("“%(value)s” is not a number.") % {"value": amount[:30]}) from None
    conversion = selectors.convert(
        value,
        from_currency=from_currency,
        to_currency=to_currency,
        jurisdiction=jurisdiction,
        on=date,
        places=places,
        rounding=rounding,
    )
    data = asdict(conversion)
    data["exact"] = str(conversion.exact)
    return data
