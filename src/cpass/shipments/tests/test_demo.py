from __future__ import annotations

import hashlib

import numpy as np
import pytest

from cpass.classification import embeddings
from cpass.organizations.tests.factories import EnterpriseFactory, PartnerGrantFactory
from cpass.parties.demo import load_demo as load_parties_demo
from cpass.places.demo import load_demo as load_places_demo
from cpass.products.demo import load_demo as load_products_demo
from cpass.shipments.demo import DEMO_SHIPMENTS, load_demo
from cpass.shipments.models import Container, GoodsLine, Milestone, Shipment
from cpass.tariff.demo import load_demo as load_tariff_demo

pytestmark = pytest.mark.django_db


def _fake_passages(texts: list[str]) -> np.ndarray:
    rows = []
    for text in texts:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")
        vector = np.random.default_rng(seed).standard_normal(embeddings.DIM).astype(np.float32)
        rows.append(vector / np.linalg.norm(vector))
    return np.asarray(rows, dtype=np.float32).reshape(len(texts), embeddings.DIM)


def test_demo_shipments_load_in_several_states_once(actor, enterprise, make_member, make_actor, monkeypatch):
    monkeypatch.setattr(embeddings, "embed_passages", _fake_passages)
    load_places_demo()
    load_tariff_demo()
    broker_enterprise = EnterpriseFactory.create()
    broker = make_actor(make_member(broker_enterprise, "owner").user, broker_enterprise)
    PartnerGrantFactory.create(grantor=enterprise, grantee=broker_enterprise, module="shipments", access="write")
    load_parties_demo(trader=actor, broker=broker)
    load_products_demo(trader=actor, broker=broker)
    assert load_demo(trader=actor, broker=broker) == len(DEMO_SHIPMENTS)
    assert load_demo(trader=actor, broker=broker) == 0
    shipments = Shipment.objects.unscoped().filter(enterprise=enterprise)
    # Clearing the export and cancelling the merged order wait for their declarations (the customs demo).
    assert sorted(shipments.values_list("status", flat=True)) == ["arrived", "booked", "booked", "draft", "draft"]
    pumps = shipments.get(customer_reference="DEMO-PO-2026-0412")
    assert pumps.job_number.startswith("IM-")
    assert set(shipments.values_list("handling_partner", flat=True)) == {broker_enterprise.pk}
    assert (pumps.package_type, pumps.package_count, pumps.gross_weight_kg) == ("23", 6, 587)
    assert list(GoodsLine.objects.unscoped().filter(shipment=pumps).values_list("hs_code", "legal_unit_1")) == [
        ("8413602100", "001"),
        ("8413602100", "001"),
    ]
    assert Container.objects.unscoped().filter(shipment__enterprise=enterprise).count() == 3
    timeline = Milestone.objects.unscoped().filter(shipment=pumps).order_by("occurred_at", "pk")
    assert [(m.kind, m.status, m.location) for m in timeline] == [
        ("status", "booked", ""),
        ("gate_in", "", "DEHAM"),
        ("status", "in_transit", "DEHAM"),
        ("status", "arrived", "CNSHA"),
        ("discharged", "", "CNSHA"),
        ("status", "draft", ""),  # opened now: the demo's history is written after the fact
    ]
