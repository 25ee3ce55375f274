"""Demo declarations (报关单) of the demo trading company, one in every workflow state, on the demo shipments and
on seven more shipments opened here (wine, coffee, pumps, notebooks, smartphones).

Everything goes through the services a person or a gateway uses: the declarations are prepared from their
shipments, completed, validated and submitted as a declarant would; the submission is built and stored by the
gateway (the sandbox connection), and every customs state arrives as a sandbox receipt in the Single Window
format through `receipt_ingest`, so the timeline shows receipts exactly as they would come. The demo plays the
customs side itself (deterministic), rather than letting the sandbox job pick inspections by hash. The accepted
export (DEMO-SO-2026-1011) went through an amendment customs approved (修撤单) and was accepted again.

A shipment's steps that wait for its declaration follow it here: the export at the terminal (DEMO-SO-2026-0977)
is cleared and leaves once customs has released its declaration, and the order merged into another
(DEMO-PO-2026-0390) is cancelled after its declaration. Needs the demo ports, tariff, exchange rates, parties,
products and shipments loaded first. Idempotent: a shipment that already has a declaration, or already took the
steps that wait for it, is left alone. A demo declaration that no longer passes the validation rules stops the
demo with the findings (the rules moved on; fix the data here).
"""

from __future__ import annotations

import datetime as dt
import heapq
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from cpass.core.actor import Actor
from cpass.customs import services
from cpass.customs.choices import MessageFormat
from cpass.customs.gateway import services as gateway_services
from cpass.customs.gateway.sandbox import entry_number, pre_entry_number
from cpass.customs.gateway.singlewindow.mapper import receipt_message
from cpass.customs.models import Declaration, DeclarationItem, GatewaySubmission
from cpass.customs.rules import validate_declaration
from cpass.parties.models import Party
from cpass.products.models import Product
from cpass.shipments import services as shipment_services
from cpass.shipments.models import Shipment

SANDBOX = "sandbox"
HAMBURG = "Hamburg Maschinenbau GmbH"
CHICAGO = "Great Lakes Industrial Supply Inc."
WAREHOUSE = "上海外高桥保税物流仓储有限公司"
NINGBO = "宁波华晟机械制造有限公司"
BROKER = "上海恒通国际物流有限公司"

#: Customs receipts the demo sends: Single Window channel code, note and the reasons of a return
#: (code, item number, text).
Receipt = tuple[str, str, tuple[tuple[str, int | None, str], ...]]
RECEIVED: Receipt = ("7", "申报成功 (received)", ())
ACCEPTED: Receipt = ("L", "海关入库成功 (accepted)", ())
INSPECTION: Receipt = ("C", "查验通知: 请联系洋山海关查验科安排查验 (inspection notice: book the examination)", ())
ASSESSED: Receipt = ("T", "需交税费 (duties and taxes to pay)", ())
RELEASED: Receipt = ("P", "海关已放行 (released)", ())
RETURNED: Receipt = (
    "E",
    "退单: 申报内容与舱单及价格资料不符 (returned: does not agree with the manifest and the price records)",
    (
        ("MFT-012", None, "申报件数与舱单不符: 舱单 52 件, 申报 50 件 (manifest shows 52 packages, 50 declared)"),
        ("PRC-104", 1, "成交价格低于同期同类货物价格, 请补充价格说明 (price below comparable imports: explain it)"),
    ),
)


#: Customs approves the amendment request of the export under its entry number (修撤单审核通过).
AMENDMENT_APPROVED: Receipt = (
    "MA",
    "同意修改, 请更正后重新发送报关单 (amendment approved: send the corrected declaration)",
    (),
)


@dataclass(frozen=True)
class DemoRevision:
    """A request to customs to amend or withdraw the accepted declaration (修撤单), as a person files it."""

    kind: str
    reason_code: str
    reason: str


@dataclass(frozen=True)
class DemoDeclaration:
    """One demo declaration: its shipment (by customer reference), who works on it, the header completed after
    preparation, per-item changes by item number, accompanying documents, the steps that bring it to its
    state (a person's transition name or a customs receipt), and then the shipment's steps (status, place, note)
    that wait for it."""

    shipment: str
    by: str
    header: Mapping[str, Any]
    items: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)
    documents: Sequence[tuple[str, str]] = ()
    steps: Sequence[str | Receipt | tuple[str, str] | DemoRevision] = ()
    shipment_steps: Sequence[tuple[str, str, str]] = ()


#: The shipments opened here, in the shape of cpass.shipments.demo (goods from the demo products).
EXTRA_SHIPMENTS: list[dict[str, Any]] = [
    {
        "reference": "DEMO-PO-2026-0507",
        "direction": "import",
        "fields": {
            "contract_number": "SC-2026-109",
            "master_bill": "MEDUHM471150",
            "consignor": HAMBURG,
            "consignee": WAREHOUSE,
            "incoterm": "CIF",
            "incoterm_place": "Shanghai",
            "transport_mode": "2",
            "port_of_loading": "DEHAM",
            "port_of_discharge": "CNSHA",
            "customs_office": "2248",
            "vessel_name": "MSC Oscar",
            "imo_number": "9703291",
            "voyage": "FE631E",
            "package_type": "23",
            "package_count": "5",
            "gross_weight_kg": "410",
            "etd": -41,
            "eta": -12,
        },
        "goods": [
            {
                "sku": "HGP-63",
                "quantity": "20",
                "legal_quantity_1": "20",
                "legal_quantity_2": "366",
                "net_weight_kg": "366",
                "gross_weight_kg": "410",
                "value": "22400.00",
            }
        ],
        "steps": [("booked", -45, ""), ("in_transit", -41, "DEHAM"), ("arrived", -12, "CNSHA")],
    },
    {
        "reference": "DEMO-PO-2026-0520",
        "direction": "import",
        "fields": {
            "contract_number": "FR-BDX-2026-014",
            "master_bill": "CMDUANR2604418",
            "consignor": HAMBURG,
            "consignee": WAREHOUSE,
            "incoterm": "CIF",
            "incoterm_place": "Shanghai",
            "transport_mode": "2",
            "port_of_loading": "BEANR",
            "port_of_discharge": "CNSHA",
            "customs_office": "2248",
            "vessel_name": "CMA CGM Jacques Saade",
            "imo_number": "9839131",
            "voyage": "0FLE5W1MA",
            "package_type": "22",
            "package_count": "100",
            "gross_weight_kg": "1560",
            "etd": -40,
            "eta": -4,
        },
        "goods": [
            {
                "sku": "WINE-BDX-19",
                "quantity": "1200",
                "legal_quantity_1": "900",
                "legal_quantity_2": "900",
                "net_weight_kg": "900",
                "gross_weight_kg": "1560",
                "value": "22200.00",
            }
        ],
        "steps": [("booked", -44, ""), ("in_transit", -40, "BEANR"), ("arrived", -4, "CNSHA")],
    },
    {
        "reference": "DEMO-PO-2026-0533",
        "direction": "import",
        "fields": {
            "contract_number": "BR-SP-2026-077",
            "master_bill": "MAEU241188730",
            "consignor": HAMBURG,
            "consignee": WAREHOUSE,
            "incoterm": "CFR",
            "incoterm_place": "Shanghai",
            "transport_mode": "2",
            "port_of_loading": "BRSSZ",
            "port_of_discharge": "CNSHA",
            "customs_office": "2248",
            "vessel_name": "Maersk Guayaquil",
            "imo_number": "9784269",
            "voyage": "614E",
            "package_type": "22",
            "package_count": "50",
            "gross_weight_kg": "1100",
            "etd": -45,
            "eta": -3,
        },
        "goods": [
            {
                "sku": "COF-BRA-R",
                "quantity": "1000",
                "legal_quantity_1": "1000",
                "net_weight_kg": "1000",
                "gross_weight_kg": "1100",
                "value": "9600.00",
            }
        ],
        "steps": [("booked", -50, ""), ("in_transit", -45, "BRSSZ"), ("arrived", -3, "CNSHA")],
    },
    {
        "reference": "DEMO-PO-2026-0541",
        "direction": "import",
        "fields": {
            "contract_number": "SC-2026-131",
            "master_bill": "MEDUHM490277",
            "consignor": HAMBURG,
            "consignee": WAREHOUSE,
            "incoterm": "FOB",
            "incoterm_place": "Hamburg",
            "transport_mode": "2",
            "port_of_loading": "DEHAM",
            "port_of_discharge": "CNSHA",
            "customs_office": "2248",
            "vessel_name": "MSC Gülsün",
            "imo_number": "9839430",
            "voyage": "FE701E",
            "package_type": "23",
            "package_count": "4",
            "gross_weight_kg": "240",
            "etd": -36,
            "eta": -8,
        },
        "goods": [
            {
                "sku": "HGP-40",
                "quantity": "16",
                "legal_quantity_1": "16",
                "legal_quantity_2": "200",
                "net_weight_kg": "200",
                "gross_weight_kg": "240",
                "value": "13600.00",
            }
        ],
        "steps": [("booked", -40, ""), ("in_transit", -36, "DEHAM"), ("arrived", -8, "CNSHA")],
    },
    {
        "reference": "DEMO-PO-2026-0548",
        "direction": "import",
        "fields": {
            "contract_number": "ET-YC-2026-009",
            "master_bill": "MEDUJE551203",
            "consignee": WAREHOUSE,
            "consignor": HAMBURG,
            "incoterm": "CIF",
            "incoterm_place": "Shanghai",
            "transport_mode": "2",
            "port_of_loading": "AEJEA",
            "port_of_discharge": "CNSHA",
            "customs_office": "2248",
            "vessel_name": "MSC Loreto",
            "imo_number": "9934735",
            "voyage": "FE620E",
            "package_type": "22",
            "package_count": "160",
            "gross_weight_kg": "9728",
            "etd": -30,
            "eta": -7,
        },
        "goods": [
            {
                "sku": "COF-ETH-G1",
                "quantity": "9600",
                "legal_quantity_1": "9600",
                "net_weight_kg": "9600",
                "gross_weight_kg": "9728",
                "value": "40320.00",
            }
        ],
        "steps": [("booked", -33, ""), ("in_transit", -30, "AEJEA"), ("arrived", -7, "CNSHA")],
    },
    {
        "reference": "DEMO-SO-2026-1010",
        "direction": "export",
        "fields": {
            "contract_number": "EX-GL-2026-044",
            "house_bill": "COSU6302001187",
            "consignor": NINGBO,
            "consignee": CHICAGO,
            "incoterm": "FOB",
            "incoterm_place": "Shanghai",
            "transport_mode": "2",
            "port_of_loading": "CNSHA",
            "port_of_discharge": "USLAX",
            "customs_office": "2248",
            "package_type": "22",
            "package_count": "50",
            "gross_weight_kg": "105",
            "etd": 3,
            "eta": 18,
        },
        "goods": [
            {
                "sku": "NB-14-PRO",
                "quantity": "50",
                "legal_quantity_1": "50",
                "legal_quantity_2": "65",
                "net_weight_kg": "65",
                "gross_weight_kg": "105",
                "value": "31000.00",
            }
        ],
        "steps": [("booked", -2, "")],
    },
    {
        "reference": "DEMO-SO-2026-1011",
        "direction": "export",
        "fields": {
            "contract_number": "EX-RF-2026-003",
            "house_bill": "MAEU241190044",
            "consignor": NINGBO,
            "consignee": CHICAGO,
            "incoterm": "FOB",
            "incoterm_place": "Shanghai",
            "transport_mode": "2",
            "port_of_loading": "CNSHA",
            "port_of_discharge": "NLRTM",
            "customs_office": "2248",
            "package_type": "22",
            "package_count": "20",
            "gross_weight_kg": "84",
            "etd": 2,
            "eta": 33,
        },
        "goods": [
            {
                "sku": "SP-X5",
                "quantity": "200",
                "legal_quantity_1": "200",
                "legal_quantity_2": "38",
                "net_weight_kg": "38",
                "gross_weight_kg": "84",
                "value": "43000.00",
            }
        ],
        "steps": [("booked", -1, "")],
    },
]

_IMPORT = {
    "declaring_customs": "2248",
    "entry_exit_customs": "2248",
    "trade_mode": "0110",
    "levy_nature": "101",
    "entry_exit_port": "310301",
    "goods_location": "洋山港区集装箱查验场 / Yangshan container yard",
}
_EXPORT = {
    "declaring_customs": "2248",
    "entry_exit_customs": "2248",
    "trade_mode": "0110",
    "levy_nature": "101",
    "entry_exit_port": "310301",
}
_TO_CHINA = {"destination_country": "CHN", "domestic_area": "31222"}
_TO_USA = {"domestic_area": "33029", "destination_country": "USA"}

DEMO_DECLARATIONS: list[DemoDeclaration] = [
    # Prepared early for coffee still at sea: a draft the validation report still finds gaps in.
    DemoDeclaration("DEMO-PO-2026-0455", "trader", {"trade_mode": "0110"}),
    DemoDeclaration(
        "DEMO-SO-2026-1003",
        "trader",
        {
            **_EXPORT,
            "contract_number": "EX-GL-2026-052",
            "transport_mode": "2",
            "bill_number": "COSU6301172240",
            "departure_port": "USLAX",
            "departure_country": "USA",
            "trade_country": "USA",
            "package_type": "22",
            "package_count": 100,
            "gross_weight_kg": "1900",
            "net_weight_kg": "1720",
        },
        {1: {**_TO_USA, "legal_quantity_2": "1080"}, 2: {**_TO_USA, "legal_quantity_2": "640"}},
        steps=["validate"],
    ),
    DemoDeclaration(
        "DEMO-PO-2026-0390",
        "trader",
        {**_IMPORT},
        steps=[("cancel", "Order merged into DEMO-PO-2026-0412 (订单并入 DEMO-PO-2026-0412)")],
        shipment_steps=[("cancelled", "", "Order merged into DEMO-PO-2026-0412")],
    ),
    DemoDeclaration(
        "DEMO-SO-2026-1010",
        "broker",
        {**_EXPORT, "net_weight_kg": "65"},
        {1: _TO_USA},
        steps=["validate", "submit", RECEIVED],
    ),
    DemoDeclaration(
        "DEMO-SO-2026-1011",
        "broker",
        {**_EXPORT, "net_weight_kg": "38"},
        {1: {"domestic_area": "33029", "destination_country": "NLD"}},
        # Accepted, then the net weight turned out wrong: an amendment request customs approves, the correction
        # goes again under the same entry number and is accepted.
        steps=[
            "validate",
            "submit",
            RECEIVED,
            ACCEPTED,
            DemoRevision(
                "amend",
                "clerical",
                "Net weight keyed as 36 kg, the packing list says 38 kg (净重录入错误, 装箱单为 38 千克)",
            ),
            AMENDMENT_APPROVED,
            "validate",
            "submit",
            RECEIVED,
            ACCEPTED,
        ],
    ),
    DemoDeclaration(
        "DEMO-PO-2026-0533",
        "broker",
        {
            **_IMPORT,
            "net_weight_kg": "1000",
            "insurance_mode": "rate",
            "insurance_value": "0.3",
        },
        {1: _TO_CHINA},
        steps=["validate", "submit", RECEIVED, RETURNED],
    ),
    DemoDeclaration(
        "DEMO-PO-2026-0412",
        "broker",
        {
            **_IMPORT,
            "net_weight_kg": "519.6",
            "freight_mode": "total",
            "freight_value": "1850",
            "freight_currency": "EUR",
            "insurance_mode": "rate",
            "insurance_value": "0.3",
        },
        {1: _TO_CHINA, 2: _TO_CHINA},
        steps=["validate", "submit", RECEIVED, ACCEPTED, INSPECTION],
    ),
    DemoDeclaration(
        "DEMO-PO-2026-0520",
        "broker",
        {**_IMPORT, "net_weight_kg": "900"},
        {1: _TO_CHINA},
        # Wine is inspected on entry (supervision condition A): the inspection e-certificate number.
        documents=[("A", "310000126004417")],
        steps=["validate", "submit", RECEIVED, ACCEPTED, ASSESSED],
    ),
    DemoDeclaration(
        "DEMO-PO-2026-0548",
        "broker",
        {**_IMPORT, "net_weight_kg": "9600"},
        # Ethiopian coffee with a certificate of origin: the least-developed-country rate (0%) instead of MFN 8%.
        {1: {**_TO_CHINA, "origin_certificate": "ET-CO-2026-00871"}},
        documents=[("A", "310000126004529"), ("Y", "ET-CO-2026-00871")],
        steps=["validate", "submit", RECEIVED, ACCEPTED, ASSESSED, "pay"],
    ),
    DemoDeclaration(
        "DEMO-PO-2026-0541",
        "broker",
        {
            **_IMPORT,
            "net_weight_kg": "200",
            "freight_mode": "total",
            "freight_value": "960",
            "freight_currency": "EUR",
            "insurance_mode": "rate",
            "insurance_value": "0.3",
        },
        {1: _TO_CHINA},
        steps=["validate", "submit", RECEIVED, ACCEPTED, ASSESSED, "pay", RELEASED],
    ),
    # Refrigerators sold CIF Los Angeles: freight and insurance declared to be deducted to the FOB value; released
    # at Ningbo, so the shipment is cleared and leaves.
    DemoDeclaration(
        "DEMO-SO-2026-0977",
        "broker",
        {
            **_EXPORT,
            "declaring_customs": "3100",
            "entry_exit_customs": "3100",
            "entry_exit_port": "330101",
            "net_weight_kg": "7488",
            "freight_mode": "total",
            "freight_value": "2400",
            "freight_currency": "USD",
            "insurance_mode": "rate",
            "insurance_value": "0.3",
        },
        {1: _TO_USA},
        steps=["validate", "submit", RECEIVED, ACCEPTED, RELEASED],
        shipment_steps=[("cleared", "CNNGB", ""), ("in_transit", "CNNGB", "")],
    ),
    DemoDeclaration(
        "DEMO-PO-2026-0507",
        "broker",
        {**_IMPORT, "net_weight_kg": "366"},
        {1: _TO_CHINA},
        steps=["validate", "submit", RECEIVED, ACCEPTED, ASSESSED, "pay", RELEASED, "close"],
    ),
]


class _Clock:
    """Receipt times of one declaration. Customs writes notice times to the second; a receipt must come after
    what happened before it and before the next person's step (the timeline is ordered by time), so a receipt is
    dated the next whole second and a person's step after a receipt waits until that second has passed. The
    declarations are worked on side by side (`load_demo`), so one waits while the others go on."""

    def __init__(self) -> None:
        self.last: dt.datetime | None = None

    def receipt_time(self) -> dt.datetime:
        self.last = timezone.now().replace(microsecond=0) + dt.timedelta(seconds=1)
        return self.last

    def pending(self) -> dt.datetime | None:
        """The moment the next person's step must come after (None: it may come now)."""
        last, self.last = self.last, None
        return last


def _when(days: int) -> dt.datetime:
    return timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=days)


def _extra_shipment(actor: Actor, spec: Mapping[str, Any], parties: Mapping[str, int]) -> None:
    products = {p.sku: p.pk for p in Product.objects.for_actor(actor, "read").filter(enterprise_id=actor.enterprise_id)}
    fields = dict(spec["fields"])
    for role in ("consignor", "consignee"):
        if role in fields:
            fields[f"{role}_id"] = parties[fields.pop(role)]
    for moment in ("etd", "eta"):
        if moment in fields:
            fields[moment] = _when(fields[moment])
    shipment = shipment_services.shipment_create(
        actor=actor, direction=spec["direction"], customer_reference=spec["reference"], **fields
    )
    for goods in spec["goods"]:
        values = dict(goods)
        shipment_services.goods_line_add(
            actor=actor, shipment_id=shipment.pk, product_id=products[values.pop("sku")], **values
        )
    for status, days, place in spec["steps"]:
        shipment_services.shipment_transition(
            actor=actor, shipment_id=shipment.pk, status=status, at=_when(days), location=place
        )


def _require_valid(declaration: Declaration, reference: str) -> None:
    report = validate_declaration(declaration)
    if report.has_errors:
        found = "; ".join(f"{f.code} {f.field}: {f.message}" for f in report.errors)
        raise RuntimeError(f"demo declaration of {reference} does not validate: {found}")


def _receive(declaration: Declaration, receipt: Receipt, clock: _Clock, sequence: int) -> None:
    """One customs receipt as the sandbox connection writes it, through the gateway's receipt intake."""
    code, note, errors = receipt
    submission = GatewaySubmission.objects.unscoped().filter(declaration=declaration).order_by("-created_at").first()
    if submission is None:
        raise RuntimeError(f"demo declaration {declaration.reference} has no submission to answer")
    declaration.refresh_from_db()
    payload = receipt_message(
        client_seq_no=submission.message_id,
        pre_entry_number=pre_entry_number(declaration),
        entry_number=entry_number(declaration) if code not in ("7", "E") else "",
        channel=code,
        notice_at=clock.receipt_time(),
        note=note,
        customs_office=declaration.declaring_customs,
        sequence=sequence,
        import_export_date=declaration.import_export_date,
        declaration_date=declaration.declaration_date,
        errors=errors,
    )
    gateway_services.receipt_ingest(gateway=SANDBOX, message_format=MessageFormat.SINGLE_WINDOW_XML, payload=payload)


def _declare(
    actor: Actor, shipment: Shipment, spec: DemoDeclaration, parties: Mapping[str, int]
) -> Iterator[dt.datetime]:
    """Prepare and move one declaration; yields the moment to wait for before a person's step that follows a
    receipt."""
    clock = _Clock()
    header = dict(spec.header)
    if spec.by == "broker" or spec.steps:
        header.setdefault("declarant_id", parties[BROKER])
    declaration = services.declaration_create(actor=actor, shipment_id=shipment.pk, **header)
    items = {
        item.item_number: item.pk
        for item in DeclarationItem.objects.for_actor(actor, "read").filter(declaration=declaration)
    }
    for number, changes in spec.items.items():
        services.item_update(actor=actor, declaration_id=declaration.pk, item_id=items[number], **changes)
    for code, document_number in spec.documents:
        services.document_add(actor=actor, declaration_id=declaration.pk, code=code, number=document_number)
    sequence = 0
    for step in spec.steps:
        if not isinstance(step, tuple) or len(step) == 2:
            moment = clock.pending()
            if moment is not None:
                yield moment
        if isinstance(step, DemoRevision):
            request = services.revision_request_create(
                actor=actor,
                declaration_id=declaration.pk,
                kind=step.kind,
                reason_code=step.reason_code,
                reason=step.reason,
            )
            # What revision_send_task does once the request commits (as for a submission below).
            gateway_services.revision_send(request_id=request.pk)
        elif isinstance(step, str):
            if step == "validate":
                _require_valid(declaration, spec.shipment)
            services.declaration_transition(actor=actor, declaration_id=declaration.pk, transition=step)
            if step == "submit":
                # What declaration_send_task does once the submission commits; run here so the demo's receipts
                # have a submission to answer (the task finds it sent and does nothing more).
                gateway_services.declaration_send(declaration_id=declaration.pk)
        elif len(step) == 2:
            transition, reason = step
            services.declaration_transition(
                actor=actor, declaration_id=declaration.pk, transition=transition, reason=reason
            )
        else:
            sequence += 1
            _receive(declaration, step, clock, sequence)
    if spec.shipment_steps:
        moment = clock.pending()
        if moment is not None:
            yield moment
    for status, place, note in spec.shipment_steps:
        shipment_services.shipment_transition(
            actor=actor, shipment_id=shipment.pk, status=status, location=place, note=note
        )


def _moved_on(shipment: Shipment, spec: DemoDeclaration) -> bool:
    """The shipment already took the steps that wait for its declaration: a demo loaded before they waited for it
    (its export left without one) is left as it is."""
    return any(shipment.status == status for status, _place, _note in spec.shipment_steps)


def load_demo(*, trader: Actor, broker: Actor) -> int:
    """Open the extra demo shipments and the declarations of every demo shipment that has none yet; return how
    many declarations were prepared. The broker declares through the trader's customs grant (the core demo
    gives it), so its declarations name the broker as declarant (申报单位)."""
    if trader.enterprise_id is None:
        raise RuntimeError("the demo actor has no active enterprise")
    owner = trader.enterprise_id
    parties = {
        party.name_local: party.pk for party in Party.objects.for_actor(trader, "read").filter(enterprise_id=owner)
    }
    references = set(
        Shipment.objects.for_actor(trader, "read")
        .filter(enterprise_id=owner)
        .values_list("customer_reference", flat=True)
    )
    for extra in EXTRA_SHIPMENTS:
        if extra["reference"] not in references:
            _extra_shipment(trader, extra, parties)
    shipments = {
        shipment.customer_reference: shipment
        for shipment in Shipment.objects.for_actor(trader, "read").filter(
            enterprise_id=owner, customer_reference__in=[spec.shipment for spec in DEMO_DECLARATIONS]
        )
    }
    declared = set(
        Declaration.objects.for_actor(trader, "read")
        .filter(enterprise_id=owner)
        .values_list("shipment__customer_reference", flat=True)
    )
    work = [
        _declare(trader if spec.by == "trader" else broker, shipments[spec.shipment], spec, parties)
        for spec in DEMO_DECLARATIONS
        if spec.shipment not in declared and not _moved_on(shipments[spec.shipment], spec)
    ]
    _side_by_side(work)
    return len(work)


def _side_by_side(work: list[Iterator[dt.datetime]]) -> None:
    """Run the declarations' steps, the one whose wait ends first next, so one waits while the others go on."""
    start = timezone.now()
    queue = [(start, index) for index in range(len(work))]
    while queue:
        moment, index = heapq.heappop(queue)
        remaining = (moment - timezone.now()).total_seconds()
        if remaining > 0:
            time.sleep(remaining + 0.001)
        following = next(work[index], None)
        if following is not None:
            heapq.heappush(queue, (following, index))
