from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from cpass.customs.choices import DeclarationStatus, EventKind, ReceiptState, RevisionKind, RevisionState
from cpass.customs.models import (
    CustomsConnection,
    Declaration,
    DeclarationDocument,
    DeclarationEvent,
    DeclarationItem,
    GatewayReceipt,
    GatewaySubmission,
    RevisionRequest,
)
from cpass.organizations.tests.factories import EnterpriseFactory
from cpass.shipments.choices import Direction
from cpass.shipments.tests.factories import ShipmentFactory


class DeclarationFactory(factory.django.DjangoModelFactory[Declaration]):
    """A declaration row as stored (reference from a factory sequence, not the enterprise counter); an import
    at Shanghai Yangshan under general trade (0110), CIF, by sea."""

    class Meta:
        model = Declaration

    enterprise = factory.SubFactory(EnterpriseFactory)
    shipment = factory.SubFactory(ShipmentFactory, enterprise=factory.SelfAttribute("..enterprise"))
    direction = Direction.IMPORT
    reference = factory.Sequence(lambda n: f"DC-2026-{n + 90000:05d}")
    status = DeclarationStatus.DRAFT
    declaring_customs = "2248"
    entry_exit_customs = "2248"
    import_export_date = dt.date(2026, 3, 2)
    transport_mode = "2"
    trade_mode = "0110"
    levy_nature = "101"
    transaction_terms = "1"
    departure_country = "DEU"
    trade_country = "DEU"
    package_type = "22"
    package_count = 10
    gross_weight_kg = Decimal("1200")
    net_weight_kg = Decimal("1000")


class DeclarationItemFactory(factory.django.DjangoModelFactory[DeclarationItem]):
    class Meta:
        model = DeclarationItem

    enterprise = factory.SubFactory(EnterpriseFactory)
    declaration = factory.SubFactory(DeclarationFactory, enterprise=factory.SelfAttribute("..enterprise"))
    item_number = factory.Sequence(lambda n: n + 1)
    hs_code = "8413602100"
    name = "齿轮泵"
    quantity = Decimal("10")
    trade_unit = "001"
    legal_quantity_1 = Decimal("10")
    legal_unit_1 = "001"
    legal_quantity_2 = Decimal("1000")
    legal_unit_2 = "035"
    unit_price = Decimal("1200")
    total_price = Decimal("12000.00")
    currency = "EUR"
    origin_country = "DEU"
    destination_country = "CHN"
    duty_mode = "1"


class DeclarationDocumentFactory(factory.django.DjangoModelFactory[DeclarationDocument]):
    class Meta:
        model = DeclarationDocument

    enterprise = factory.SubFactory(EnterpriseFactory)
    declaration = factory.SubFactory(DeclarationFactory, enterprise=factory.SelfAttribute("..enterprise"))
    code = "Y"
    number = factory.Sequence(lambda n: f"CO{n:08d}")


class DeclarationEventFactory(factory.django.DjangoModelFactory[DeclarationEvent]):
    class Meta:
        model = DeclarationEvent

    enterprise = factory.SubFactory(EnterpriseFactory)
    declaration = factory.SubFactory(DeclarationFactory, enterprise=factory.SelfAttribute("..enterprise"))
    kind = EventKind.NOTE
    occurred_at = factory.LazyFunction(lambda: dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC))


class GatewaySubmissionFactory(factory.django.DjangoModelFactory[GatewaySubmission]):
    class Meta:
        model = GatewaySubmission

    enterprise = factory.SubFactory(EnterpriseFactory)
    declaration = factory.SubFactory(DeclarationFactory, enterprise=factory.SelfAttribute("..enterprise"))
    gateway = "sandbox"
    message_format = "sw_xml"
    message_id = factory.Sequence(lambda n: f"MSG{n:010d}")
    payload = "<DecMessage/>"


class GatewayReceiptFactory(factory.django.DjangoModelFactory[GatewayReceipt]):
    """A receipt of the sandbox gateway, applied; give `declaration` (None: a receipt for no known one)."""

    class Meta:
        model = GatewayReceipt

    gateway = "sandbox"
    message_format = "sw_xml"
    message_id = factory.Sequence(lambda n: f"R{n:010d}")
    payload = "<x/>"
    state = ReceiptState.APPLIED


class CustomsConnectionFactory(factory.django.DjangoModelFactory[CustomsConnection]):
    class Meta:
        model = CustomsConnection

    enterprise = factory.SubFactory(EnterpriseFactory)
    gateway = "sandbox-edifact"


class RevisionRequestFactory(factory.django.DjangoModelFactory[RevisionRequest]):
    """A request to amend an accepted declaration, filed and not yet sent."""

    class Meta:
        model = RevisionRequest

    enterprise = factory.SubFactory(EnterpriseFactory)
    declaration = factory.SubFactory(
        DeclarationFactory, enterprise=factory.SelfAttribute("..enterprise"), status=DeclarationStatus.ACCEPTED
    )
    kind = RevisionKind.AMEND
    reason_code = "clerical"
    reason = "Item 1: quantity keyed as 10 instead of 100"
    state = RevisionState.REQUESTED
    from_status = DeclarationStatus.ACCEPTED
    requested_at = factory.LazyFunction(lambda: dt.datetime(2026, 3, 5, 1, 30, tzinfo=dt.UTC))
