from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import factory

from cpass.fx.models import ExchangeRate, RatePeriod
from cpass.imports.framework import ImportResult, importer_class, run_import


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate

    base = "USD"
    quote = "CNY"
    rate = Decimal("7.1000")
    date = dt.date(2026, 2, 18)
    source = "PBOC"
    period = RatePeriod.DAY


def load_rates(text: str, *, kind: str = "fx-rates", keep: bool = False, **options: str) -> ImportResult:
    importer = importer_class(kind)(options=options)
    return run_import(importer, io.BytesIO(text.encode()), filename="rates.csv", all_or_nothing=not keep)
