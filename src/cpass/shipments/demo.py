"""Demo shipments of the demo trading company: imports and exports in several states, with goods from the
demo products, containers and a timeline. Everything goes through the services, so the change log is real.

Needs the demo ports, tariff, parties and products loaded first. Idempotent: a shipment whose customer
reference is already used by the trader is not created again. Times are relative to now, so the
timeline always reads as recent history. The steps that wait for customs declarations are the customs
demo's (cpass.customs.demo): an export is cleared once customs has released its declaration, and a shipment
is cancelled once its declaration is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cpass.core.actor import Actor
from cpass.parties.models import Party
from cpass.products.models import Product
from cpass.shipments import services
from cpass.shipments.models import Shipment

HAMBURG = "Hamburg Maschinenbau GmbH"
CHICAGO = "Great Lakes Industrial Supply Inc."
WAREHOUSE = "上海外高桥保税物流仓储有限公司"
NINGBO = "宁波华晟机械制造有限公司"

#: customer reference → (shipment fields, goods lines, containers, [(status, days from now, place)], milestones)
DEMO_SHIPMENTS: list[dict[str, Any]] = [
    {
        "reference": "DEMO-PO-2026-0412",
        "direction": "import",
        "fields": {
            "contract_number": "SC-2026-118",
            "house_bill": "HLCUHAM2609871",
            "master_bill": "MEDUHM482913",
            "consignor": HAMBURG,
            "consignee": WAREHOUSE,
            "incoterm": "FOB",
            "incoterm_place": "Hamburg",
            "transport_mode": "2",
            "port_of_loading": "DEHAM",
            "port_of_discharge": "CNSHA",
            "customs_office": "2200",
            "vessel_name": "MSC Oscar",
            "imo_number": "9703291",
            "voyage": "FE647E",
            "package_type": "23",
            "package_count": "6",
            "gross_weight_kg": "587",
            "etd": -38,
            "eta": -6,
        },
        "goods": [
            {
                "sku": "HGP-40",
                "quantity": "24",
                "legal_quantity_1": "24",
                "legal_quantity_2": "300",
                "net_weight_kg": "300",
                "gross_weight_kg": "341",
                "value": "20400.00",
            },
            {
                "sku": "HGP-63",
                "quantity": "12",
                "legal_quantity_1": "12",
                "legal_quantity_2": "219.6",
                "net_weight_kg": "219.6",
                "gross_weight_kg": "246",
                "value": "13440.00",
            },
        ],
        "containers": [
            {
                "number": "MSCU1234566",
                "size_type": "22G1",
                "seals": ["ML-DE448120"],
                "tare_kg": "2230",
                "vgm_kg": "2817",
                "lines": [1, 2],
            },
        ],
        "steps": [("booked", -45, ""), ("in_transit", -38, "DEHAM"), ("arrived", -6, "CNSHA")],
        "events": [("gate_in", -40, "DEHAM", "Gate in at Burchardkai"), ("discharged", -5, "CNSHA", "")],
    },
    {
        "reference": "DEMO-SO-2026-0977",
        "direction": "export",
        "fields": {
            "contract_number": "EX-GL-2026-031",
            "house_bill": "COSU6301158870",
            "consignor": NINGBO,
            "consignee": CHICAGO,
            "incoterm": "CIF",
            "incoterm_place": "Los Angeles",
            "transport_mode": "2",
            "port_of_loading": "CNNGB",
            "port_of_discharge": "USLAX",
            "customs_office": "3100",
            "vessel_name": "COSCO Shipping Universe",
            "imo_number": "9795610",
            "voyage": "046E",
            "package_type": "93",
            "package_count": "48",
            "gross_weight_kg": "8256",
            "etd": 0,
            "eta": 17,
        },
        "goods": [
            {
                "sku": "BCD-450",
                "quantity": "96",
                "legal_quantity_1": "96",
                "net_weight_kg": "7488",
                "gross_weight_kg": "8256",
                "value": "35040.00",
            },
        ],
        "containers": [
            {
                "number": "CSQU3054383",
                "size_type": "45G1",
                "seals": ["CNNB0193311"],
                "tare_kg": "3900",
                "vgm_kg": "8028",
                "lines": [1],
            },
            {
                "number": "MAEU1234567",
                "size_type": "45G1",
                "seals": ["CNNB0193312"],
                "tare_kg": "3880",
                "vgm_kg": "8008",
                "lines": [1],
            },
        ],
        # Cleared and sent on its way by the customs demo once customs has released its declaration.
        "steps": [("booked", -20, "")],
        "events": [("gate_in", -1, "CNNGB", "Gate in at Beilun terminal")],
    },
    {
        "reference": "DEMO-PO-2026-0455",
        "direction": "import",
        "fields": {
            "consignee": WAREHOUSE,
            "incoterm": "CFR",
            "incoterm_place": "Shanghai",
            "transport_mode": "2",
            "port_of_loading": "AEJEA",
            "port_of_discharge": "CNSHA",
            "etd": 12,
            "eta": 40,
        },
        "goods": [
            {
                "sku": "COF-ETH-G1",
                "quantity": "320",
                "legal_quantity_1": "19200",
                "net_weight_kg": "19200",
                "gross_weight_kg": "19456",
                "value": "80640.00",
            },
        ],
        "containers": [],
        "steps": [("booked", -2, "")],
        "events": [("booking_confirmed", -2, "", "Booking 7734-ETH confirmed")],
    },
    {
        "reference": "DEMO-SO-2026-1003",
        "direction": "export",
        "fields": {"consignor": NINGBO, "consignee": CHICAGO, "incoterm": "FOB", "incoterm_place": "Shanghai"},
        "goods": [
            {"sku": "TS-180-M", "quantity": "6000", "legal_quantity_1": "6000", "value": "17100.00"},
            {"sku": "TS-180-W", "quantity": "4000", "legal_quantity_1": "4000", "value": "11800.00"},
        ],
        "containers": [],
        "steps": [],
        "events": [],
    },
    {
        "reference": "DEMO-PO-2026-0390",
        "direction": "import",
        "fields": {
            "consignor": HAMBURG,
            "consignee": WAREHOUSE,
            "transport_mode": "5",
            "port_of_loading": "DEMUC",
            "port_of_discharge": "CNPVG",
        },
        "goods": [{"sku": "HGP-40", "quantity": "4", "value": "3400.00"}],
        "containers": [],
        # Cancelled by the customs demo once its declaration is cancelled.
        "steps": [],
        "events": [],
    },
]


def _when(days: int | None) -> dt.datetime | None:
    if days is None:
        return None
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    return now + dt.timedelta(days=days)


def load_demo(*, trader: Actor, broker: Actor) -> int:
    """Create the trader's demo shipments that are not there yet; return how many were created.

    The broker works on them through its partner grant (a `shipments` grant the core demo gives) and is named
    their handling partner; nothing is written as the broker.
    """
    if trader.enterprise_id is None:
        raise RuntimeError("the demo actor has no active enterprise")
    owner = trader.enterprise_id
    parties = {
        party.name_local: party.pk for party in Party.objects.for_actor(trader, "read").filter(enterprise_id=owner)
    }
    products = {p.sku: p for p in Product.objects.for_actor(trader, "read").filter(enterprise_id=owner)}
    existing = set(
        Shipment.objects.for_actor(trader, "read")
        .filter(enterprise_id=owner)
        .values_list("customer_reference", flat=True)
    )
    created = 0
    for spec in DEMO_SHIPMENTS:
        if spec["reference"] in existing:
            continue
        fields = dict(spec["fields"])
        for role in ("consignor", "consignee", "notify_party"):
            if role in fields:
                fields[f"{role}_id"] = parties[fields.pop(role)]
        for moment in ("etd", "eta"):
            if moment in fields:
                fields[moment] = _when(fields[moment])
        shipment = services.shipment_create(
            actor=trader,
            direction=spec["direction"],
            customer_reference=spec["reference"],
            handling_partner_id=broker.enterprise_id,
            **fields,
        )
        lines = []
        for goods in spec["goods"]:
            values = dict(goods)
            product = products[values.pop("sku")]
            lines.append(
                services.goods_line_add(actor=trader, shipment_id=shipment.pk, product_id=product.pk, **values)
            )
        for container in spec["containers"]:
            values = dict(container)
            loads = [{"goods_line_id": lines[n - 1].pk} for n in values.pop("lines")]
            services.container_add(actor=trader, shipment_id=shipment.pk, loads=loads, **values)
        for status, days, place in spec["steps"]:
            services.shipment_transition(
                actor=trader, shipment_id=shipment.pk, status=status, at=_when(days), location=place
            )
        for kind, days, place, note in spec["events"]:
            services.milestone_add(
                actor=trader, shipment_id=shipment.pk, kind=kind, occurred_at=_when(days), location=place, note=note
            )
        created += 1
    return created
