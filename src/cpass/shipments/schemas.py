"""API shapes of shipments, goods lines, containers and milestones."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Query, Schema

from cpass.core.api import InputSchema, one_of, ordering_of
from cpass.shipments.choices import MANUAL_MILESTONE_KINDS, Direction, Incoterm, MilestoneKind, ShipmentStatus
from cpass.shipments.models import Milestone
from cpass.shipments.selectors import QUERY_MAX_LENGTH, QUERY_MAX_WORDS, SHIPMENT_ORDERING

DirectionValue = Annotated[str, one_of(Direction)]
ShipmentStatusValue = Annotated[str, one_of(ShipmentStatus)]
ShipmentOrdering = Annotated[str, ordering_of(SHIPMENT_ORDERING)]
ShipmentSearch = Annotated[
    str | None,
    Query(
        None,
        description=(
            "Words to find, each somewhere in the shipment, in any order and any case: the job number, customer "
            "reference, contract number, house or master bill, vessel, IMO or container number; the consignor's, "
            "consignee's or notify party's name (Chinese or English); a goods line's description, the start of its "
            "HS code (8413) or its product's SKU or name; a declaration's customs entry number or our reference. "
            "Declarations count with the customs:read scope or grant, products with products:read. The whole text "
            "also matches the shipment's own numbers and vessel as one phrase (IMO 9074729, MSCU 123456-6). At most "
            f"{QUERY_MAX_LENGTH} characters and {QUERY_MAX_WORDS} words."
        ),
    ),
]


class ShipmentEnterpriseOut(Schema):
    id: int
    name: str


class ShipmentPartyOut(Schema):
    id: int
    name_local: str
    name_en: str
    country: str


class ShipmentOut(Schema):
    id: int
    enterprise: ShipmentEnterpriseOut
    direction: DirectionValue
    job_number: str
    status: ShipmentStatusValue
    customer_reference: str
    contract_number: str
    house_bill: str
    master_bill: str
    #: The forwarder, broker or 3PL that handles the job (an enterprise the owner granted its shipments).
    handling_partner: ShipmentEnterpriseOut | None = None
    consignor: ShipmentPartyOut | None
    consignee: ShipmentPartyOut | None
    notify_party: ShipmentPartyOut | None = None
    incoterm: Annotated[str, one_of(Incoterm, blank=True)]
    incoterm_place: str
    transport_mode: str
    port_of_loading: str
    port_of_discharge: str
    customs_office: str
    vessel_name: str
    imo_number: str
    voyage: str
    package_type: str
    package_count: int | None
    gross_weight_kg: Decimal | None
    etd: datetime | None
    eta: datetime | None
    atd: datetime | None
    ata: datetime | None
    created_at: datetime
    updated_at: datetime


class ShipmentWriteIn(InputSchema):
    customer_reference: str | None = None
    contract_number: str | None = None
    house_bill: str | None = None
    master_bill: str | None = None
    #: An enterprise the owner granted its shipments (GET /api/v1/enterprises/{id}/grants); a partner
    #: opening a client's shipment handles it unless another is given.
    handling_partner_id: int | None = None
    consignor_id: int | None = None
    consignee_id: int | None = None
    notify_party_id: int | None = None
    #: One of the eleven Incoterms 2020 rules, e.g. FOB.
    incoterm: Annotated[str, one_of(Incoterm, blank=True)] | None = None
    incoterm_place: str | None = None
    #: Code of the transport_mode table (运输方式), e.g. 2 for waterway.
    transport_mode: str | None = None
    #: UN/LOCODEs, e.g. DEHAM and CNSHA.
    port_of_loading: str | None = None
    port_of_discharge: str | None = None
    #: Code of the customs_office table (关区代码), e.g. 2200.
    customs_office: str | None = None
    vessel_name: str | None = None
    imo_number: str | None = None
    voyage: str | None = None
    #: Code of the package_type table (包装种类), e.g. 22 for fibreboard boxes; needs package_count.
    package_type: str | None = None
    #: The number of packages (件数), at least 1.
    package_count: int | None = None
    #: The shipment's total gross weight (毛重) in kg.
    gross_weight_kg: Decimal | None = None
    #: Times with their UTC offset, e.g. 2026-03-01T08:00:00+08:00.
    etd: datetime | None = None
    eta: datetime | None = None
    atd: datetime | None = None
    ata: datetime | None = None


class ShipmentCreateIn(ShipmentWriteIn):
    direction: DirectionValue
    #: The owner: your enterprise by default, or a client that granted you shipments:write.
    enterprise_id: int | None = None


class ShipmentUpdateIn(ShipmentWriteIn):
    """Only the fields sent change; send null to clear a field."""


class ShipmentTransitionIn(InputSchema):
    #: The status to move to; which ones a shipment may take next depends on its direction and status.
    status: ShipmentStatusValue
    #: When it happened (now by default), with its UTC offset.
    at: datetime | None = None
    location: str = ""
    #: Required when cancelling: why.
    note: str = ""


class GoodsLineProductOut(Schema):
    id: int
    sku: str


class GoodsLineOut(Schema):
    id: int
    shipment_id: int
    line_number: int
    product: GoodsLineProductOut | None
    hs_code: str
    description: str
    quantity: Decimal | None
    trade_unit: str
    legal_quantity_1: Decimal | None
    legal_unit_1: str
    legal_quantity_2: Decimal | None
    legal_unit_2: str
    net_weight_kg: Decimal | None
    gross_weight_kg: Decimal | None
    value: Decimal | None
    currency: str
    origin_country: str


class GoodsLineWriteIn(InputSchema):
    #: A product of the shipment's enterprise; it fills the fields left empty.
    product_id: int | None = None
    #: China's 10-digit commodity code, checked against the tariff on the shipment's date.
    hs_code: str | None = None
    description: str | None = None
    quantity: Decimal | None = None
    trade_unit: str | None = None
    legal_quantity_1: Decimal | None = None
    legal_quantity_2: Decimal | None = None
    net_weight_kg: Decimal | None = None
    gross_weight_kg: Decimal | None = None
    value: Decimal | None = None
    currency: str | None = None
    origin_country: str | None = None


class GoodsLineCreateIn(GoodsLineWriteIn):
    pass


class GoodsLineUpdateIn(GoodsLineWriteIn):
    """Only the fields sent change."""


class ContainerLoadIn(InputSchema):
    goods_line_id: int
    quantity: Decimal | None = None


class ContainerLoadOut(Schema):
    goods_line_id: int
    line_number: int
    quantity: Decimal | None

    @staticmethod
    def resolve_line_number(obj: object) -> int:
        return obj.goods_line.line_number  # type: ignore[attr-defined,no-any-return]


class ContainerOut(Schema):
    id: int
    shipment_id: int
    number: str
    size_type: str
    seals: list[str]
    tare_kg: Decimal | None
    vgm_kg: Decimal | None
    loads: list[ContainerLoadOut]

    @staticmethod
    def resolve_loads(obj: object) -> list[object]:
        return list(obj.loads.all())  # type: ignore[attr-defined]


class ContainerCreateIn(InputSchema):
    #: ISO 6346, e.g. MSCU1234566 (the check digit is verified).
    number: str
    #: Code of the container_type table (ISO 6346 size/type), e.g. 45G1.
    size_type: str = ""
    seals: list[str] = []
    tare_kg: Decimal | None = None
    vgm_kg: Decimal | None = None
    #: The goods lines in this container.
    loads: list[ContainerLoadIn] = []


class ContainerUpdateIn(InputSchema):
    """Only the fields sent change; `loads`, when sent, replaces what is in the container."""

    number: str | None = None
    size_type: str | None = None
    seals: list[str] | None = None
    tare_kg: Decimal | None = None
    vgm_kg: Decimal | None = None
    loads: list[ContainerLoadIn] | None = None


class MilestoneUserOut(Schema):
    id: int
    name: str


class MilestoneOut(Schema):
    id: int
    kind: Annotated[str, one_of(MilestoneKind)]
    #: For status rows, the status the shipment moved to; "" for the others.
    status: Annotated[str, one_of(ShipmentStatus, blank=True)]
    occurred_at: datetime
    location: str
    #: What people wrote, or what the service says of the row, in the request's language.
    note: str
    recorded_by: MilestoneUserOut | None

    @staticmethod
    def resolve_note(obj: Milestone) -> str:
        return obj.display_note


class MilestoneCreateIn(InputSchema):
    #: What happened; status rows are written by the status transitions.
    kind: Annotated[str, one_of(MANUAL_MILESTONE_KINDS)]
    occurred_at: datetime
    location: str = ""
    note: str = ""


class SavedViewOut(Schema):
    id: int
    name: str
    #: The list filters, named as the list's query parameters.
    filters: dict[str, str]
    #: The same filters as a query string, e.g. direction=import&port=CNSHA.
    query: str
    created_at: datetime

    @staticmethod
    def resolve_query(obj: object) -> str:
        return obj.query_string  # type: ignore[attr-defined,no-any-return]


class SavedViewCreateIn(InputSchema):
    name: str
    #: Any of q, direction, status, port, eta_from, eta_to (dates), party, enterprise, handled_by (ids) and
    #: ordering.
    filters: dict[str, str | int] = {}


class ShipmentDocumentAttachIn(InputSchema):
    #: A document of the shipment's enterprise (GET /api/v1/documents).
    document_id: int
