"""validate_declaration never raises, whatever the stored values within the model's field limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpass.customs.models import Declaration, DeclarationDocument, DeclarationItem
from cpass.customs.rules import validate_declaration
from cpass.customs.tests.test_rules import make_declaration
from cpass.shipments.choices import Direction

pytestmark = pytest.mark.django_db

# PostgreSQL text cannot hold NUL; everything else goes.
_CHARS = st.characters(codec="utf-8", blacklist_characters="\x00")
_CODES = st.sampled_from(["", "0110", "101", "1", "2", "3", "4", "5", "7", "035", "001", "EUR", "CNY", "DEU", "CHN"])


def _text(max_size: int) -> st.SearchStrategy[str]:
    return st.one_of(_CODES.filter(lambda c: len(c) <= max_size), st.text(_CHARS, max_size=max_size))


def _decimal(max_digits: int, places: int, *, nonnegative: bool = False) -> st.SearchStrategy[Decimal | None]:
    # SQLite keeps decimals as REAL: beyond 15 significant digits Django cannot read them back (on either
    # database the form and API refuse such numbers long before they reach a declaration).
    max_digits = min(max_digits, 15)
    limit = Decimal(10) ** (max_digits - places) - Decimal(1).scaleb(-places)
    return st.one_of(
        st.none(),
        st.decimals(min_value=Decimal(0) if nonnegative else -limit, max_value=limit, places=places, allow_nan=False),
    )


_DATES = st.one_of(st.none(), st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.text(_CHARS, max_size=30)),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(_CHARS, max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)

HEADER = st.fixed_dictionaries(
    {
        "direction": st.sampled_from([Direction.IMPORT, Direction.EXPORT]),
        "declaring_customs": _text(4),
        "entry_exit_customs": _text(4),
        "import_export_date": _DATES,
        "declaration_date": _DATES,
        "transport_mode": _text(2),
        "imo_number": _text(7),
        "bill_number": _text(35),
        "trade_mode": _text(4),
        "levy_nature": _text(3),
        "departure_country": _text(3),
        "trade_country": _text(3),
        "departure_port": _text(5),
        "stop_port": _text(5),
        "entry_exit_port": _text(6),
        "package_type": _text(4),
        "package_count": st.one_of(st.none(), st.integers(0, 2**31 - 1)),
        "gross_weight_kg": _decimal(18, 4, nonnegative=True),
        "transaction_terms": _text(1),
        "freight_mode": st.sampled_from(["", "rate", "unit", "total"]),
        "freight_value": _decimal(18, 4),
        "freight_currency": _text(3),
        "insurance_mode": st.sampled_from(["", "rate", "unit", "total"]),
        "insurance_value": _decimal(18, 4),
        "insurance_currency": _text(3),
        "licence_number": _text(20),
    }
)
ITEM = st.fixed_dictionaries(
    {
        "hs_code": st.one_of(st.sampled_from(["8413602100", "9503008900", "8703233100", "0901110000"]), _text(10)),
        "ciq_code": _text(3),
        "name": _text(250),
        "elements": _JSON.filter(lambda value: value is not None),
        "specification": _text(500),
        "quantity": _decimal(18, 4),
        "trade_unit": _text(3),
        "legal_quantity_1": _decimal(18, 4),
        "legal_unit_1": _text(3),
        "legal_quantity_2": _decimal(18, 4),
        "legal_unit_2": _text(3),
        "unit_price": _decimal(18, 4),
        "total_price": _decimal(18, 2),
        "currency": _text(3),
        "origin_country": _text(3),
        "destination_country": _text(3),
        "domestic_area": _text(5),
        "duty_mode": _text(1),
        "origin_certificate": _text(40),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=HEADER, items=st.lists(ITEM, max_size=3), numbers=st.lists(st.integers(1, 32767), max_size=3))
def test_validation_never_raises(demo: None, header: dict[str, Any], items: list[dict[str, Any]], numbers: list[int]):
    gross = header["gross_weight_kg"]
    header["net_weight_kg"] = gross  # the table's check constraint: net ≤ gross
    declaration = make_declaration(**header)
    used: set[int] = set()
    for index, values in enumerate(items):
        number = numbers[index] if index < len(numbers) else index + 1
        if number in used:
            continue
        used.add(number)
        DeclarationItem.objects.create(
            enterprise=declaration.enterprise, declaration=declaration, item_number=number, **values
        )
    DeclarationDocument.objects.create(
        enterprise=declaration.enterprise, declaration=declaration, code=header["levy_nature"][:4], number=""
    )
    declaration = Declaration.objects.unscoped().get(pk=declaration.pk)
    report = validate_declaration(declaration)
    rows = report.to_json("zh-hans") + report.to_json("en")
    assert all(isinstance(row["message"], str) and row["message"] for row in rows)
    assert report.has_errors == bool(report.errors)
