from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from cpass.core.errors import ValidationFailed
from cpass.fx import demo, selectors
from cpass.fx.models import ExchangeRate
from cpass.fx.tests.factories import load_rates
from cpass.imports.framework import FileRejected, importer_class, run_import

pytestmark = pytest.mark.django_db

FRED = Path("/work/shared/data/fx/fred_monthly.csv")
HEADER = "date,base,quote,rate,per,source\n"


def stored() -> list[tuple]:
    return list(
        ExchangeRate.objects.order_by("date", "base").values_list("date", "base", "quote", "rate", "per", "source")
    )


def test_good_file_per_units_default_quote_and_source_option():
    result = load_rates(
        "date,currency,rate,per,source\n"
        "2026-02-18,USD,7.0851,,\n"
        "2026-02-18,JPY,4.6120,100,CFETS\n"
        '2026-02-18,KRW,"0.4922",100,\n',
        source="PBOC",
    )
    assert (result.committed, result.written) == (True, 3)
    assert stored() == [
        (dt.date(2026, 2, 18), "JPY", "CNY", Decimal("0.04612000"), 100, "CFETS"),
        (dt.date(2026, 2, 18), "KRW", "CNY", Decimal("0.00492200"), 100, "PBOC"),
        (dt.date(2026, 2, 18), "USD", "CNY", Decimal("7.08510000"), 1, "PBOC"),
    ]


def test_reloading_updates_the_rate_of_the_same_key():
    load_rates(HEADER + "2026-02-18,USD,CNY,7.0851,1,PBOC\n")
    again = load_rates(HEADER + "2026-02-18,USD,CNY,7.0900,1,PBOC\n")
    assert again.written == 1
    assert ExchangeRate.objects.get().rate == Decimal("7.09")


def test_bad_rows_are_all_reported_and_nothing_is_written():
    load_rates(HEADER + "2026-02-18,USD,CNY,7.0851,1,PBOC\n")
    before = stored()
    result = load_rates(
        HEADER
        + "2026-02-18,USD,CNY,7.5,1,PBOC\n"  # line 2: fine on its own
        + "18/02/2026,EUR,CNY,8.2,1,PBOC\n"
        + "2026-02-18,EURO,CNY,8.2,1,PBOC\n"
        + "2026-02-18,EUR,ABC,8.2,1,PBOC\n"
        + "2026-02-18,CNY,CNY,1,1,PBOC\n"
        + "2026-02-18,EUR,CNY,-8.2,1,PBOC\n"
        + "2026-02-18,EUR,CNY,abc,1,PBOC\n"
        + "2026-02-18,EUR,CNY,8.2,1.5,PBOC\n"
        + "2026-02-18,EUR,CNY,8.2,1,\n"
        + "2026-02-18,EUR,CNY,8.2,1,P B O C\n"
        + "2026-02-18,EUR,CNY,0.000000001,1,PBOC\n"
        + "2026-02-18,USD,CNY,7.6,1,PBOC\n"
        + "2026-02-18,EUR,CNY,1e400,1,PBOC\n"
    )
    assert (result.committed, result.written) == (False, 0)
    assert [(issue.line, issue.column) for issue in result.issues] == [
        (3, "date"),
        (4, "base"),
        (5, "quote"),
        (6, "quote"),
        (7, "rate"),
        (8, "rate"),
        (9, "per"),
        (10, "source"),
        (11, "source"),
        (12, "rate"),
        (13, "date"),
        (14, "rate"),
    ]
    assert result.issues[10].message == "Line 2 already gives USD→CNY on 2026-02-18 from PBOC."
    assert stored() == before


def test_whole_file_problems():
    with pytest.raises(FileRejected) as missing:
        load_rates("date,base,source\n2026-02-18,USD,PBOC\n")
    assert "rate" in str(missing.value.errors["file"][0])
    with pytest.raises(FileRejected) as encoding:
        run_import(
            importer_class("fx-rates")(), io.BytesIO(HEADER.encode() + b"\x81\x30\xff\xfe" * 40), filename="r.csv"
        )
    assert list(encoding.value.errors) == ["file"]
    with pytest.raises(ValidationFailed) as option:
        load_rates(HEADER + "2026-02-18,USD,CNY,7,1,\n", source="no spaces allowed")
    assert list(option.value.errors) == ["source"]
    assert ExchangeRate.objects.count() == 0


def test_fred_monthly_adapter():
    result = load_rates(
        "Date,Country,Exchange rate\n"
        "2024-01-01,China,7.1707\n"
        "2024-01-01,Euro,0.9175\n"
        "2024-01-01,Germany,1.9\n"  # a series replaced by the euro: skipped
        "2024-02-01,China,.\n"  # FRED's "no value": skipped
        "2024-01-01,United Kingdom,0.7873\n",
        kind="fred-monthly",
        inverted="United Kingdom",
    )
    assert (result.committed, result.written, result.skipped) == (True, 3, 2)
    rows = set(ExchangeRate.objects.values_list("base", "quote", "rate", "source", "period"))
    assert rows == {
        ("USD", "CNY", Decimal("7.1707"), "FRED", "month"),
        ("USD", "EUR", Decimal("0.9175"), "FRED", "month"),
        ("GBP", "USD", Decimal("0.7873"), "FRED", "month"),
    }
    bad = load_rates("Date,Country,Exchange rate\n2024-01-15,China,7.17\n2024-01-01,Atlantis,1\n", kind="fred-monthly")
    assert [(i.line, i.column) for i in bad.issues] == [(2, "Date"), (3, "Country")]
    with pytest.raises(ValidationFailed) as option:
        load_rates("Date,Country,Exchange rate\n", kind="fred-monthly", inverted="Atlantis")
    assert list(option.value.errors) == ["inverted"]


def test_sample_of_the_fred_file():
    if not FRED.exists():
        pytest.skip("shared FX data is absent")
    lines = FRED.read_text(encoding="utf-8").splitlines()
    sample = [lines[0], *[line for line in lines[1:] if line.startswith("2024-")]]
    result = load_rates("\n".join(sample) + "\n", kind="fred-monthly")
    assert result.committed
    assert result.written == ExchangeRate.objects.count() > 200
    assert ExchangeRate.objects.get(quote="CNY", date=dt.date(2024, 1, 1)).rate == Decimal("7.1707")


def test_command_loads_a_file(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text(HEADER + "2026-02-18,USD,CNY,7.0851,1,PBOC\n")
    out = io.StringIO()
    call_command("load-fx", str(path), stdout=out)
    assert ExchangeRate.objects.get().rate == Decimal("7.0851")


def test_demo_is_idempotent_and_serves_the_china_rule_all_2026():
    first = demo.load_demo()
    assert (first.committed, first.written, first.rows) == (True, 385, 385)
    before = stored()
    second = demo.load_demo()
    assert (second.committed, stored()) == (True, before)
    march = selectors.customs_rate(jurisdiction="CN", currency="USD", on=dt.date(2026, 3, 10))
    assert (march.rate_date, march.fallback, march.source) == (dt.date(2026, 2, 25), True, "demo")
    for month in range(1, 13):
        assert selectors.customs_rate(jurisdiction="CN", currency="JPY", on=dt.date(2026, month, 28)).rate > 0
