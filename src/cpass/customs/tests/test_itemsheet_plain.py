"""The item import's quick path (`_plain_values`) gives a plainly written row exactly the values the field checks
give it, and leaves every other row, and every row with an error, to the field checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cpass.core.errors import ValidationFailed
from cpass.customs.fields import DeclarationFields
from cpass.customs.itemsheet.importers import (
    _NAME_LIMIT,
    DeclarationItemImporter,
    _checked_values,
    _plain_values,
)
from cpass.customs.models import Declaration
from cpass.customs.tests.factories import DeclarationFactory
from cpass.customs.tests.test_itemsheet_import import row

pytestmark = pytest.mark.django_db


@pytest.fixture
def declaration(enterprise, demo) -> Declaration:
    return DeclarationFactory.create(enterprise=enterprise, declaration_date=dt.date(2026, 3, 2))


def goods_and_importer(actor, declaration, values: dict[str, str]) -> tuple[Any, DeclarationItemImporter]:
    importer = DeclarationItemImporter(actor=actor, options={"declaration": str(declaration.pk)})
    parsed = importer.parse(values, 2)
    return parsed.goods, importer


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"quantity": "10.5", "unit_price": "0.0001"},
        {"quantity": "99999999999999.9999", "unit_price": "1"},
        {"quantity": "3", "unit_price": "", "total_price": "100"},
        {"quantity": "7", "unit_price": "12.5", "total_price": "87.50"},
        {"quantity": "7", "unit_price": "12.5", "total_price": "87.51"},  # within 0.01
        {"quantity": "3", "unit_price": "0.3333", "total_price": ""},
        {"legal_quantity_1": "10", "legal_quantity_2": "0.5"},
        {"unit_price": "9999999999999999.9999"},
        {"total_price": "9999999999999999.99", "unit_price": ""},
        {"name": "齿" * 250},
        {"name": "  spaced name  "},
        {"quantity": "5."},
    ],
)
def test_a_plain_row_gets_the_checked_values(actor, declaration, changes) -> None:
    values = row(**changes)
    goods, importer = goods_and_importer(actor, declaration, values)
    plain = _plain_values(values, goods)
    assert plain is not None
    checked = _checked_values(importer.fields, values, goods)
    assert plain == checked
    assert [str(value) for value in plain] == [str(value) for value in checked]  # the same places too


@pytest.mark.parametrize(
    "changes",
    [
        {"quantity": "1,200"},  # the field checks take it
        {"unit_price": "1.50000"},
        {"quantity": "１２"},
        {"quantity": " 12"},
        {"quantity": "1e3"},
        {"quantity": ".5"},
        {"name": "tab\tin the name"},
        {"name": "齿" * (_NAME_LIMIT + 1)},
        {"name": "bell\x07"},
        {"name": "全角\u3000空格"},
        {"quantity": "-5"},
        {"quantity": "999999999999999"},
        {"quantity": "1.23456"},
        {"total_price": "1.001"},
        {"total_price": "999"},  # not unit price × quantity
        {"unit_price": "12345678901234567"},
    ],
)
def test_any_other_row_goes_through_the_field_checks(actor, declaration, changes) -> None:
    values = row(**changes)
    goods, _importer = goods_and_importer(actor, declaration, row())
    assert _plain_values(values, goods) is None


def test_the_name_limit_is_the_field_checks_one(demo) -> None:
    fields = DeclarationFields(on=dt.date(2026, 3, 2))
    assert fields.item({"name": "n" * _NAME_LIMIT})["name"] == "n" * _NAME_LIMIT
    with pytest.raises(ValidationFailed):
        fields.item({"name": "n" * (_NAME_LIMIT + 1)})


def test_checks_between_fields_are_kept_per_goods(actor, declaration) -> None:
    goods, _importer = goods_and_importer(actor, declaration, row())
    _plain_values(row(legal_quantity_1="4"), goods)
    assert goods.together == {(True, True, False, True, True, False): True, (True, True, True, True, True, False): True}
