"""What the service says on a timeline (a declaration prepared, split; a shipment opened) is told in the reader's
language, and the migrations forget the texts earlier versions stored in the writer's language (receipts' reasons:
test_migrations)."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import translation

from cpass.customs.choices import EventKind
from cpass.customs.models import DeclarationEvent
from cpass.customs.tests.factories import DeclarationEventFactory, DeclarationFactory
from cpass.organizations.models import Enterprise
from cpass.shipments.choices import MilestoneKind, ShipmentStatus
from cpass.shipments.models import Milestone
from cpass.shipments.tests.factories import MilestoneFactory, ShipmentFactory

pytestmark = pytest.mark.django_db


def _run(migration: str) -> None:
    """The migration's function, on the models as they stand before it (the schema has not changed since)."""
    app, name = migration.split(".")
    module = importlib.import_module(f"cpass.{app}.migrations.{name}")
    loader = MigrationLoader(connection)
    historical = loader.project_state(module.Migration.dependencies).apps
    module.Migration.operations[0].code(historical, None)


def test_stored_reasons_of_either_language_give_way_to_the_readers(enterprise: Enterprise) -> None:
    declaration = DeclarationFactory.create(enterprise=enterprise)
    stored = {
        "prepared_en": (EventKind.TRANSITION, "", "Declaration prepared"),
        "prepared_zh": (EventKind.TRANSITION, "", "报关单已生成"),
        "split_en": (EventKind.SPLIT, "", "Split from DC-2026-00042 (at most 50 items per declaration)"),
        "split_zh": (EventKind.SPLIT, "", "拆分自 DC-2026-00042（每份报关单最多 50 项）"),
        "cancelled": (EventKind.TRANSITION, "draft", "Declaration prepared"),  # a person's words: kept
        "returned": (EventKind.RECEIPT, "submitted", "报关单已生成"),
    }
    events = {
        name: DeclarationEventFactory.create(
            enterprise=enterprise, declaration=declaration, kind=kind, from_status=source, reason=reason
        ).pk
        for name, (kind, source, reason) in stored.items()
    }
    _run("customs.0005_service_events_told_at_display")
    after = {name: DeclarationEvent.objects.unscoped().get(pk=pk) for name, pk in events.items()}
    assert {name: event.reason for name, event in after.items()} == {
        "prepared_en": "",
        "prepared_zh": "",
        "split_en": "DC-2026-00042",
        "split_zh": "DC-2026-00042",
        "cancelled": "Declaration prepared",
        "returned": "报关单已生成",
    }
    with translation.override("zh-hans"):
        assert after["prepared_en"].display_reason == "报关单已生成"
        assert after["split_en"].display_reason == "拆分自 DC-2026-00042（每份报关单最多 50 项）"
    with translation.override("en"):
        assert after["split_zh"].display_reason == "Split from DC-2026-00042 (at most 50 items per declaration)"


def test_stored_opening_notes_give_way_to_the_readers(enterprise: Enterprise) -> None:
    shipment = ShipmentFactory.create(enterprise=enterprise)
    opened = [
        MilestoneFactory.create(
            enterprise=enterprise, shipment=shipment, kind=MilestoneKind.STATUS, status=ShipmentStatus.DRAFT, note=note
        ).pk
        for note in ("Shipment opened", "已新建货运业务")
    ]
    typed = MilestoneFactory.create(enterprise=enterprise, shipment=shipment, note="Shipment opened").pk
    _run("shipments.0005_opening_note_told_at_display")
    notes = dict(Milestone.objects.unscoped().filter(shipment=shipment).values_list("pk", "note"))
    assert [notes[pk] for pk in (*opened, typed)] == ["", "", "Shipment opened"]
    with translation.override("zh-hans"):
        assert Milestone.objects.unscoped().get(pk=opened[0]).display_note == "已新建货运业务"
