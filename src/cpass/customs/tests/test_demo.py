"""The demo declarations: one in every workflow state, customs' states from sandbox receipts, loaded once."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from django.utils import translation

from cpass.classification import embeddings
from cpass.customs import selectors
from cpass.customs.choices import DeclarationStatus, EventKind, ReceiptState, RevisionState
from cpass.customs.demo import DEMO_DECLARATIONS, EXTRA_SHIPMENTS, load_demo
from cpass.customs.models import (
    Declaration,
    DeclarationDocument,
    DeclarationEvent,
    GatewayReceipt,
    GatewaySubmission,
    RevisionRequest,
)
from cpass.customs.rules import validate_declaration
from cpass.organizations.tests.factories import EnterpriseFactory, PartnerGrantFactory
from cpass.parties.demo import load_demo as load_parties_demo
from cpass.places.demo import load_demo as load_places_demo
from cpass.products.demo import load_demo as load_products_demo
from cpass.shipments.demo import DEMO_SHIPMENTS
from cpass.shipments.demo import load_demo as load_shipments_demo
from cpass.shipments.models import Milestone, Shipment

pytestmark = pytest.mark.django_db


def _fake_passages(texts: list[str]) -> np.ndarray:
    rows = []
    for text in texts:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")
        vector = np.random.default_rng(seed).standard_normal(embeddings.DIM).astype(np.float32)
        rows.append(vector / np.linalg.norm(vector))
    return np.asarray(rows, dtype=np.float32).reshape(len(texts), embeddings.DIM)


def test_demo_declarations_in_every_state_through_receipts_once(
    actor, enterprise, demo, make_member, make_actor, monkeypatch
):
    monkeypatch.setattr(embeddings, "embed_passages", _fake_passages)
    load_places_demo()
    broker_enterprise = EnterpriseFactory.create(name="Hengtong")
    for module in ("parties", "shipments", "customs"):
        PartnerGrantFactory.create(grantor=enterprise, grantee=broker_enterprise, module=module, access="write")
    broker = make_actor(make_member(broker_enterprise, "owner").user, broker_enterprise)
    load_parties_demo(trader=actor, broker=broker)
    load_products_demo(trader=actor, broker=broker)
    load_shipments_demo(trader=actor, broker=broker)

    assert load_demo(trader=actor, broker=broker) == len(DEMO_DECLARATIONS)
    assert load_demo(trader=actor, broker=broker) == 0
    assert Shipment.objects.unscoped().filter(enterprise=enterprise).count() == len(DEMO_SHIPMENTS) + len(
        EXTRA_SHIPMENTS
    )
    declarations = {
        d.shipment.customer_reference: d
        for d in Declaration.objects.unscoped().filter(enterprise=enterprise).select_related("shipment")
    }
    # Every status once, and the export that left released too.
    assert sorted(d.status for d in declarations.values()) == sorted([*DeclarationStatus.values, "released"])

    returned = declarations["DEMO-PO-2026-0533"]
    assert returned.status == DeclarationStatus.RETURNED
    assert "MFT-012" in returned.status_reason
    assert "[1] 成交价格" in returned.status_reason
    held = declarations["DEMO-PO-2026-0412"]
    assert (held.status, len(held.entry_number), held.entry_number[:4]) == (DeclarationStatus.INSPECTION, 18, "2248")
    assert Milestone.objects.unscoped().filter(shipment=held.shipment, kind="customs_hold").count() == 1
    released = declarations["DEMO-PO-2026-0541"]
    assert released.released_at is not None
    assert (released.pre_entry_number[:5], len(released.pre_entry_number)) == (f"I{released.submitted_at.year}", 18)
    timeline = DeclarationEvent.objects.unscoped().filter(declaration=released).order_by("occurred_at", "pk")
    assert [(e.kind, e.transition or "", e.to_status) for e in timeline] == [
        (EventKind.TRANSITION, "", "draft"),
        (EventKind.TRANSITION, "validate", "validated"),
        (EventKind.TRANSITION, "submit", "submitted"),
        (EventKind.SUBMISSION, "", ""),  # receipt 7 (received) only gives the pre-entry number
        (EventKind.RECEIPT, "accept", "accepted"),
        (EventKind.RECEIPT, "assess", "assessed"),
        (EventKind.TRANSITION, "pay", "paid"),
        (EventKind.RECEIPT, "release", "released"),
    ]
    # The service's own words are not stored but told in the reader's language.
    assert timeline[0].reason == ""
    with translation.override("zh-hans"):
        assert timeline[0].display_reason == "报关单已生成"
    # Every customs state came as a stored sandbox receipt, applied, answering a stored submission.
    receipts = GatewayReceipt.objects.filter(declaration__enterprise=enterprise)
    assert set(receipts.values_list("gateway", "message_format", "state").distinct()) == {
        ("sandbox", "sw_xml", ReceiptState.APPLIED)
    }
    # 1 + 2 + 2 + 3 + 3 + 3 + 4 + 4, by state from submitted to closed; + 3 export; + 3 the amended export
    assert receipts.count() == 28
    # 9 declarations sent, + the amendment request and the correction
    assert GatewaySubmission.objects.unscoped().filter(enterprise=enterprise).count() == 11
    # The accepted export was amended on a request customs approved, and accepted again under its entry number.
    amended = declarations["DEMO-SO-2026-1011"]
    request = RevisionRequest.objects.unscoped().get(declaration=amended)
    assert (request.kind, request.state, request.reason_code) == ("amend", RevisionState.APPROVED, "clerical")
    assert (amended.status, len(amended.entry_number)) == (DeclarationStatus.ACCEPTED, 18)
    steps = DeclarationEvent.objects.unscoped().filter(declaration=amended).order_by("occurred_at", "pk")
    assert [e.transition for e in steps if e.kind == EventKind.RECEIPT] == ["accept", "reopen", "accept"]
    correction = GatewaySubmission.objects.unscoped().filter(declaration=amended).order_by("-pk").first()
    assert correction is not None
    assert f"<EntryId>{amended.entry_number}</EntryId>" in correction.payload
    # The Ethiopian coffee came with its certificate of origin: the least-developed-country rate, not MFN 8%.
    coffee = selectors.declaration_calculation(actor=actor, declaration_id=declarations["DEMO-PO-2026-0548"].pk)
    duty = next(figure for figure in coffee.items[0].figures if figure.key == "import_duty")
    assert (coffee.items[0].duty, duty.rate) == (0, "0%")
    assert DeclarationDocument.objects.unscoped().filter(declaration__enterprise=enterprise).count() == 3
    # The shipments' steps that wait for customs came after their declarations: the export was cleared once
    # released and left; the merged order was cancelled once its declaration was.
    export = declarations["DEMO-SO-2026-0977"]
    statuses = Milestone.objects.unscoped().filter(shipment=export.shipment, kind="status").order_by("occurred_at")
    assert list(statuses.values_list("status", flat=True)) == ["booked", "draft", "cleared", "in_transit"]
    assert statuses.get(status="cleared").occurred_at >= export.released_at
    merged = declarations["DEMO-PO-2026-0390"]
    assert (merged.status, merged.shipment.status) == (DeclarationStatus.CANCELLED, "cancelled")
    # What was validated is still valid; the early draft is not yet.
    assert not validate_declaration(declarations["DEMO-SO-2026-1003"]).has_errors
    assert validate_declaration(declarations["DEMO-PO-2026-0455"]).has_errors
