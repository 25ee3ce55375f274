"""API shapes of the duty and tax calculation. Names are prefixed Customs to stay unique."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from cpass.core.api import InputSchema


class CustomsChargeIn(InputSchema):
    """Freight, insurance or other charges: a `rate` (percent), an amount per `unit`, or a `total`."""

    mode: Literal["rate", "unit", "total"]
    #: Percent for a rate (0.3 for 3‰), else an amount.
    value: Decimal
    #: ISO 4217, for per-unit amounts and totals.
    currency: str = Field("", max_length=3)
    #: Customs unit code a per-unit amount is per; empty: the item's first legal unit.
    unit: str = Field("", max_length=10)


class CustomsCalculationItemIn(InputSchema):
    code: str = Field(..., max_length=40, description="Commodity code, e.g. 8703233100.")
    ciq_code: str = Field("", max_length=3)
    origin: str | None = Field(None, max_length=3, description="ISO alpha-3 origin, e.g. JPN.")
    price: Decimal = Field(..., description="Transaction price total, on the declaration's terms.")
    currency: str = Field(..., max_length=3)
    quantity_1: Decimal | None = Field(None, description="Quantity in the line's first legal unit.")
    quantity_2: Decimal | None = Field(None, description="Quantity in the line's second legal unit.")
    freight: CustomsChargeIn | None = None
    insurance: CustomsChargeIn | None = Field(
        None, description="Leave out on FOB/EXW/C&F imports to apply customs' 3‰ of goods + freight."
    )
    other: CustomsChargeIn | None = None
    description: str = Field("", max_length=200)


class CustomsCalculationIn(InputSchema):
    jurisdiction: str = Field("CN", max_length=2)
    date: dt.date = Field(..., description="The date the tax is assessed on (rates and exchange rate of that day).")
    direction: Literal["import", "export"] = "import"
    terms: str = Field("FOB", max_length=10, description="Transaction-terms code 1–7 or an Incoterm (FOB, CIF…).")
    items: list[CustomsCalculationItemIn] = Field(..., min_length=1, max_length=50)
    #: Declaration-level charges (totals are apportioned to items by value); then leave them out on items.
    freight: CustomsChargeIn | None = None
    insurance: CustomsChargeIn | None = None
    other: CustomsChargeIn | None = None


class CustomsTextOut(Schema):
    en: str
    zh: str


class CustomsValueOut(Schema):
    name: CustomsTextOut
    value: str
    note: str


class CustomsFigureOut(Schema):
    key: str
    label: CustomsTextOut
    amount: Decimal
    currency: str
    formula: CustomsTextOut
    working: str
    values: list[CustomsValueOut]
    rate: str
    reason: str
    rounding: str
    legal_basis: CustomsTextOut | None


class CustomsItemResultOut(Schema):
    index: int
    code: str
    currency: str
    dutiable_value: Decimal
    duty: Decimal
    consumption_tax: Decimal
    vat: Decimal
    duty_payable: Decimal
    consumption_tax_payable: Decimal
    vat_payable: Decimal
    landed_cost: Decimal
    landed_cost_per_unit: Decimal | None
    unit: str
    figures: list[CustomsFigureOut]


class CustomsTaxTotalOut(Schema):
    key: str
    label: CustomsTextOut
    assessed: Decimal
    payable: Decimal
    exempt: bool
    figure: CustomsFigureOut


class CustomsCalculationOut(Schema):
    direction: str
    terms: str
    currency: str
    items: list[CustomsItemResultOut]
    taxes: list[CustomsTaxTotalOut]
    dutiable_value: Decimal
    total_payable: Decimal
    landed_cost: Decimal
    figures: list[CustomsFigureOut]
