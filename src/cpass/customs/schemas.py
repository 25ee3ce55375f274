"""API shapes of the duty and tax calculation (prefixed Customs) and of declarations (prefixed Declaration), so
the names stay unique in the OpenAPI document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from cpass.core.actor import Actor
from cpass.core.api import InputSchema, one_of, ordering_of
from cpass.customs.choices import (
    TRANSITIONS,
    ChargeMode,
    Confirmation,
    DeclarationStatus,
    EventKind,
    MessageFormat,
    RevisionKind,
    RevisionReason,
    RevisionState,
    TransitionBy,
    transitions_from,
)
from cpass.customs.models import Declaration, DeclarationEvent, RevisionRequest
from cpass.customs.selectors import DECLARATION_ORDERING
from cpass.shipments.schemas import DirectionValue

DeclarationStatusValue = Annotated[str, one_of(DeclarationStatus)]
ChargeModeValue = Annotated[str, one_of(ChargeMode, blank=True)]
ConfirmationValue = Annotated[str, one_of(Confirmation, blank=True)]
#: The steps people take; customs' steps come with its receipts.
DeclarationOrdering = Annotated[str, ordering_of(DECLARATION_ORDERING)]
PersonTransitionValue = Annotated[str, one_of(t.name for t in TRANSITIONS.values() if t.by != TransitionBy.CUSTOMS)]


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
    proof_of_origin: bool = Field(
        False,
        description="A certificate of origin or origin declaration is claimed: conventional and special "
        "preferential rates open to the origin apply only then (the answer's reason names them otherwise).",
    )
    price: Decimal = Field(..., description="Transaction price total, on the declaration's terms.")
    currency: str = Field(..., max_length=3)
    quantity_1: Decimal | None = Field(None, description="Quantity in the line's first legal unit.")
    quantity_2: Decimal | None = Field(None, description="Quantity in the line's second legal unit.")
    trade_quantity: Decimal | None = Field(
        None, description="Quantity in the trade unit (成交数量): the landed cost is also given per this unit."
    )
    trade_unit: str = Field("", max_length=3, description="Customs unit code of the trade quantity, e.g. 001.")
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
    rounding: CustomsTextOut | None
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
    landed_cost_per_trade_unit: Decimal | None
    trade_unit: str
    figures: list[CustomsFigureOut]


class CustomsTaxTotalOut(Schema):
    key: str
    label: CustomsTextOut
    assessed: Decimal
    payable: Decimal
    exempt: bool
    figure: CustomsFigureOut


class CustomsCalculationOut(Schema):
    direction: DirectionValue
    terms: str
    currency: str
    items: list[CustomsItemResultOut]
    taxes: list[CustomsTaxTotalOut]
    dutiable_value: Decimal
    total_payable: Decimal
    landed_cost: Decimal
    figures: list[CustomsFigureOut]


# -- declarations (报关单) ------------------------------------------------------------------------------
# Codes are those of the Single Window form; docs/customs/declaration-fields.md maps every field to its Chinese
# name, its code table and the message element.


def next_transitions(actor: Actor, declaration: Declaration) -> list[dict[str, Any]]:
    """The workflow steps `actor` may take on the declaration now: a declarant's with write access, a manager's
    with manage access; customs' steps come with receipts. No query (the actor carries its grants)."""
    enterprise_id = declaration.enterprise_id
    may = {
        TransitionBy.WRITER: enterprise_id in actor.enterprise_ids_for("customs", "write"),
        TransitionBy.MANAGER: enterprise_id in actor.enterprise_ids_for("customs", "manage"),
    }
    return [
        {"name": step.name, "label": str(step.label), "needs_reason": step.needs_reason}
        for step in transitions_from(declaration.status, entry_number=declaration.entry_number)
        if may.get(step.by, False)  # type: ignore[call-overload]
    ]


class DeclarationEnterpriseOut(Schema):
    id: int
    name: str


class DeclarationShipmentOut(Schema):
    id: int
    job_number: str


class DeclarationPartyOut(Schema):
    id: int
    name_local: str
    name_en: str
    country: str
    #: Unified social credit code (统一社会信用代码) and customs registration code (海关编码), when known.
    uscc: str
    customs_code: str


class DeclarationContainerOut(Schema):
    id: int
    number: str


class DeclarationTransitionOut(Schema):
    """A workflow step the caller may take now (customs' own steps come with receipts and are not listed)."""

    name: PersonTransitionValue
    label: str
    needs_reason: bool


class DeclarationListOut(Schema):
    """A row of the declarations list: what identifies it and where it stands (GET …/{id} for every field)."""

    id: int
    enterprise: DeclarationEnterpriseOut
    shipment: DeclarationShipmentOut
    direction: DirectionValue
    reference: str
    status: DeclarationStatusValue
    split_from_id: int | None
    pre_entry_number: str
    entry_number: str
    declaring_customs: str
    trade_mode: str
    transport_mode: str
    bill_number: str
    import_export_date: dt.date | None
    declaration_date: dt.date | None
    domestic_trader: DeclarationPartyOut | None
    overseas_trader: DeclarationPartyOut | None
    gateway: str
    submitted_at: dt.datetime | None
    released_at: dt.datetime | None
    status_reason: str
    next_transitions: list[DeclarationTransitionOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_next_transitions(obj: Any, context: Any) -> list[dict[str, Any]]:
        return next_transitions(context["request"].auth, obj)


class DeclarationOut(Schema):
    id: int
    enterprise: DeclarationEnterpriseOut
    shipment: DeclarationShipmentOut
    direction: DirectionValue
    reference: str
    status: DeclarationStatusValue
    #: The declaration this one was split off (a shipment of more than 50 goods lines), if any.
    split_from_id: int | None
    pre_entry_number: str
    entry_number: str
    declaring_customs: str
    entry_exit_customs: str
    record_number: str
    contract_number: str
    import_export_date: dt.date | None
    declaration_date: dt.date | None
    domestic_trader: DeclarationPartyOut | None
    overseas_trader: DeclarationPartyOut | None
    consumer_producer: DeclarationPartyOut | None
    declarant: DeclarationPartyOut | None
    transport_mode: str
    vessel_name: str
    imo_number: str
    voyage: str
    bill_number: str
    goods_location: str
    trade_mode: str
    levy_nature: str
    licence_number: str
    departure_country: str
    trade_country: str
    departure_port: str
    stop_port: str
    entry_exit_port: str
    package_type: str
    package_count: int | None
    gross_weight_kg: Decimal | None
    net_weight_kg: Decimal | None
    transaction_terms: str
    freight_mode: ChargeModeValue
    freight_value: Decimal | None
    freight_currency: str
    insurance_mode: ChargeModeValue
    insurance_value: Decimal | None
    insurance_currency: str
    other_mode: ChargeModeValue
    other_value: Decimal | None
    other_currency: str
    related_party: ConfirmationValue
    price_influence: ConfirmationValue
    royalty_payment: ConfirmationValue
    self_assessment: bool
    marks_and_remarks: str
    containers: list[DeclarationContainerOut]
    gateway: str
    submitted_at: dt.datetime | None
    released_at: dt.datetime | None
    #: Why customs returned or held it, or why it was amended or cancelled (the latest reason).
    status_reason: str
    next_transitions: list[DeclarationTransitionOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_containers(obj: Any) -> list[Any]:
        return list(obj.containers.all())

    @staticmethod
    def resolve_next_transitions(obj: Any, context: Any) -> list[dict[str, Any]]:
        return next_transitions(context["request"].auth, obj)


class DeclarationWriteIn(InputSchema):
    """The header as a person fills it; codes are checked against the code tables on the declaration's date."""

    #: Codes of the customs_office table (关区代码), e.g. 2248 (Yangshan).
    declaring_customs: str | None = None
    entry_exit_customs: str | None = None
    #: The record number (备案号) of a processing-trade manual or an exemption, up to 12 characters.
    record_number: str | None = None
    contract_number: str | None = None
    import_export_date: dt.date | None = None
    declaration_date: dt.date | None = None
    #: Parties of the declaration's enterprise (ids), usable (not blocked by screening).
    domestic_trader_id: int | None = None
    overseas_trader_id: int | None = None
    consumer_producer_id: int | None = None
    declarant_id: int | None = None
    #: Code of the transport_mode table (运输方式), e.g. 2 for waterway.
    transport_mode: str | None = None
    vessel_name: str | None = None
    imo_number: str | None = None
    voyage: str | None = None
    bill_number: str | None = None
    goods_location: str | None = None
    #: Code of the trade_mode table (监管方式), e.g. 0110 for general trade.
    trade_mode: str | None = None
    #: Code of the levy_nature table (征免性质), e.g. 101 for general levy.
    levy_nature: str | None = None
    licence_number: str | None = None
    #: ISO alpha-3 country codes, e.g. DEU.
    departure_country: str | None = None
    trade_country: str | None = None
    #: UN/LOCODEs, e.g. DEHAM.
    departure_port: str | None = None
    stop_port: str | None = None
    #: Customs' domestic port code (入境口岸/离境口岸), 4 to 6 digits, e.g. 310301.
    entry_exit_port: str | None = None
    #: Code of the package_type table (包装种类), e.g. 22; needs package_count.
    package_type: str | None = None
    package_count: int | None = None
    gross_weight_kg: Decimal | None = None
    net_weight_kg: Decimal | None = None
    #: Code of the transaction_terms table (成交方式): 1 CIF, 2 C&F, 3 FOB…
    transaction_terms: str | None = None
    #: Freight, insurance and other charges: `rate` (percent), `unit` or `total`, the value, and a currency
    #: (ISO 4217) unless it is a rate.
    freight_mode: ChargeModeValue | None = None
    freight_value: Decimal | None = None
    freight_currency: str | None = None
    insurance_mode: ChargeModeValue | None = None
    insurance_value: Decimal | None = None
    insurance_currency: str | None = None
    other_mode: ChargeModeValue | None = None
    other_value: Decimal | None = None
    other_currency: str | None = None
    #: "yes" or "no" (特殊关系确认, 价格影响确认, 支付特许权使用费确认).
    related_party: ConfirmationValue | None = None
    price_influence: ConfirmationValue | None = None
    royalty_payment: ConfirmationValue | None = None
    self_assessment: bool | None = None
    marks_and_remarks: str | None = None
    #: Containers of the declaration's shipment (ids); replaces the list.
    container_ids: list[int] | None = None


class DeclarationCreateIn(DeclarationWriteIn):
    """Prepare the declaration(s) of a shipment: the header comes from the shipment, then from these fields; one
    item per goods line. More than 50 goods lines make several declarations; the first is answered."""

    shipment_id: int


class DeclarationUpdateIn(DeclarationWriteIn):
    """Only the fields sent change; send null to clear a field. Only a draft changes."""


class DeclarationTransitionIn(InputSchema):
    #: The step to take (next_transitions on the declaration lists those open to you now).
    transition: PersonTransitionValue = Field(..., max_length=20)
    #: Required to amend, cancel or withdraw: why.
    reason: str = ""


class DeclarationItemProductOut(Schema):
    id: int
    sku: str


class DeclarationItemOut(Schema):
    id: int
    declaration_id: int
    item_number: int
    goods_line_id: int | None
    product: DeclarationItemProductOut | None
    hs_code: str
    ciq_code: str
    name: str
    #: The declaration elements by template position ({"1": "0", …}); `specification` joins them as 规格型号.
    elements: dict[str, Any]
    specification: str
    quantity: Decimal | None
    trade_unit: str
    legal_quantity_1: Decimal | None
    legal_unit_1: str
    legal_quantity_2: Decimal | None
    legal_unit_2: str
    unit_price: Decimal | None
    total_price: Decimal | None
    currency: str
    origin_country: str
    destination_country: str
    domestic_area: str
    duty_mode: str
    origin_certificate: str


class DeclarationItemWriteIn(InputSchema):
    #: A goods line of the declaration's shipment.
    goods_line_id: int | None = None
    #: A product of the declaration's enterprise.
    product_id: int | None = None
    #: China's 10-digit commodity code (商品编号), valid on the declaration's date; the legal units follow it.
    hs_code: str | None = None
    #: The 3-digit inspection and quarantine code (检验检疫编码) of the line, when it has several.
    ciq_code: str | None = None
    name: str | None = None
    #: The declaration elements by template position; they are checked and joined into the specification.
    elements: dict[str, str] | None = None
    specification: str | None = None
    quantity: Decimal | None = None
    #: Codes of the unit table, e.g. 001 (台), 035 (千克).
    trade_unit: str | None = None
    legal_quantity_1: Decimal | None = None
    legal_unit_1: str | None = None
    legal_quantity_2: Decimal | None = None
    legal_unit_2: str | None = None
    #: Give two of unit price, total price and quantity; the third is computed (the total to the fen).
    unit_price: Decimal | None = None
    total_price: Decimal | None = None
    currency: str | None = None
    origin_country: str | None = None
    destination_country: str | None = None
    #: Customs' 5-digit domestic area code (境内目的地/货源地), e.g. 31222.
    domestic_area: str | None = None
    #: Code of the duty_mode table (征免方式), e.g. 1 for general levy.
    duty_mode: str | None = None
    origin_certificate: str | None = None


class DeclarationItemCreateIn(DeclarationItemWriteIn):
    """Added at the end; a declaration carries at most 50 items."""


class DeclarationItemUpdateIn(DeclarationItemWriteIn):
    """Only the fields sent change."""


class DeclarationDocumentOut(Schema):
    id: int
    declaration_id: int
    code: str
    number: str


class DeclarationDocumentCreateIn(InputSchema):
    #: Code of the document_type table (随附单证代码), e.g. Y for a certificate of origin.
    code: str
    number: str


class DeclarationFindingOut(Schema):
    #: The rule's stable code, e.g. CUS-HDR-001.
    code: str
    severity: Literal["error", "warning"]
    #: The field it points at: a header field, items[3].hs_code, documents or containers.
    field: str
    #: In the request's language (Accept-Language or the person's choice).
    message: str
    item_number: int | None


class DeclarationValidationOut(Schema):
    has_errors: bool
    error_count: int
    warning_count: int
    findings: list[DeclarationFindingOut]


class DeclarationEventUserOut(Schema):
    id: int
    name: str


class DeclarationEventReceiptOut(Schema):
    id: int
    gateway: str
    message_format: Annotated[str, one_of(MessageFormat)]
    message_id: str
    #: Customs' receipt code (the Single Window channel code) and the note customs gave.
    code: str
    note: str
    issued_at: dt.datetime | None


class DeclarationEventOut(Schema):
    id: int
    #: transition (a person's step), receipt (customs'), submission, split or note.
    kind: Annotated[str, one_of(EventKind)]
    transition: Annotated[str, one_of(TRANSITIONS, blank=True)]
    from_status: Annotated[str, one_of(DeclarationStatus, blank=True)]
    to_status: Annotated[str, one_of(DeclarationStatus, blank=True)]
    #: What people or customs wrote, or what the service says of the event, in the request's language.
    reason: str
    occurred_at: dt.datetime
    recorded_by: DeclarationEventUserOut | None
    receipt: DeclarationEventReceiptOut | None

    @staticmethod
    def resolve_reason(obj: DeclarationEvent) -> str:
        return obj.display_reason


# -- amendment and withdrawal requests (修撤单) ---------------------------------------------------------


class RevisionRequestCreateIn(InputSchema):
    #: amend (修改: back to draft with its entry number once customs approves) or withdraw (撤销, a manager).
    kind: Annotated[str, one_of(RevisionKind)] = Field(..., max_length=8)
    #: The situation of GACC Order No. 220 the request rests on (art. 5 (1)–(6), art. 7).
    reason_code: Annotated[str, one_of(RevisionReason)] = Field(..., max_length=20)
    #: What happened and what is to change (详细情况说明); required.
    reason: str = Field(..., max_length=500)


class RevisionRequestOut(Schema):
    id: int
    declaration_id: int
    kind: Annotated[str, one_of(RevisionKind)]
    kind_label: str
    reason_code: Annotated[str, one_of(RevisionReason)]
    #: The reason code's wording, in the request's language.
    reason_label: str
    reason: str
    #: requested (filed), sent (to customs), approved or refused (by customs).
    state: Annotated[str, one_of(RevisionState)]
    state_label: str
    #: The declaration's status when the request was filed.
    from_status: Annotated[str, one_of(DeclarationStatus)]
    requested_by: DeclarationEventUserOut | None
    requested_at: dt.datetime
    #: The message sent to customs (its id; `GET …/submissions` has its text), once built.
    message_id: str
    #: Customs' answer: its text and when it was issued (empty until customs decides).
    customs_reply: str
    replied_at: dt.datetime | None

    @staticmethod
    def resolve_kind_label(obj: RevisionRequest) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_reason_label(obj: RevisionRequest) -> str:
        return str(obj.get_reason_code_display())

    @staticmethod
    def resolve_state_label(obj: RevisionRequest) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_message_id(obj: RevisionRequest) -> str:
        return obj.submission.message_id if obj.submission is not None else ""
