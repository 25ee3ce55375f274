from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from cpass.accounts.tests.factories import UserFactory
from cpass.documents.tests.factories import DocumentFactory
from cpass.organizations.tests.factories import EnterpriseFactory
from cpass.shipments.choices import Direction, MilestoneKind, ShipmentStatus
from cpass.shipments.models import (
    Container,
    ContainerLoad,
    GoodsLine,
    Milestone,
    SavedView,
    Shipment,
    ShipmentDocument,
)


class ShipmentFactory(factory.django.DjangoModelFactory[Shipment]):
    """A shipment row as stored (its job number from a factory sequence, not the enterprise counter)."""

    class Meta:
        model = Shipment

    enterprise = factory.SubFactory(EnterpriseFactory)
    direction = Direction.IMPORT
    job_number = factory.Sequence(lambda n: f"IM-2026-{n + 90000:05d}")
    status = ShipmentStatus.DRAFT
    customer_reference = factory.Sequence(lambda n: f"PO-{n:04d}")


class GoodsLineFactory(factory.django.DjangoModelFactory[GoodsLine]):
    class Meta:
        model = GoodsLine

    enterprise = factory.SubFactory(EnterpriseFactory)
    shipment = factory.SubFactory(ShipmentFactory, enterprise=factory.SelfAttribute("..enterprise"))
    line_number = factory.Sequence(lambda n: n + 1)
    description = factory.Sequence(lambda n: f"Gear pumps lot {n}")
    quantity = Decimal("10")
    trade_unit = "007"


class ContainerFactory(factory.django.DjangoModelFactory[Container]):
    class Meta:
        model = Container

    enterprise = factory.SubFactory(EnterpriseFactory)
    shipment = factory.SubFactory(ShipmentFactory, enterprise=factory.SelfAttribute("..enterprise"))
    number = "MSCU1234566"
    size_type = "22G1"
    seals = factory.LazyFunction(lambda: ["SL123456"])


class ContainerLoadFactory(factory.django.DjangoModelFactory[ContainerLoad]):
    class Meta:
        model = ContainerLoad

    enterprise = factory.SubFactory(EnterpriseFactory)
    container = factory.SubFactory(ContainerFactory, enterprise=factory.SelfAttribute("..enterprise"))
    goods_line = factory.SubFactory(
        GoodsLineFactory,
        enterprise=factory.SelfAttribute("..enterprise"),
        shipment=factory.SelfAttribute("..container.shipment"),
    )


class MilestoneFactory(factory.django.DjangoModelFactory[Milestone]):
    class Meta:
        model = Milestone

    enterprise = factory.SubFactory(EnterpriseFactory)
    shipment = factory.SubFactory(ShipmentFactory, enterprise=factory.SelfAttribute("..enterprise"))
    kind = MilestoneKind.GATE_IN
    occurred_at = factory.LazyFunction(lambda: dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC))
    note = "Gate in at Yangshan"


class SavedViewFactory(factory.django.DjangoModelFactory[SavedView]):
    class Meta:
        model = SavedView

    enterprise = factory.SubFactory(EnterpriseFactory)
    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"View {n}")
    filters = factory.LazyFunction(lambda: {"direction": "import"})


class ShipmentDocumentFactory(factory.django.DjangoModelFactory[ShipmentDocument]):
    class Meta:
        model = ShipmentDocument

    enterprise = factory.SubFactory(EnterpriseFactory)
    shipment = factory.SubFactory(ShipmentFactory, enterprise=factory.SelfAttribute("..enterprise"))
    document = factory.SubFactory(DocumentFactory, enterprise=factory.SelfAttribute("..enterprise"))
