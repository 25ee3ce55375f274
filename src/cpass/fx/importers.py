"""Exchange-rate importers: "fx-rates" (our CSV, docs/reference/fx-format.md) and the "fred-monthly"
adapter for the Federal Reserve's monthly averages as published by FRED / datasets/exchange-rates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpass.core.errors import ValidationFailed
from cpass.core.numbers import plain
from cpass.fx.models import ExchangeRate, RatePeriod
from cpass.imports.framework import Column, Importer, Option, RowError, register

EIGHT_PLACES = Decimal("0.00000001")
MAX_RATE = Decimal("999999999999")
_SOURCE = re.compile(r"[A-Za-z0-9_-]{1,16}")


@dataclass(frozen=True)
class RateRow:
    base: str
    quote: str
    date: dt.date
    source: str
    rate: Decimal
    period: str
    per: int = 1

    @property
    def key(self) -> tuple[str, str, dt.date, str]:
        return (self.base, self.quote, self.date, self.source)


def _currency(value: str, column: str) -> str:
    code = value.strip().upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise RowError(_("“%(code)s” is not an ISO 4217 currency code.") % {"code": value[:10]}, column=column)
    return code


def _date(value: str, column: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise RowError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value[:20]}, column=column) from None


def _positive(value: str, column: str) -> Decimal:
    try:
        number = Decimal(value.strip().replace(",", ""))
    except InvalidOperation:
        raise RowError(_("“%(value)s” is not a number.") % {"value": value[:20]}, column=column) from None
    if not number.is_finite() or number <= 0:
        raise RowError(_("The rate must be a positive number."), column=column)
    if number > MAX_RATE:
        raise RowError(_("The number is too large."), column=column)
    return number


def _eight_places(rate: Decimal, column: str) -> Decimal:
    stored = rate.quantize(EIGHT_PLACES)
    if stored != rate or stored <= 0:
        raise RowError(
            _("The rate per unit %(rate)s needs more than 8 decimal places: quote it the other way round.")
            % {"rate": plain(rate)},
            column=column,
        )
    return stored


class _RateImporter(Importer[RateRow]):
    """Duplicate keys in one file are errors; existing rows with the same key are updated."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seen: dict[tuple[str, str, dt.date, str], int] = {}

    def check_duplicate(self, row: RateRow, line: int) -> None:
        earlier = self.seen.setdefault(row.key, line)
        if earlier != line:
            raise RowError(
                _("Line %(line)s already gives %(base)s→%(quote)s on %(date)s from %(source)s.")
                % {"line": earlier, "base": row.base, "quote": row.quote, "date": row.date, "source": row.source},
                column="date",
            )

    def write(self, batch: list[RateRow]) -> int:
        ExchangeRate.objects.bulk_create(
            [
                ExchangeRate(
                    base=row.base,
                    quote=row.quote,
                    date=row.date,
                    source=row.source,
                    rate=row.rate,
                    period=row.period,
                    per=row.per,
                )
                for row in batch
            ],
            update_conflicts=True,
            unique_fields=["base", "quote", "date", "source"],
            update_fields=["rate", "period", "per"],
        )
        return len(batch)


@register
class FxRatesImporter(_RateImporter):
    kind = "fx-rates"
    label = gettext_lazy("Exchange rates")
    format_doc = "docs/reference/fx-format.md"
    columns = (
        Column("date", help=gettext_lazy("Publication day, YYYY-MM-DD.")),
        Column("base", aliases=("currency",), help=gettext_lazy("ISO 4217 code of the currency quoted.")),
        Column("quote", required=False, help=gettext_lazy("ISO 4217 code it is quoted in (default CNY).")),
        Column("rate", help=gettext_lazy("Units of quote for `per` units of base.")),
        Column("per", required=False, help=gettext_lazy("Units of base the rate is for (default 1; 100 for JPY).")),
        Column("source", required=False, help=gettext_lazy("Who published it: PBOC, CFETS, ECB …")),
    )
    options = (
        Option(
            "source",
            gettext_lazy("Source"),
            help=gettext_lazy("For rows whose source column is empty or absent, e.g. PBOC."),
        ),
    )

    def clean_options(self) -> None:
        source = self.option_values["source"]
        if source and not _SOURCE.fullmatch(source):
            raise ValidationFailed.on("source", _("Up to 16 letters, digits, “-” or “_”."))

    def parse(self, row: Mapping[str, str], line: int) -> RateRow:
        date = _date(row["date"], "date")
        base = _currency(row["base"], "base")
        quote = _currency(row.get("quote") or "CNY", "quote")
        if base == quote:
            raise RowError(_("Base and quote are the same currency."), column="quote")
        rate = _positive(row["rate"], "rate")
        per = _positive(row.get("per") or "1", "per")
        if per != per.to_integral_value():
            raise RowError(_("“per” is a whole number of units, e.g. 1 or 100."), column="per")
        source = (row.get("source") or self.option_values["source"]).strip()
        if not source:
            raise RowError(_("Say who published the rate (or give the source option)."), column="source")
        if not _SOURCE.fullmatch(source):
            raise RowError(_("Up to 16 letters, digits, “-” or “_”."), column="source")
        parsed = RateRow(
            base=base,
            quote=quote,
            date=date,
            source=source,
            rate=_eight_places(rate / per, "rate"),
            period=RatePeriod.DAY,
            per=int(per),
        )
        self.check_duplicate(parsed, line)
        return parsed


#: FRED's country names → ISO 4217. Series of currencies replaced by the euro (to 2001) and
#: Venezuela's (one series across three redenominations) have no current code: they are skipped.
FRED_CURRENCIES = {
    "Australia": "AUD",
    "Brazil": "BRL",
    "Canada": "CAD",
    "China": "CNY",
    "Denmark": "DKK",
    "Euro": "EUR",
    "Hong Kong": "HKD",
    "India": "INR",
    "Japan": "JPY",
    "Malaysia": "MYR",
    "Mexico": "MXN",
    "New Zealand": "NZD",
    "Norway": "NOK",
    "Singapore": "SGD",
    "South Africa": "ZAR",
    "South Korea": "KRW",
    "Sri Lanka": "LKR",
    "Sweden": "SEK",
    "Switzerland": "CHF",
    "Taiwan": "TWD",
    "Thailand": "THB",
    "United Kingdom": "GBP",
}
FRED_SKIPPED = frozenset(
    {
        "Austria",
        "Belgium",
        "Finland",
        "France",
        "Germany",
        "Greece",
        "Ireland",
        "Italy",
        "Netherlands",
        "Portugal",
        "Spain",
        "Venezuela",
    }
)


@register
class FredMonthlyImporter(_RateImporter):
    kind = "fred-monthly"
    label = gettext_lazy("FRED monthly exchange rates")
    format_doc = "docs/reference/fx-format.md"
    columns = (
        Column("Date", help=gettext_lazy("First day of the month, YYYY-MM-DD.")),
        Column("Country", help=gettext_lazy("FRED series name, e.g. China, Euro, United Kingdom.")),
        Column("Exchange rate", aliases=("Value",), help=gettext_lazy("Monthly average.")),
    )
    options = (
        Option(
            "inverted",
            gettext_lazy("Series quoted as US dollars per unit"),
            help=gettext_lazy(
                "Comma-separated series names quoted as USD per unit of the currency (FRED's own "
                "DEXUSAL, DEXUSEU, DEXUSNZ, DEXUSUK). Empty for datasets/exchange-rates, which quotes "
                "every series as currency per USD."
            ),
        ),
    )

    def clean_options(self) -> None:
        names = [name.strip() for name in self.option_values["inverted"].split(",") if name.strip()]
        unknown = [name for name in names if name not in FRED_CURRENCIES]
        if unknown:
            raise ValidationFailed.on("inverted", _("Unknown series: %(names)s.") % {"names": ", ".join(unknown)})
        self.inverted = frozenset(names)

    def parse(self, row: Mapping[str, str], line: int) -> RateRow | None:
        country = row["Country"].strip()
        if country in FRED_SKIPPED:
            return None
        currency = FRED_CURRENCIES.get(country)
        if currency is None:
            raise RowError(_("Unknown FRED series “%(name)s”.") % {"name": country[:40]}, column="Country")
        date = _date(row["Date"], "Date")
        if date.day != 1:
            raise RowError(_("A monthly rate is dated the first day of its month."), column="Date")
        value = row["Exchange rate"].strip()
        if value in ("", "."):  # FRED writes "." for a month without a value
            return None
        rate = _eight_places(_positive(value, "Exchange rate"), "Exchange rate")
        base, quote = (currency, "USD") if country in self.inverted else ("USD", currency)
        parsed = RateRow(base=base, quote=quote, date=date, source="FRED", rate=rate, period=RatePeriod.MONTH)
        self.check_duplicate(parsed, line)
        return parsed
