"""The reference path: worked examples from the published formulas, and invariants (hypothesis)."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpass.core.errors import ValidationFailed
from cpass.customs.duty import (
    Charge,
    ChargeMode,
    Combination,
    DeclarationInput,
    Direction,
    FxRate,
    ItemInput,
    Rate,
    calculate_declaration,
    to_json,
)
from cpass.customs.duty.declaration import apportion
from cpass.customs.duty.rounding import div_half_up, round_half_up

D = Decimal
USD = FxRate("USD", D("7.1000"), "demo")
FREE = Charge(ChargeMode.TOTAL, D(0), "CNY")


def declaration(
    *items: ItemInput, terms: str = "CIF", direction: Direction = Direction.IMPORT, **kw
) -> DeclarationInput:
    return DeclarationInput(direction=direction, terms=terms, items=items, fx=(USD,), **kw)


def item(**changes: Any) -> ItemInput:
    values: dict[str, Any] = {
        "code": "8703233100",
        "price": D("100000"),
        "currency": "CNY",
        "quantities": (("003", D(1)),),
        "unit": "003",
    }
    values.update(changes)
    return ItemInput(**values)


def test_rounding_is_half_up_to_the_fen() -> None:
    assert round_half_up(D("0.005")) == D("0.01")
    assert round_half_up(D("0.00499999")) == D("0.00")
    assert round_half_up(D("-0.005")) == D("-0.01")
    assert div_half_up(D(1), D(3)) == D("0.33")
    assert div_half_up(D(2), D(3)) == D("0.67")
    assert div_half_up(D("0.125"), D(1)) == D("0.13")


def test_car_duty_consumption_tax_and_vat() -> None:
    # CIF 100,000.00 CNY; duty 15% = 15,000.00; consumption tax 5% on (100,000 + 15,000) ÷ 0.95 = 121,052.63
    # → 6,052.63; VAT 13% of 100,000 + 15,000 + 6,052.63 = 121,052.63 → 15,736.84.
    car = item(duty=Rate(ad_valorem=D(15)), consumption=Rate(ad_valorem=D(5)), vat=D(13))
    result = calculate_declaration(declaration(car))
    figure = result.items[0]
    assert (figure.dutiable_value, figure.duty, figure.consumption_tax, figure.vat) == (
        D("100000.00"),
        D("15000.00"),
        D("6052.63"),
        D("15736.84"),
    )
    assert figure.landed_cost == D("136789.47")
    assert figure.landed_cost_per_unit == D("136789.47")
    assert result.total_payable == D("36789.47")
    composite = next(f for f in figure.figures if f.key == "consumption_composite")
    assert composite.amount == D("121052.63")
    assert composite.formula.zh.startswith("（关税计税价格 + 关税")


def test_fob_price_adds_freight_and_three_per_mille_insurance() -> None:
    # 10,000 USD FOB + 500 USD freight; insurance unknown: (71,000 + 3,550) × 3‰ = 223.65; CIF 74,773.65.
    goods = item(price=D(10000), currency="USD", freight=Charge(ChargeMode.TOTAL, D(500), "USD"), vat=D(13))
    result = calculate_declaration(declaration(goods, terms="FOB"))
    insurance = next(f for f in result.items[0].figures if f.key == "insurance")
    assert insurance.amount == D("223.6500")
    assert insurance.legal_basis is not None
    assert "3‰" in insurance.legal_basis.zh
    assert result.items[0].dutiable_value == D("74773.65")
    cfr = calculate_declaration(declaration(goods, terms="CFR"))
    assert cfr.items[0].dutiable_value == D("71213.00")  # 71,000 + 3‰ insurance; freight is in the price


def test_compound_duty_and_compound_consumption_tax_of_whisky() -> None:
    # 100 litres: duty 5% + 1 CNY/l (compound) on 10,000 → 500 + 100 = 600; consumption 20% + 1 CNY/l:
    # composite (10,000 + 600 + 100) ÷ 0.8 = 13,375.00; tax 2,675.00 + 100 = 2,775.00; VAT 13% of 13,375.
    whisky = item(
        code="2208300000",
        price=D(10000),
        quantities=(("095", D(100)),),
        unit="095",
        duty=Rate(ad_valorem=D(5), specific_amount=D(1), specific_unit="095", combination=Combination.SUM),
        consumption=Rate(ad_valorem=D(20), specific_amount=D(1), specific_unit="095", combination=Combination.SUM),
        vat=D(13),
    )
    figure = calculate_declaration(declaration(whisky)).items[0]
    assert (figure.duty, figure.consumption_tax, figure.vat) == (D("600.00"), D("2775.00"), D("1738.75"))
    assert figure.landed_cost_per_unit == D("151.14")
    assert (figure.landed_cost_per_trade_unit, figure.trade_unit) == (None, "")
    # The same whisky bought as 144 bottles (成交计量单位 瓶, 142): 15,113.75 ÷ 144 = 104.956… → 104.96.
    bottles = calculate_declaration(declaration(replace(whisky, trade_quantity=D(144), trade_unit="142"))).items[0]
    assert (bottles.landed_cost_per_unit, bottles.landed_cost_per_trade_unit) == (D("151.14"), D("104.96"))
    per_bottle = next(f for f in bottles.figures if f.key == "landed_cost_per_trade_unit")
    assert per_bottle.working == "15,113.75 ÷ 144 142 → 104.96"
    assert per_bottle.label.zh == "单位（成交计量单位）到岸完税成本"


def test_higher_and_lower_of_two_duty_parts() -> None:
    base: dict[str, Any] = {"ad_valorem": D(10), "specific_amount": D(3), "specific_unit": "035"}
    heavy = item(price=D(1000), quantities=(("035", D(500)),), unit="035")
    higher = item(**{**heavy.__dict__, "duty": Rate(**base, combination=Combination.HIGHER)})
    lower = item(**{**heavy.__dict__, "duty": Rate(**base, combination=Combination.LOWER)})
    results = calculate_declaration(declaration(higher, lower)).items
    assert [r.duty for r in results] == [D("1500.00"), D("100.00")]


def test_beer_litres_convert_to_tonnes_at_988() -> None:
    beer = item(
        code="2203000000",
        price=D(5000),
        quantities=(("095", D(500)),),
        unit="095",
        consumption=Rate(specific_amount=D(250), specific_unit="070"),
    )
    figure = calculate_declaration(declaration(beer)).items[0]
    # 500 l ÷ 988 = 0.50607 t (5 decimals) × 250 = 126.5175 → 126.52
    assert figure.consumption_tax == D("126.52")
    trace = next(f for f in figure.figures if f.key == "consumption_tax")
    assert "988" in trace.working


def test_export_duty_comes_out_of_the_fob_price() -> None:
    alloy = item(code="7202210000", price=D(12000), duty=Rate(ad_valorem=D(20)))
    result = calculate_declaration(declaration(alloy, terms="FOB", direction=Direction.EXPORT))
    figure = result.items[0]
    assert (figure.dutiable_value, figure.duty) == (D("10000.00"), D("2000.00"))
    cif = item(
        code="7202210000",
        price=D(12600),
        freight=Charge(ChargeMode.TOTAL, D(500), "CNY"),
        insurance=Charge(ChargeMode.TOTAL, D(100), "CNY"),
        duty=Rate(ad_valorem=D(20)),
    )
    deducted = calculate_declaration(declaration(cif, direction=Direction.EXPORT)).items[0]
    assert (deducted.dutiable_value, deducted.duty) == (D("10000.00"), D("2000.00"))
    with pytest.raises(ValidationFailed) as missing:
        calculate_declaration(declaration(item(price=D(1), duty=Rate(ad_valorem=D(20))), direction=Direction.EXPORT))
    assert list(missing.value.errors) == ["items[0].freight"]


def test_de_minimis_per_declaration_and_per_tax() -> None:
    # Duty 3% of 1,600 = 48.00 (≤ 50: exempt); VAT 13% of 1,648 = 214.24 (levied).
    small = item(price=D(1600), duty=Rate(ad_valorem=D(3)), vat=D(13))
    result = calculate_declaration(declaration(small))
    duty, _consumption, vat = result.taxes
    assert (duty.assessed, duty.payable, duty.exempt) == (D("48.00"), D(0), True)
    assert (vat.assessed, vat.payable, vat.exempt) == (D("214.24"), D("214.24"), False)
    assert result.items[0].duty_payable == D(0)
    assert result.total_payable == D("214.24")
    # Two such items make 96.00 of duty for the declaration: levied.
    both = calculate_declaration(declaration(small, small))
    assert both.taxes[0].payable == D("96.00")
    # Exactly 50.00 is still exempt (“50元以下” includes 50).
    fifty = calculate_declaration(declaration(item(price=D(5000), duty=Rate(ad_valorem=D(1)))))
    assert (fifty.taxes[0].assessed, fifty.taxes[0].exempt) == (D("50.00"), True)


def test_declaration_freight_is_apportioned_by_value() -> None:
    assert apportion(D("100.00"), [D(1), D(1), D(1)]) == [D("33.34"), D("33.33"), D("33.33")]
    assert apportion(D("0.05"), [D(0), D(0)]) == [D("0.03"), D("0.02")]
    items = (item(price=D(1000), currency="USD"), item(price=D(3000), currency="USD"))
    result = calculate_declaration(
        declaration(*items, terms="FOB", freight=Charge(ChargeMode.TOTAL, D(100), "USD"), insurance=FREE)
    )
    freights = [next(f for f in r.figures if f.key == "freight") for r in result.items]
    assert [f.amount for f in freights] == [D("177.500000"), D("532.500000")]
    assert "share by goods value" in freights[0].working
    with pytest.raises(ValidationFailed) as twice:
        calculate_declaration(declaration(item(freight=FREE), terms="FOB", freight=Charge(ChargeMode.RATE, D(1))))
    assert list(twice.value.errors) == ["items[0].freight"]


def test_bad_input_is_named() -> None:
    cases = [
        (declaration(item(price=D(-1))), "items[0].price"),
        (declaration(item(price=D("1e30"))), "items[0].price"),
        (declaration(item(consumption=Rate(ad_valorem=D(100)))), "items[0].consumption"),
        (declaration(item(currency="EUR")), "items[0].currency"),
        (declaration(item(), terms="XYZ"), "terms"),
        (declaration(item(duty=Rate(specific_amount=D(1), specific_unit="070"), quantities=())), "items[0].duty"),
        (declaration(item(), freight=Charge(ChargeMode.RATE, D(100))), "freight"),
    ]
    for case, field in cases:
        with pytest.raises(ValidationFailed) as caught:
            calculate_declaration(case)
        assert list(caught.value.errors) == [field]


def test_result_is_json() -> None:
    result = calculate_declaration(declaration(item(duty=Rate(ad_valorem=D(15)), vat=D(13))))
    data = json.loads(json.dumps(to_json(result), ensure_ascii=False))
    assert data["items"][0]["duty"] == "15000.00"
    assert data["items"][0]["figures"][2]["label"] == {"en": "Import duty", "zh": "进口关税"}


money = st.decimals(min_value=0, max_value=10**7, places=2)
percent = st.decimals(min_value=0, max_value=60, places=2)


@settings(max_examples=60, deadline=None)
@given(
    price=money, extra=money, duty=percent, consumption=st.decimals(min_value=0, max_value=90, places=2), vat=percent
)
def test_invariants(price: Decimal, extra: Decimal, duty: Decimal, consumption: Decimal, vat: Decimal) -> None:
    def run(amount: Decimal) -> Any:
        goods = item(
            price=amount,
            currency="USD",
            freight=Charge(ChargeMode.RATE, D(5)),
            duty=Rate(ad_valorem=duty),
            consumption=Rate(ad_valorem=consumption),
            vat=vat,
        )
        return calculate_declaration(declaration(goods, terms="FOB", de_minimis=D(0))).items[0]

    low, high = run(price), run(price + extra)
    for result in (low, high):
        for amount in (result.dutiable_value, result.duty, result.consumption_tax, result.vat):
            assert amount >= 0
            assert amount == amount.quantize(D("0.01"))
    assert high.dutiable_value >= low.dutiable_value
    assert high.duty >= low.duty
    assert high.consumption_tax >= low.consumption_tax
    assert high.vat >= low.vat
    assert high.landed_cost >= low.landed_cost
