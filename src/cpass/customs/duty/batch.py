"""The batch path: many import items at once in scaled int64 arithmetic (numpy), the same numbers as
the Decimal reference path, without traces.

Columns hold exact scaled integers: amounts in cents of the goods currency, exchange rates ×10⁸,
freight/insurance/other rates in percent ×10² (0.3% is 30), duty, consumption tax and VAT rates in
percent ×10⁴ (13% is 130000), quantities ×10⁵ and specific amounts ×10⁴ of the home currency.
Half-up rounding is integer: ⌊(x + d/2) / d⌋ for x ≥ 0, and the composite price ⌊(2n + d) / 2d⌋
rounds n/d exactly. The dutiable value is a product of up to 27 digits before it is rounded to the
fen, so it is taken in two 10⁹ limbs.

An item goes to the reference path instead (`fallback`) when it does not fit: charges per unit or in
another currency, rates or amounts with more decimals than the columns keep, a specific rate in a
foreign currency, or magnitudes that could overflow int64 (bounds are checked before computing).
Exports are not batched: `calculate_batch` is for imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from cpass.customs.duty import legal
from cpass.customs.duty.model import Charge, ChargeMode, Combination, Direction, ItemInput, ItemResult, Rate
from cpass.customs.duty.reference import FxTable, calculate_item, resolve_terms
from cpass.customs.duty.rounding import money_context
from cpass.customs.duty.units import quantity_in

Array = npt.NDArray[np.int64]

# Modes of a charge column.
NONE, RATE, TOTAL = 0, 1, 2
# Combinations of a rate column.
NO_RATE, AD_VALOREM, SPECIFIC, SUM, HIGHER, LOWER = 0, 1, 2, 3, 4, 5
_COMBINATION = {Combination.SUM: SUM, Combination.HIGHER: HIGHER, Combination.LOWER: LOWER}

#: Largest cent amount in a column (9 million units): with the bounds below, no intermediate exceeds 2^63.
MAX_CENTS = 900_000_000
#: Largest charge rate (percent ×10² → 100%) and insurance rate (10%) in a column.
MAX_CHARGE_RATE = 10_000
MAX_INSURANCE_RATE = 1_000
#: Largest exchange rate ×10⁸ (20 home units per foreign unit).
MAX_FX = 2_000_000_000
#: Largest value of an intermediate at scale 10⁹ before we hand the item to the reference path.
SAFE = 4.0e18

CHARGES = ("freight", "insurance", "other")
COLUMNS = (
    "goods",
    "fx",
    "freight_mode",
    "freight",
    "insurance_mode",
    "insurance",
    "other_mode",
    "other",
    "duty_kind",
    "duty_rate",
    "duty_amount",
    "duty_quantity",
    "ct_kind",
    "ct_rate",
    "ct_amount",
    "ct_quantity",
    "vat",
)


def _scaled(value: Decimal, places: int) -> int | None:
    """`value` × 10^places as an int when that is exact, else None."""
    with money_context():
        scaled = value.scaleb(places)
        if scaled != scaled.to_integral_value():
            return None
        return int(scaled)


@dataclass
class BatchItems:
    """Column-wise import items of one currency setup: terms, home currency and exchange rates are the batch's."""

    terms: legal.Terms
    home_currency: str
    columns: dict[str, Array]
    #: Currency code of each item's goods (the columns' amounts are in it); only used to rebuild items.
    currencies: list[str]
    fx: FxTable
    #: Items the columns cannot hold, by position: computed by the reference path.
    extra: dict[int, ItemInput] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.columns["goods"])

    @classmethod
    def empty(cls, size: int, *, terms: legal.Terms, fx: FxTable, currencies: list[str]) -> BatchItems:
        columns = {name: np.zeros(size, dtype=np.int64) for name in COLUMNS}
        return cls(terms=terms, home_currency=fx.home, columns=columns, currencies=currencies, fx=fx)

    @classmethod
    def from_items(cls, items: Sequence[ItemInput], *, terms: str, fx: FxTable) -> BatchItems:
        """Encode items; any item the columns cannot hold exactly is kept aside for the reference path."""
        batch = cls.empty(len(items), terms=resolve_terms(terms), fx=fx, currencies=[item.currency for item in items])
        for index, item in enumerate(items):
            if not batch._encode(index, item):
                batch.extra[index] = item
        return batch

    def _encode(self, index: int, item: ItemInput) -> bool:
        c = self.columns
        goods = _scaled(item.price, 2)
        if item.currency == self.home_currency:
            fx_value = Decimal(1)
        else:
            found = self.fx.rates.get(item.currency)
            if found is None:
                return False
            fx_value = found.rate
        fx_scaled = _scaled(fx_value, 8)
        if goods is None or fx_scaled is None:
            return False
        c["goods"][index], c["fx"][index] = goods, fx_scaled
        for name in CHARGES:
            charge: Charge | None = getattr(item, name)
            if charge is None:
                continue
            if charge.mode == ChargeMode.RATE:
                scaled = _scaled(charge.value, 2)
                mode = RATE
            elif charge.mode == ChargeMode.TOTAL and charge.currency == item.currency:
                scaled = _scaled(charge.value, 2)
                mode = TOTAL
            else:
                return False
            if scaled is None:
                return False
            c[f"{name}_mode"][index], c[name][index] = mode, scaled
        for prefix, rate in (("duty", item.duty), ("ct", item.consumption)):
            if rate is not None and not self._encode_rate(index, prefix, rate, item):
                return False
        if item.vat is not None:
            vat = _scaled(item.vat, 4)
            if vat is None:
                return False
            c["vat"][index] = vat
        return True

    def _encode_rate(self, index: int, prefix: str, rate: Rate, item: ItemInput) -> bool:
        c = self.columns
        if rate.ad_valorem is not None:
            scaled = _scaled(rate.ad_valorem, 4)
            if scaled is None:
                return False
            c[f"{prefix}_rate"][index] = scaled
        if rate.specific_amount is not None:
            if (rate.specific_currency or self.home_currency) != self.home_currency:
                return False
            quantity = quantity_in(rate.specific_unit, item.quantity_map, code=item.code)
            if quantity is None:
                return False  # the reference path says which quantity is missing
            amount, scaled_quantity = _scaled(rate.specific_amount, 4), _scaled(quantity.amount, 5)
            if amount is None or scaled_quantity is None:
                return False
            c[f"{prefix}_amount"][index], c[f"{prefix}_quantity"][index] = amount, scaled_quantity
        if rate.ad_valorem is not None and rate.specific_amount is not None:
            c[f"{prefix}_kind"][index] = _COMBINATION.get(rate.combination, SUM)
        else:
            c[f"{prefix}_kind"][index] = AD_VALOREM if rate.ad_valorem is not None else SPECIFIC
        return True

    def to_item(self, index: int) -> ItemInput:
        """The item at `index` rebuilt from the columns (for the reference path)."""
        if index in self.extra:
            return self.extra[index]
        c = {name: int(column[index]) for name, column in self.columns.items()}
        currency = self.currencies[index]
        charges: dict[str, Charge | None] = {}
        for name in CHARGES:
            mode = c[f"{name}_mode"]
            if mode == RATE:
                charges[name] = Charge(ChargeMode.RATE, Decimal(c[name]).scaleb(-2))
            elif mode == TOTAL:
                charges[name] = Charge(ChargeMode.TOTAL, Decimal(c[name]).scaleb(-2), currency)
            else:
                charges[name] = None
        quantities: list[tuple[str, Decimal]] = []
        rates: dict[str, Rate | None] = {}
        for prefix in ("duty", "ct"):
            kind = c[f"{prefix}_kind"]
            if kind == NO_RATE:
                rates[prefix] = None
                continue
            unit = f"q{prefix}"
            has_specific = kind != AD_VALOREM
            if has_specific:
                quantities.append((unit, Decimal(c[f"{prefix}_quantity"]).scaleb(-5)))
            combination = {SUM: Combination.SUM, HIGHER: Combination.HIGHER, LOWER: Combination.LOWER}.get(
                kind, Combination.SINGLE
            )
            rates[prefix] = Rate(
                ad_valorem=Decimal(c[f"{prefix}_rate"]).scaleb(-4) if kind != SPECIFIC else None,
                specific_amount=Decimal(c[f"{prefix}_amount"]).scaleb(-4) if has_specific else None,
                specific_currency=self.home_currency,
                specific_unit=unit,
                combination=combination,
            )
        return ItemInput(
            code="",
            price=Decimal(c["goods"]).scaleb(-2),
            currency=currency,
            quantities=tuple(quantities),
            freight=charges["freight"],
            insurance=charges["insurance"],
            other=charges["other"],
            duty=rates["duty"],
            consumption=rates["ct"],
            vat=Decimal(c["vat"]).scaleb(-4),
        )


@dataclass(frozen=True)
class BatchResult:
    """Assessed amounts in fen, one per item, and which items the reference path computed."""

    dutiable_value: Array
    duty: Array
    consumption_tax: Array
    vat: Array
    fallback: npt.NDArray[np.bool_]

    def item(self, index: int) -> tuple[int, int, int, int]:
        return (
            int(self.dutiable_value[index]),
            int(self.duty[index]),
            int(self.consumption_tax[index]),
            int(self.vat[index]),
        )


def _round(x: Array, divisor: int) -> Array:
    """⌊(x + divisor/2) / divisor⌋: half up for x ≥ 0 (divisor even)."""
    return (x + divisor // 2) // divisor


def _rate_parts(kind: Array, rate: Array, amount: Array, quantity: Array, base_fen: Array) -> tuple[Array, Array]:
    """(ad valorem part, specific part) at scale 10⁹ of the home currency."""
    has_ad_valorem = (kind == AD_VALOREM) | (kind >= SUM)
    has_specific = kind >= SPECIFIC
    ad_valorem = np.where(has_ad_valorem, base_fen * rate * 10, 0)
    specific = np.where(has_specific, amount * quantity, 0)
    return ad_valorem, specific


def _combine(kind: Array, ad_valorem: Array, specific: Array) -> Array:
    return np.select(
        [kind == HIGHER, kind == LOWER],
        [np.maximum(ad_valorem, specific), np.minimum(ad_valorem, specific)],
        ad_valorem + specific,
    )


def _in_bounds(batch: BatchItems) -> npt.NDArray[np.bool_]:
    """Items whose every intermediate provably stays below 2^63: each is bounded from above in float
    (a few ulps of error against a 2× margin under int64's 9.2·10¹⁸)."""
    c = batch.columns

    def f(name: str) -> npt.NDArray[np.float64]:
        return c[name].astype(np.float64)

    ok = (c["goods"] >= 0) & (c["goods"] <= MAX_CENTS) & (c["fx"] > 0) & (c["fx"] <= MAX_FX)
    for name in CHARGES:
        mode, value = c[f"{name}_mode"], c[name]
        limit = MAX_INSURANCE_RATE if name == "insurance" else MAX_CHARGE_RATE
        ok &= (value >= 0) & np.where(mode == RATE, value < limit, value <= MAX_CENTS)
    for name in ("duty_rate", "duty_amount", "duty_quantity", "ct_rate", "ct_amount", "ct_quantity", "vat"):
        ok &= c[name] >= 0
    ok &= c["ct_rate"] < 1_000_000
    dutiable = (3 * f("goods") + f("freight") + f("insurance") + f("other")) * f("fx") / 1e8 + 1
    duty_ad_valorem, duty_specific = dutiable * f("duty_rate") * 10, f("duty_amount") * f("duty_quantity")
    ok &= (duty_ad_valorem < SAFE) & (duty_specific < SAFE)
    duty = (duty_ad_valorem + duty_specific) / 1e7 + 1
    ct_specific = f("ct_amount") * f("ct_quantity")
    numerator = (dutiable + duty) * 1e7 + ct_specific
    ok &= (ct_specific < SAFE) & (numerator < SAFE)
    composite = numerator / (10 * np.maximum(1e6 - f("ct_rate"), 1)) + 1
    ct_ad_valorem = composite * f("ct_rate") * 10
    ok &= ct_ad_valorem < SAFE
    consumption = (ct_ad_valorem + ct_specific) / 1e7 + 1
    ok &= (dutiable + duty + consumption) * f("vat") * 10 < SAFE
    return ok  # type: ignore[no-any-return]


def calculate_batch(batch: BatchItems) -> BatchResult:
    """The assessed dutiable value, duty, consumption tax and VAT of every item, in fen."""
    c = batch.columns
    terms = batch.terms
    n = len(batch)
    fallback = ~_in_bounds(batch)
    if batch.extra:
        fallback[list(batch.extra)] = True
    goods = c["goods"]
    # Missing freight under terms that need it is an error only the reference path words well.
    if not terms.freight_included:
        fallback |= c["freight_mode"] == NONE
    # The value in the goods currency, scale 10¹⁰ (cents × 10⁸): goods + freight + insurance + other.
    # Freight at scale 10⁶ (cents × 10⁴), insurance and other charges at 10¹⁰ (rates are percent × 10²).
    freight6 = np.where(c["freight_mode"] == RATE, goods * c["freight"], c["freight"] * 10_000)
    if terms.freight_included:
        freight6 = np.zeros(n, dtype=np.int64)
    if terms.insurance_included:
        insurance10 = np.zeros(n, dtype=np.int64)
    else:
        insurance_rate = np.where(c["insurance_mode"] == NONE, 30, c["insurance"])  # 3‰ = 0.3% = 30 (percent × 10²)
        insurance10 = np.where(
            c["insurance_mode"] == TOTAL, c["insurance"] * 100_000_000, (goods * 10_000 + freight6) * insurance_rate
        )
    other10 = np.select(
        [c["other_mode"] == RATE, c["other_mode"] == TOTAL],
        [goods * c["other"] * 10_000, c["other"] * 100_000_000],
        0,
    )
    cif10 = goods * 100_000_000 + freight6 * 10_000 + insurance10 + other10
    # × exchange rate (×10⁸) → scale 10¹⁸ of the home currency, in two limbs of 10⁹; the fen is 10¹⁶.
    high, low = np.divmod(cif10, 1_000_000_000)
    fx = c["fx"]
    limb = high * fx + (low * fx) // 1_000_000_000
    value = (limb + 5_000_000) // 10_000_000

    duty_kind = c["duty_kind"]
    ad_valorem, specific = _rate_parts(duty_kind, c["duty_rate"], c["duty_amount"], c["duty_quantity"], value)
    duty = _round(_combine(duty_kind, ad_valorem, specific), 10_000_000)

    ct_kind, ct_rate = c["ct_kind"], c["ct_rate"]
    ct_specific = np.where(ct_kind >= SPECIFIC, c["ct_amount"] * c["ct_quantity"], 0)
    in_composite = np.where((ct_kind == SUM), ct_specific, 0)
    numerator = (value + duty) * 10_000_000 + in_composite
    denominator = 10 * np.where(ct_rate < 1_000_000, 1_000_000 - ct_rate, 1)
    composite = (2 * numerator + denominator) // (2 * denominator)
    ct_ad_valorem = composite * ct_rate * 10
    has_ad_valorem = (ct_kind == AD_VALOREM) | (ct_kind >= SUM)
    ct_exact = np.where(has_ad_valorem, _combine(ct_kind, ct_ad_valorem, ct_specific), ct_specific)
    consumption = np.where(ct_kind == NO_RATE, 0, _round(ct_exact, 10_000_000))

    vat = _round((value + duty + consumption) * c["vat"] * 10, 10_000_000)

    result = BatchResult(value, duty, consumption, vat, fallback)
    _fill_fallback(batch, result)
    return result


def _fill_fallback(batch: BatchItems, result: BatchResult) -> None:
    for index in np.flatnonzero(result.fallback):
        item = batch.to_item(int(index))
        assessed: ItemResult = calculate_item(
            int(index), item, direction=Direction.IMPORT, terms=batch.terms, fx=batch.fx
        )
        (
            result.dutiable_value[index],
            result.duty[index],
            result.consumption_tax[index],
            result.vat[index],
        ) = assessed.fen
