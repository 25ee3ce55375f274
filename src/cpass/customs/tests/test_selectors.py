"""The glue: tariff lookup + customs exchange rate + engine, with errors naming the item and field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from cpass.core.errors import PermissionDenied, ValidationFailed
from cpass.customs.duty import Charge, ChargeMode
from cpass.customs.selectors import ItemRequest, calculate

pytestmark = pytest.mark.django_db

#: March 2026: the demo leaves out 18 Feb (a holiday), so the customs rate of 25 Feb applies.
ON = dt.date(2026, 3, 10)


def _actor(make_actor: Any, owner: Any, enterprise: Any) -> Any:
    return make_actor(owner, enterprise)


def car(**changes: Any) -> ItemRequest:
    values: dict[str, Any] = {
        "code": "8703233100",
        "origin": "DEU",
        "price": Decimal("30000"),
        "currency": "EUR",
        "quantity_1": Decimal(1),
        "freight": Charge(ChargeMode.TOTAL, Decimal("1500"), "EUR"),
    }
    values.update(changes)
    return ItemRequest(**values)


def test_a_car_from_germany_end_to_end(make_actor: Any, owner: Any, enterprise: Any, demo: None) -> None:
    result = calculate(actor=make_actor(owner, enterprise), jurisdiction="CN", on=ON, items=[car()], terms="FOB")
    item = result.items[0]
    keys = [figure.key for figure in item.figures]
    assert keys == [
        "goods",
        "freight",
        "insurance",
        "dutiable_value",
        "import_duty",
        "consumption_composite",
        "consumption_tax",
        "vat_base",
        "vat",
        "landed_cost",
        "landed_cost_per_unit",
    ]
    figures = {figure.key: figure for figure in item.figures}
    rate = figures["goods"].working.split(" × ")[1].split(" = ")[0]
    eur = Decimal(rate)
    goods = Decimal(30000) * eur
    freight = Decimal(1500) * eur
    insurance = (goods + freight) * Decimal("0.003")
    value = (goods + freight + insurance).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert item.dutiable_value == value
    assert item.duty == (value * Decimal("0.15")).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert figures["import_duty"].rate == "15%"
    assert "MFN" in figures["import_duty"].reason
    assert "here 2026-02-25 (no rate on 2026-02-18)" in figures["goods"].reason
    assert figures["insurance"].legal_basis is not None
    assert item.landed_cost == item.dutiable_value + item.duty + item.consumption_tax + item.vat
    assert [tax.key for tax in result.taxes] == ["import_duty", "consumption_tax", "vat"]


def test_errors_name_the_item_and_field(make_actor: Any, owner: Any, enterprise: Any, demo: None) -> None:
    actor = make_actor(owner, enterprise)

    def fields(**kwargs: Any) -> dict[str, Any]:
        with pytest.raises(ValidationFailed) as caught:
            calculate(actor=actor, jurisdiction="CN", on=kwargs.pop("on", ON), terms="FOB", **kwargs)
        return {key: [str(m) for m in value] for key, value in caught.value.errors.items()}

    assert list(fields(items=[car(), car(code="0101210000")])) == ["items[1].code"]
    assert list(fields(items=[car(), car(currency="CHF")])) == ["items[1].currency"]
    assert fields(items=[car(currency="XYZ")]) == {"items[0].currency": ["“XYZ” is not an ISO 4217 currency code."]}
    assert list(fields(items=[car(origin="Germany")])) == ["items[0].origin"]
    assert list(fields(items=[car(freight=None)])) == ["items[0].freight"]
    assert list(fields(items=[car(price=Decimal(-1))])) == ["items[0].price"]
    outdated = fields(items=[car()], on=dt.date(2024, 6, 1))
    assert list(outdated) == ["items[0].code"]
    assert "is not valid on 2024-06-01" in outdated["items[0].code"][0]
    beer = ItemRequest(code="2203000000", price=Decimal(100), currency="USD", freight=car().freight)
    assert list(fields(items=[beer])) == ["items[0].consumption"]
    assert list(fields(items=[])) == ["items"]
    assert list(fields(items=[car()] * 51)) == ["items"]
    with pytest.raises(ValidationFailed) as direction:
        calculate(actor=actor, jurisdiction="CN", on=ON, items=[car()], direction="sideways")
    assert list(direction.value.errors) == ["direction"]
    with pytest.raises(ValidationFailed) as place:
        calculate(actor=actor, jurisdiction="ZZ", on=ON, items=[car()])
    assert list(place.value.errors) == ["jurisdiction"]


def test_token_without_reference_scope_is_refused(make_actor: Any, owner: Any, enterprise: Any, demo: None) -> None:
    actor = make_actor(owner, enterprise, scopes=frozenset({"documents:read"}))
    with pytest.raises(PermissionDenied):
        calculate(actor=actor, jurisdiction="CN", on=ON, items=[car()])


def test_beer_pays_specific_consumption_tax_per_tonne(make_actor: Any, owner: Any, enterprise: Any, demo: None) -> None:
    beer = ItemRequest(
        code="2203000000",
        origin="DEU",
        price=Decimal("1000"),
        currency="CNY",
        quantity_1=Decimal("988"),
        freight=Charge(ChargeMode.TOTAL, Decimal("0"), "CNY"),
        insurance=Charge(ChargeMode.TOTAL, Decimal("0"), "CNY"),
    )
    result = calculate(actor=make_actor(owner, enterprise), jurisdiction="CN", on=ON, items=[beer])
    item = result.items[0]
    # 988 litres = 1 tonne: 250 CNY; duty 0%; VAT 13% of (1000 + 0 + 250) = 162.50.
    assert (item.dutiable_value, item.duty, item.consumption_tax, item.vat) == (
        Decimal("1000.00"),
        Decimal("0.00"),
        Decimal("250.00"),
        Decimal("162.50"),
    )
    assert result.total_payable == Decimal("412.50")


def test_export_duty_on_ferro_silicon(make_actor: Any, owner: Any, enterprise: Any, demo: None) -> None:
    alloy = ItemRequest(code="7202210000", price=Decimal("12500"), currency="CNY", quantity_1=Decimal(1000))
    result = calculate(
        actor=make_actor(owner, enterprise), jurisdiction="CN", on=ON, items=[alloy], direction="export", terms="FOB"
    )
    item = result.items[0]
    # Provisional export rate 25%: value = 12,500 ÷ 1.25 = 10,000.00; duty 2,500.00.
    assert (item.dutiable_value, item.duty, item.vat) == (Decimal("10000.00"), Decimal("2500.00"), Decimal(0))
    assert [tax.key for tax in result.taxes] == ["export_duty"]


def test_landed_cost_per_trade_unit_and_its_unit_checked(
    make_actor: Any, owner: Any, enterprise: Any, demo: None
) -> None:
    actor = make_actor(owner, enterprise)
    two = calculate(
        actor=actor,
        jurisdiction="CN",
        on=ON,
        items=[car(quantity_1=Decimal(2), trade_quantity=Decimal(2), trade_unit="001")],
        terms="FOB",
    )
    item = two.items[0]
    assert (item.landed_cost_per_trade_unit, item.trade_unit) == (item.landed_cost_per_unit, "001")
    assert item.figures[-1].key == "landed_cost_per_trade_unit"
    for changes, message in (
        ({"trade_quantity": Decimal(2)}, "Give the unit of this quantity."),
        ({"trade_quantity": Decimal(2), "trade_unit": "ZZZ"}, "is not a code of the"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            calculate(actor=actor, jurisdiction="CN", on=ON, items=[car(**changes)], terms="FOB")
        assert list(refused.value.errors) == ["items[0].trade_unit"]
        assert message in refused.value.errors["items[0].trade_unit"][0]
