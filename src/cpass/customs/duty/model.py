"""The engine's plain values: what goes in (items, charges, rates, exchange rates) and what comes out
(figures with their traces, item and declaration results). Frozen, ORM-free, JSON-serialisable
through `to_json`, so declarations, the API, the page and the PDF share one shape.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


class Direction(enum.StrEnum):
    IMPORT = "import"
    EXPORT = "export"


class ChargeMode(enum.StrEnum):
    """How freight, insurance or other charges are given (the declaration's 运费/保费/杂费 marks 1, 2, 3)."""

    RATE = "rate"  # percent: freight and other charges of the goods value, insurance of goods + freight
    UNIT = "unit"  # an amount per unit of quantity (the item's quantity in `unit`)
    TOTAL = "total"  # an amount


class Combination(enum.StrEnum):
    """How the ad valorem and specific parts of a rate combine (cpass.tariff.models.RateCombination)."""

    SINGLE = "single"
    SUM = "sum"
    HIGHER = "higher"
    LOWER = "lower"


@dataclass(frozen=True)
class Bilingual:
    en: str
    zh: str

    def text(self, language: str | None) -> str:
        return self.zh if (language or "").lower().startswith("zh") else self.en


@dataclass(frozen=True)
class Charge:
    mode: ChargeMode
    #: Percent for RATE (0.3 for 3‰), an amount per unit for UNIT, an amount for TOTAL.
    value: Decimal
    currency: str = ""
    #: For UNIT: the customs unit code the amount is per; empty means the item's first legal unit.
    unit: str = ""
    #: Set by apportionment: the declaration-level total this is a share of (for the trace).
    note: str = ""


@dataclass(frozen=True)
class Rate:
    """A rate as numbers (percent and/or amount per unit), with why it applies."""

    ad_valorem: Decimal | None = None
    specific_amount: Decimal | None = None
    specific_currency: str = ""
    specific_unit: str = ""
    combination: Combination = Combination.SINGLE
    #: The published text ("20% + 1 CNY/095").
    text: str = ""
    #: Rate kind ("mfn", "conventional", "consumption"…) and agreement, for the trace.
    basis: str = ""
    #: Why this rate (the tariff lookup's reason).
    reason: str = ""


@dataclass(frozen=True)
class FxRate:
    """Customs exchange rate: home currency per 1 unit of `currency`, and how it was found."""

    currency: str
    rate: Decimal
    explanation: str = ""


@dataclass(frozen=True)
class ItemInput:
    """One goods item (商品项) as the engine needs it."""

    code: str
    #: Transaction price total (成交总价) in `currency`, on the declaration's transaction terms.
    price: Decimal
    currency: str
    #: Quantities by customs unit code: the legal units 1 and 2 (法定第一/第二数量), maybe more.
    quantities: tuple[tuple[str, Decimal], ...] = ()
    freight: Charge | None = None
    insurance: Charge | None = None
    other: Charge | None = None
    duty: Rate | None = None
    consumption: Rate | None = None
    #: Import VAT percent (13, 9…); None: no VAT (exports).
    vat: Decimal | None = None
    #: The first legal unit: what the landed cost per unit is per.
    unit: str = ""
    #: The quantity in the trade unit (成交数量), when given: the landed cost is also per this unit.
    trade_quantity: Decimal | None = None
    trade_unit: str = ""
    description: str = ""

    @property
    def quantity_map(self) -> Mapping[str, Decimal]:
        return dict(self.quantities)


@dataclass(frozen=True)
class DeclarationInput:
    """One declaration (一票货物): items, terms, declaration-level charges, exchange rates."""

    direction: Direction
    #: Customs transaction-terms code ("1" CIF … "7" EXW) or an Incoterm ("FOB", "DAP").
    terms: str
    items: tuple[ItemInput, ...]
    fx: tuple[FxRate, ...]
    home_currency: str = "CNY"
    #: Declaration-level charges: rates apply to each item, per-unit amounts to each item's quantity,
    #: totals are apportioned by goods value.
    freight: Charge | None = None
    insurance: Charge | None = None
    other: Charge | None = None
    #: Per-declaration exemption: a tax whose total for the declaration is at most this is not levied.
    de_minimis: Decimal = Decimal(50)


@dataclass(frozen=True)
class Value:
    """One named input or intermediate value of a figure."""

    name: Bilingual
    value: str
    note: str = ""


@dataclass(frozen=True)
class Figure:
    """One computed amount with everything needed to check it by hand."""

    key: str
    label: Bilingual
    amount: Decimal
    currency: str
    formula: Bilingual
    #: The formula with the numbers put in: "(12,000.00 + 1,800.00) ÷ (1 − 0.05) = 14,526.32".
    working: str
    values: tuple[Value, ...] = ()
    #: The rate used ("15%", "250 CNY/070"), and why it applies.
    rate: str = ""
    reason: str = ""
    rounding: Bilingual | None = None
    legal_basis: Bilingual | None = None


@dataclass(frozen=True)
class ItemResult:
    """Assessed figures of one item (before the per-declaration exemption) and what is payable."""

    index: int
    code: str
    currency: str
    dutiable_value: Decimal
    #: Import duty for imports, export duty for exports.
    duty: Decimal
    consumption_tax: Decimal
    vat: Decimal
    duty_payable: Decimal = Decimal(0)
    consumption_tax_payable: Decimal = Decimal(0)
    vat_payable: Decimal = Decimal(0)
    landed_cost: Decimal = Decimal(0)
    landed_cost_per_unit: Decimal | None = None
    unit: str = ""
    landed_cost_per_trade_unit: Decimal | None = None
    trade_unit: str = ""
    figures: tuple[Figure, ...] = ()

    @property
    def fen(self) -> tuple[int, int, int, int]:
        """(value, duty, consumption tax, VAT) in fen: what the batch path must reproduce exactly."""
        return (
            int(self.dutiable_value * 100),
            int(self.duty * 100),
            int(self.consumption_tax * 100),
            int(self.vat * 100),
        )


@dataclass(frozen=True)
class TaxTotal:
    key: str
    label: Bilingual
    assessed: Decimal
    payable: Decimal
    exempt: bool
    figure: Figure


@dataclass(frozen=True)
class DeclarationResult:
    direction: Direction
    terms: str
    currency: str
    items: tuple[ItemResult, ...]
    taxes: tuple[TaxTotal, ...]
    dutiable_value: Decimal
    total_payable: Decimal
    landed_cost: Decimal
    figures: tuple[Figure, ...] = field(default=())


def to_json(value: Any) -> Any:
    """Dataclasses → dicts, Decimals → strings ("12.30"), enums → values, tuples → lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    return value
