"""Quantities in the unit a specific rate is per: the item's legal units, exact metric conversions, and
the volume–weight conversions the consumption-tax rules fix for some goods.

China's customs unit codes (reference table "unit"): 035 kg, 036 g, 070 tonne, 095 litre, 096 ml… A
specific rate is per one of them (beer consumption tax: 250 CNY/070, per tonne) while the item may
be declared in another (beer: litres). Conversions that are not exact are rounded half up to 5
decimals, and the trace says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from cpass.customs.duty.rounding import QUANTITY, div_half_up, money_context, number

#: unit code → (dimension, size in the dimension's base unit: kilogram, litre, piece).
UNITS: dict[str, tuple[str, Decimal]] = {
    "035": ("mass", Decimal(1)),
    "036": ("mass", Decimal("0.001")),
    "070": ("mass", Decimal(1000)),
    "071": ("mass", Decimal("1016.0469088")),
    "072": ("mass", Decimal("907.18474")),
    "075": ("mass", Decimal("0.5")),
    "076": ("mass", Decimal("0.45359237")),
    "095": ("volume", Decimal(1)),
    "096": ("volume", Decimal("0.001")),
    "033": ("volume", Decimal(1000)),
    "097": ("volume", Decimal("4.54609")),
    "098": ("volume", Decimal("3.785411784")),
    "012": ("sticks", Decimal(1)),
    "143": ("sticks", Decimal(1000)),
}


@dataclass(frozen=True)
class Density:
    """Litres per tonne fixed by the consumption-tax rules for goods whose code starts with `prefix`."""

    prefix: str
    litres_per_tonne: Decimal
    basis: str


#: 《消费税暂行条例实施细则》第十条: 啤酒 1吨 = 988升 (heading 2203).
DENSITIES: tuple[Density, ...] = (
    Density("2203", Decimal(988), "《中华人民共和国消费税暂行条例实施细则》第十条: 啤酒 1 吨 = 988 升"),
)


@dataclass(frozen=True)
class Quantity:
    """A quantity in the unit asked for, and how it was obtained (empty note: declared as such)."""

    amount: Decimal
    unit: str
    note: str = ""


def quantity_in(unit: str, quantities: Mapping[str, Decimal], *, code: str = "") -> Quantity | None:
    """The quantity in `unit`: declared, converted within its dimension, or through a fixed density;
    None when none of the declared quantities converts."""
    if unit in quantities:
        return Quantity(quantities[unit], unit)
    target = UNITS.get(unit)
    if target is None:
        return None
    for have, amount in quantities.items():
        source = UNITS.get(have)
        if source is None:
            continue
        if source[0] == target[0]:
            with money_context():
                exact = amount * source[1]
            converted = div_half_up(exact, target[1], QUANTITY)
            note = f"{number(amount)} × {number(source[1])} ÷ {number(target[1])} ({have} → {unit})"
            return Quantity(converted, unit, note)
    for density in DENSITIES:
        if not code.startswith(density.prefix):
            continue
        for have, amount in quantities.items():
            source = UNITS.get(have)
            if source is None or {source[0], target[0]} != {"mass", "volume"}:
                continue
            with money_context():
                base = amount * source[1]  # kilograms or litres
            if source[0] == "volume":  # litres → tonnes → target mass unit
                exact_num, exact_den = base * 1000, density.litres_per_tonne * target[1]
            else:  # kilograms → litres → target volume unit
                exact_num, exact_den = base * density.litres_per_tonne, Decimal(1000) * target[1]
            converted = div_half_up(exact_num, exact_den, QUANTITY)
            note = f"{number(amount)} {have} → {number(converted)} {unit}: {density.basis}"
            return Quantity(converted, unit, note)
    return None
