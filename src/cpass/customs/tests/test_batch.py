"""The batch path gives exactly the reference path's numbers (hypothesis), and falls back where it must."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cpass.customs.duty import Charge, ChargeMode, Combination, Direction, FxRate, ItemInput, Rate
from cpass.customs.duty.batch import BatchItems, calculate_batch
from cpass.customs.duty.reference import FxTable, calculate_item, resolve_terms

D = Decimal
FX = FxTable((FxRate("USD", D("7.0851")), FxRate("JPY", D("0.046120")), FxRate("KRW", D("0.0049225"))), "CNY")


def amounts(top: int, places: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=0, max_value=top, places=places)


charges = st.one_of(
    st.none(),
    st.builds(lambda v: Charge(ChargeMode.RATE, v), amounts(20, 2)),
    st.builds(lambda v: Charge(ChargeMode.TOTAL, v, "USD"), amounts(10**5, 2)),
)
duty_rates = st.one_of(
    st.none(),
    st.builds(lambda r: Rate(ad_valorem=r), amounts(270, 4)),
    st.builds(lambda a: Rate(specific_amount=a, specific_unit="035"), amounts(1000, 4)),
    st.builds(
        lambda r, a, c: Rate(ad_valorem=r, specific_amount=a, specific_unit="035", combination=c),
        amounts(100, 2),
        amounts(100, 2),
        st.sampled_from([Combination.SUM, Combination.HIGHER, Combination.LOWER]),
    ),
)
consumption_rates = st.one_of(
    st.none(),
    st.builds(lambda r: Rate(ad_valorem=r), amounts(95, 2)),
    st.builds(lambda a: Rate(specific_amount=a, specific_unit="070"), amounts(300, 2)),
    st.builds(
        lambda r, a, c: Rate(ad_valorem=r, specific_amount=a, specific_unit="095", combination=c),
        amounts(60, 2),
        amounts(5, 2),
        st.sampled_from([Combination.SUM, Combination.HIGHER, Combination.LOWER]),
    ),
)
items = st.builds(
    lambda price, currency, kg, litres, freight, insurance, other, duty, consumption, vat: ItemInput(
        code="2203000000",
        price=price,
        currency=currency,
        quantities=(("035", kg), ("095", litres)),
        freight=freight or Charge(ChargeMode.RATE, D(2)),
        insurance=insurance,
        other=other,
        duty=duty,
        consumption=consumption,
        vat=vat,
    ),
    st.one_of(amounts(10**6, 2), amounts(10**8, 2), amounts(1, 2)),
    st.sampled_from(["USD", "JPY", "CNY", "KRW"]),
    amounts(10**5, 3),
    amounts(10**5, 2),
    charges,
    charges,
    charges,
    duty_rates,
    consumption_rates,
    st.sampled_from([None, D(13), D(9), D(0)]),
)


@settings(max_examples=40, deadline=None)
@given(batch=st.lists(items, min_size=1, max_size=30), terms=st.sampled_from(["FOB", "CFR", "CIF", "4", "EXW"]))
def test_batch_equals_reference(batch: list[ItemInput], terms: str) -> None:
    columns = BatchItems.from_items(batch, terms=terms, fx=FX)
    result = calculate_batch(columns)
    for index, item in enumerate(batch):
        reference = calculate_item(index, item, direction=Direction.IMPORT, terms=resolve_terms(terms), fx=FX)
        assert result.item(index) == reference.fen


def test_most_items_stay_in_the_fast_path_and_odd_ones_fall_back() -> None:
    plain = ItemInput(
        code="8703233100",
        price=D("25000.00"),
        currency="USD",
        freight=Charge(ChargeMode.TOTAL, D("800.00"), "USD"),
        duty=Rate(ad_valorem=D(15)),
        consumption=Rate(ad_valorem=D(5)),
        vat=D(13),
    )
    odd = [
        ItemInput(**{**plain.__dict__, "price": D("0.001")}),  # more decimals than the cents column
        ItemInput(**{**plain.__dict__, "freight": Charge(ChargeMode.TOTAL, D(5), "JPY")}),  # another currency
        ItemInput(**{**plain.__dict__, "price": D("10") ** 9}),  # above the bound
    ]
    columns = BatchItems.from_items([plain, *odd], terms="FOB", fx=FX)
    result = calculate_batch(columns)
    assert result.fallback.tolist() == [False, True, True, True]
    assert sorted(columns.extra) == [1, 2]
    for index, item in enumerate([plain, *odd]):
        reference = calculate_item(index, item, direction=Direction.IMPORT, terms=resolve_terms("FOB"), fx=FX)
        assert result.item(index) == reference.fen
    assert result.dutiable_value.dtype == np.int64
