"""API shapes of the nomenclature, the tariff lines and the lookup. Names are prefixed Tariff/Hs to stay unique."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema

from cpass.core.api import one_of
from cpass.tariff.models import DutyRate, HsLevel, HsNode, RateCombination, RateKind, TariffLine
from cpass.tariff.selectors import RateOption, TariffQuote, rate_text


class TariffJurisdictionOut(Schema):
    code: str
    name_en: str
    name_zh: str
    #: In the request's language.
    name: str
    currency: str
    national_code_length: int
    min_code_length: int
    general_rate_origins: list[str]
    exchange_rate_rule: str

    @staticmethod
    def resolve_general_rate_origins(obj: Any) -> list[str]:
        return str(obj.general_rate_origins).split()


class HsNodeOut(Schema):
    edition: str
    code: str
    level: Annotated[str, one_of(HsLevel)]
    parent: str | None
    description_en: str
    description_zh: str
    #: In the request's language.
    description: str

    @staticmethod
    def resolve_parent(obj: HsNode) -> str | None:
        return obj.parent.code if obj.parent_id is not None and obj.parent is not None else None


class HsNodeDetailOut(Schema):
    node: HsNodeOut
    #: Section → chapter → heading → subheading, ending with the node itself.
    path: list[HsNodeOut]
    children: list[HsNodeOut]


class TariffRateOut(Schema):
    """One rate: `ad_valorem` percent and/or `specific_amount` `specific_currency` per `specific_unit`."""

    kind: Annotated[str, one_of(RateKind)]
    agreement: str
    origin_countries: list[str]
    ad_valorem: Decimal | None
    specific_amount: Decimal | None
    specific_currency: str
    specific_unit: str
    combination: Annotated[str, one_of(RateCombination)]
    #: The rate as published (or, when none was kept, in our grammar).
    text: str
    #: The published text did not parse into numbers: shown, never computed.
    unparsed: bool

    @staticmethod
    def resolve_origin_countries(obj: DutyRate) -> list[str]:
        return obj.origin_countries.split()

    @staticmethod
    def resolve_text(obj: DutyRate) -> str:
        return rate_text(obj)


class TariffLineOut(Schema):
    id: int
    jurisdiction: str
    code: str
    ciq_code: str
    hs_edition: str
    description_en: str
    description_zh: str
    description: str
    unit_1: str
    unit_2: str
    vat_rate: Decimal | None
    supervision_conditions: str
    inspection_categories: str
    valid_from: dt.date
    valid_to: dt.date | None

    @staticmethod
    def resolve_jurisdiction(obj: TariffLine) -> str:
        return obj.jurisdiction.code


class TariffElementOut(Schema):
    key: str
    name_en: str
    name_zh: str
    required: bool
    choices: list[Any] = []
    hint_en: str = ""
    hint_zh: str = ""


class TariffElementsOut(Schema):
    """The declaration elements template (申报要素) of a code prefix and the period it is valid in."""

    jurisdiction: str
    code_prefix: str
    elements: list[TariffElementOut]
    valid_from: dt.date
    valid_to: dt.date | None

    @staticmethod
    def resolve_jurisdiction(obj: Any) -> str:
        return str(obj.jurisdiction.code)


class TariffLineDetailOut(TariffLineOut):
    source: str
    rates: list[TariffRateOut]
    #: The template valid on the line's first day (or today, if the line is valid today).
    elements: TariffElementsOut | None
    #: Every version of the same code and CIQ sub-code, oldest first (this one included).
    versions: list[TariffLineOut]


class TariffRateOptionOut(Schema):
    rate: TariffRateOut
    #: Open to the origin asked about.
    eligible: bool
    note: str

    @staticmethod
    def resolve_rate(obj: RateOption) -> DutyRate:
        return obj.rate


class TariffQuoteOut(Schema):
    """Which line, which rates, on this date, for this origin, and why this import duty rate."""

    jurisdiction: str
    on: dt.date
    origin: str | None
    line: TariffLineOut
    import_rate: TariffRateOut | None
    #: The kind of the import rate that applies ("mfn", "provisional", "conventional", ...).
    basis: str
    reason: str
    candidates: list[TariffRateOptionOut]
    vat_rate: Decimal | None
    consumption: list[TariffRateOut]
    export_rate: TariffRateOut | None
    supervision_conditions: str
    inspection_categories: str
    unit_1: str
    unit_2: str
    elements: TariffElementsOut | None

    @staticmethod
    def resolve_jurisdiction(obj: TariffQuote) -> str:
        return obj.jurisdiction.code
