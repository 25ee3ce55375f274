from __future__ import annotations

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from cpass.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cpass.customs import selectors, services
from cpass.customs.choices import DeclarationStatus, EventKind
from cpass.customs.models import Declaration, DeclarationEvent, DeclarationItem, GatewayReceipt
from cpass.customs.rules.engine import ValidationReport
from cpass.customs.tests.factories import DeclarationFactory, DeclarationItemFactory, GatewayReceiptFactory
from cpass.organizations.selectors import actor_for
from cpass.organizations.tests.factories import EnterpriseFactory, MembershipFactory, PartnerGrantFactory
from cpass.parties.tests.factories import PartyFactory
from cpass.places.models import Location
from cpass.products.tests.factories import ProductFactory
from cpass.shipments import services as shipment_services
from cpass.shipments.choices import MilestoneKind
from cpass.shipments.models import Container, Milestone, Shipment
from cpass.shipments.tests.factories import ContainerFactory, GoodsLineFactory, ShipmentFactory

pytestmark = pytest.mark.django_db
PUMP = "8413602100"
YEAR = timezone.localdate().year


def errors(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in exc.value.errors.items()}


@pytest.fixture
def hamburg(db: None) -> None:
    Location.objects.get_or_create(
        unlocode="DEHAM",
        defaults={
            "country": "DE",
            "location": "HAM",
            "name": "Hamburg",
            "name_ascii": "Hamburg",
            "search_key": "hamburg",
            "function": "1-------",
            "is_seaport": True,
        },
    )


@pytest.fixture
def shipment(enterprise, demo, hamburg):
    consignor = PartyFactory.create(enterprise=enterprise, name_local="Hamburg Pumpen GmbH")
    consignee = PartyFactory.create(enterprise=enterprise, name_local="上海东方贸易有限公司", country="CHN")
    shipment = ShipmentFactory.create(
        enterprise=enterprise,
        consignor=consignor,
        consignee=consignee,
        incoterm="FOB",
        incoterm_place="Hamburg",
        transport_mode="2",
        port_of_loading="DEHAM",
        port_of_discharge="CNSHA",
        customs_office="2248",
        vessel_name="MSC OSCAR",
        imo_number="9703291",
        voyage="FE612W",
        master_bill="MEDUHH123456",
        package_type="22",
        package_count=12,
        gross_weight_kg=Decimal("2400"),
        eta=dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC),
    )
    ContainerFactory.create(enterprise=enterprise, shipment=shipment)
    return shipment


def test_a_declaration_is_prepared_from_its_shipment(actor, shipment, enterprise):
    product = ProductFactory.create(enterprise=enterprise, hs_code=PUMP, name_zh="液压齿轮泵")
    GoodsLineFactory.create(
        enterprise=enterprise,
        shipment=shipment,
        line_number=1,
        product=product,
        hs_code=PUMP,
        description="Gear pumps",
        quantity=Decimal("12"),
        trade_unit="001",
        legal_quantity_1=Decimal("12"),
        legal_unit_1="001",
        value=Decimal("14400.00"),
        currency="EUR",
        origin_country="DEU",
    )
    declaration = services.declaration_create(actor=actor, shipment_id=shipment.pk, trade_mode="0110")
    assert declaration.reference == f"DC-{YEAR}-00001"
    assert (declaration.status, declaration.direction) == (DeclarationStatus.DRAFT, "import")
    assert (declaration.domestic_trader_id, declaration.overseas_trader_id) == (
        shipment.consignee_id,
        shipment.consignor_id,
    )
    assert declaration.consumer_producer_id == shipment.consignee_id
    assert (declaration.departure_port, declaration.departure_country, declaration.transaction_terms) == (
        "DEHAM",
        "DEU",
        "3",
    )
    assert (declaration.bill_number, declaration.imo_number, declaration.trade_mode) == (
        "MEDUHH123456",
        "9703291",
        "0110",
    )
    assert declaration.import_export_date == dt.date(2026, 3, 2)
    assert Container.objects.unscoped().filter(declarations=declaration).count() == 1
    item = DeclarationItem.objects.unscoped().get(declaration=declaration)
    assert (item.item_number, item.hs_code, item.name, item.legal_unit_2) == (1, PUMP, "液压齿轮泵", "035")
    assert (item.unit_price, item.total_price, item.currency) == (Decimal("1200.0000"), Decimal("14400.00"), "EUR")
    assert (item.origin_country, item.destination_country, item.duty_mode) == ("DEU", "CHN", "1")
    assert DeclarationEvent.objects.unscoped().filter(declaration=declaration).count() == 1


def test_more_than_50_goods_lines_are_split_into_declarations(actor, shipment, enterprise):
    for number in range(1, 121):
        GoodsLineFactory.create(enterprise=enterprise, shipment=shipment, line_number=number, hs_code=PUMP)
    first = services.declaration_create(actor=actor, shipment_id=shipment.pk)
    parts = list(Declaration.objects.unscoped().filter(shipment=shipment).order_by("reference"))
    items = DeclarationItem.objects.unscoped()
    assert [items.filter(declaration=part).count() for part in parts] == [50, 50, 20]
    assert [part.split_from_id for part in parts] == [None, first.pk, first.pk]
    first_of_last = items.filter(declaration=parts[2]).order_by("item_number")[0]
    assert first_of_last.goods_line is not None
    assert first_of_last.goods_line.line_number == 101
    assert DeclarationEvent.objects.unscoped().filter(kind=EventKind.SPLIT).count() == 2


def test_header_changes_are_checked_together(actor, shipment):
    declaration = services.declaration_create(actor=actor, shipment_id=shipment.pk)
    with pytest.raises(ValidationFailed) as exc:
        services.declaration_update(
            actor=actor,
            declaration_id=declaration.pk,
            trade_mode="9999",
            imo_number="9703292",
            freight_mode="total",
            freight_value="-1",
            departure_port="XXXXX",
        )
    assert set(errors(exc)) == {"trade_mode", "imo_number", "freight_value", "departure_port"}
    with pytest.raises(ValidationFailed) as exc:
        services.declaration_update(
            actor=actor, declaration_id=declaration.pk, freight_mode="total", freight_value="800"
        )
    assert errors(exc) == {"freight_currency": ["Give the currency of the amount."]}
    changed = services.declaration_update(
        actor=actor,
        declaration_id=declaration.pk,
        freight_mode="total",
        freight_value="800",
        freight_currency="EUR",
        net_weight_kg="2000",
        entry_exit_port="310301",
    )
    assert (changed.freight_value, changed.net_weight_kg, changed.entry_exit_port) == (
        Decimal("800.0000"),
        Decimal("2000.0000"),
        "310301",
    )


def test_items_are_checked_against_the_tariff_and_numbered(actor, shipment):
    declaration = services.declaration_create(actor=actor, shipment_id=shipment.pk)
    with pytest.raises(ValidationFailed) as exc:
        services.item_create(actor=actor, declaration_id=declaration.pk, hs_code="9999999999", quantity="-2")
    assert set(errors(exc)) == {"hs_code", "quantity"}
    first = services.item_create(
        actor=actor,
        declaration_id=declaration.pk,
        hs_code=PUMP,
        name="齿轮泵",
        quantity="4",
        trade_unit="001",
        unit_price="100.005",
        currency="EUR",
    )
    assert (first.item_number, first.legal_unit_1, first.legal_unit_2, first.total_price) == (
        1,
        "001",
        "035",
        Decimal("400.02"),
    )
    with pytest.raises(ValidationFailed) as exc:
        services.item_update(actor=actor, declaration_id=declaration.pk, item_id=first.pk, total_price="500")
    assert list(errors(exc)) == ["total_price"]
    second = services.item_create(
        actor=actor, declaration_id=declaration.pk, name="Seals", total_price="20", currency="EUR"
    )
    services.item_delete(actor=actor, declaration_id=declaration.pk, item_id=first.pk)
    second.refresh_from_db()
    assert second.item_number == 1


def test_a_declaration_holds_at_most_50_items(actor, enterprise):
    declaration = DeclarationFactory.create(enterprise=enterprise)
    DeclarationItemFactory.create_batch(50, enterprise=enterprise, declaration=declaration)
    with pytest.raises(Conflict, match="at most 50 items"):
        services.item_create(actor=actor, declaration_id=declaration.pk, name="one more")


def test_only_drafts_change_and_people_cannot_take_customs_steps(actor, enterprise):
    declaration = DeclarationFactory.create(enterprise=enterprise, status=DeclarationStatus.SUBMITTED)
    with pytest.raises(Conflict):
        services.declaration_update(actor=actor, declaration_id=declaration.pk, voyage="X1")
    with pytest.raises(PermissionDenied):
        services.declaration_transition(actor=actor, declaration_id=declaration.pk, transition="accept")
    with pytest.raises(ValidationFailed) as exc:
        services.declaration_transition(actor=actor, declaration_id=declaration.pk, transition="fly")
    assert list(errors(exc)) == ["transition"]


def test_cancel_needs_a_reason_and_withdraw_a_manager(actor, enterprise, make_actor):
    draft = DeclarationFactory.create(enterprise=enterprise)
    with pytest.raises(ValidationFailed) as exc:
        services.declaration_transition(actor=actor, declaration_id=draft.pk, transition="cancel")
    assert list(errors(exc)) == ["reason"]
    cancelled = services.declaration_transition(
        actor=actor, declaration_id=draft.pk, transition="cancel", reason="Duplicate of DC-1"
    )
    assert (cancelled.status, cancelled.status_reason) == (DeclarationStatus.CANCELLED, "Duplicate of DC-1")
    submitted = DeclarationFactory.create(enterprise=enterprise, status=DeclarationStatus.SUBMITTED)
    operator = make_actor(MembershipFactory.create(enterprise=enterprise, role="operator").user, enterprise)
    with pytest.raises(PermissionDenied):
        services.declaration_transition(actor=operator, declaration_id=submitted.pk, transition="withdraw", reason="x")
    withdrawn = services.declaration_transition(
        actor=actor, declaration_id=submitted.pk, transition="withdraw", reason="Wrong consignee"
    )
    assert withdrawn.status == DeclarationStatus.CANCELLED
    event = DeclarationEvent.objects.unscoped().filter(declaration=submitted).get()
    assert (event.from_status, event.to_status, event.transition, event.recorded_by) == (
        "submitted",
        "cancelled",
        "withdraw",
        actor.user,
    )
    # Once customs has accepted it, only customs withdraws it, on a request (test_revisions.py).
    accepted = DeclarationFactory.create(enterprise=enterprise, status=DeclarationStatus.ACCEPTED)
    with pytest.raises(Conflict):
        services.declaration_transition(actor=actor, declaration_id=accepted.pk, transition="withdraw", reason="x")


def _receipt(declaration: Declaration | None, message_id: str) -> GatewayReceipt:
    return GatewayReceiptFactory.create(declaration=declaration, message_id=message_id)


def test_customs_steps_come_from_receipts_and_reach_the_shipment_timeline(enterprise):
    declaration = DeclarationFactory.create(enterprise=enterprise, status=DeclarationStatus.SUBMITTED)
    moment = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
    services.apply_customs_transition(
        declaration=declaration,
        transition="accept",
        receipt=_receipt(declaration, "1"),
        reason="",
        entry_number="224820261000012345",
        occurred_at=moment,
    )
    services.apply_customs_transition(
        declaration=declaration,
        transition="hold",
        receipt=_receipt(declaration, "2"),
        reason="X-ray",
        occurred_at=moment,
    )
    with pytest.raises(Conflict):
        services.apply_customs_transition(
            declaration=declaration,
            transition="close",
            receipt=_receipt(declaration, "3"),
            reason="",
            occurred_at=moment,
        )
    with pytest.raises(Conflict):
        services.apply_customs_transition(
            declaration=declaration,
            transition="accept",
            receipt=_receipt(declaration, "4"),
            reason="",
            occurred_at=moment,
        )
    services.apply_customs_transition(
        declaration=declaration, transition="release", receipt=_receipt(declaration, "5"), reason="", occurred_at=moment
    )
    declaration.refresh_from_db()
    assert (declaration.status, declaration.entry_number, declaration.released_at) == (
        DeclarationStatus.RELEASED,
        "224820261000012345",
        moment,
    )
    kinds = list(Milestone.objects.unscoped().filter(shipment=declaration.shipment).values_list("kind", flat=True))
    assert sorted(kinds) == sorted([MilestoneKind.CUSTOMS_HOLD, MilestoneKind.CUSTOMS_RELEASED])


def test_another_enterprise_declaration_is_absent_and_a_broker_needs_a_grant(actor, enterprise, make_actor):
    foreign = DeclarationFactory.create()
    with pytest.raises(NotFound):
        selectors.declaration_get(actor=actor, declaration_id=foreign.pk)
    broker = EnterpriseFactory.create()
    broker_actor = make_actor(MembershipFactory.create(enterprise=broker, role="owner").user, broker)
    mine = DeclarationFactory.create(enterprise=enterprise)
    with pytest.raises(NotFound):
        selectors.declaration_get(actor=broker_actor, declaration_id=mine.pk)
    PartnerGrantFactory.create(grantor=enterprise, grantee=broker, module="customs", access="write")
    broker_actor = make_actor(broker_actor.user, broker)
    assert selectors.declaration_get(actor=broker_actor, declaration_id=mine.pk, action="write") == mine


def test_the_calculation_of_a_declaration_names_the_item_that_lacks_input(actor, enterprise, demo):
    declaration = DeclarationFactory.create(
        enterprise=enterprise, transaction_terms="1", declaration_date=dt.date(2026, 3, 2)
    )
    DeclarationItemFactory.create(enterprise=enterprise, declaration=declaration, item_number=1)
    DeclarationItemFactory.create(enterprise=enterprise, declaration=declaration, item_number=2, currency="")
    with pytest.raises(ValidationFailed) as exc:
        selectors.declaration_calculation(actor=actor, declaration_id=declaration.pk)
    assert list(errors(exc)) == ["items[2].currency"]
    DeclarationItem.objects.unscoped().filter(item_number=2).update(currency="EUR", hs_code="0000000000")
    with pytest.raises(ValidationFailed) as exc:
        selectors.declaration_calculation(actor=actor, declaration_id=declaration.pk)
    assert list(errors(exc)) == ["items[2].code"]
    DeclarationItem.objects.unscoped().filter(item_number=2).delete()
    result = selectors.declaration_calculation(actor=actor, declaration_id=declaration.pk)
    assert result.items[0].duty > 0


def test_an_agreement_rate_applies_to_a_declared_item_only_with_its_certificate_of_origin(actor, enterprise, demo):
    declaration = DeclarationFactory.create(
        enterprise=enterprise, transaction_terms="1", declaration_date=dt.date(2026, 3, 2)
    )
    item = DeclarationItemFactory.create(enterprise=enterprise, declaration=declaration, origin_country="KOR")

    def duty_rate() -> tuple[Decimal, str]:
        result = selectors.declaration_calculation(actor=actor, declaration_id=declaration.pk)
        figure = next(f for f in result.items[0].figures if f.key == "import_duty")
        return result.items[0].duty / result.items[0].dutiable_value, figure.reason

    share, reason = duty_rate()
    assert share.quantize(Decimal("0.001")) == Decimal("0.080")  # MFN 8 %: no proof of origin claimed
    assert "none is claimed" in reason
    DeclarationItem.objects.unscoped().filter(pk=item.pk).update(origin_certificate="KR-CO-2026-1")
    share, reason = duty_rate()
    assert share.quantize(Decimal("0.001")) == Decimal("0.024")  # CN-KR 2.4 %
    assert "CN-KR" in reason


def test_a_shipment_with_declarations_cannot_be_deleted(actor, enterprise):
    declaration = DeclarationFactory.create(enterprise=enterprise)
    with pytest.raises(Conflict, match="customs declarations"):
        shipment_services.shipment_delete(actor=actor, shipment_id=declaration.shipment_id)
    services.declaration_delete(actor=actor, declaration_id=declaration.pk)
    shipment_services.shipment_delete(actor=actor, shipment_id=declaration.shipment_id)


def test_a_cancelled_or_closed_shipment_takes_no_new_declaration(actor, shipment, enterprise, rules_pass):
    GoodsLineFactory.create(enterprise=enterprise, shipment=shipment, line_number=1, hs_code=PUMP)
    draft = DeclarationFactory.create(enterprise=enterprise, shipment=shipment)
    validated = DeclarationFactory.create(enterprise=enterprise, shipment=shipment, status=DeclarationStatus.VALIDATED)
    for status, label in (("cancelled", "Cancelled"), ("closed", "Closed")):
        Shipment.objects.unscoped().filter(pk=shipment.pk).update(status=status)
        refusal = (
            f"Shipment {shipment.job_number} is {label}: no declaration of it can be prepared or submitted any more."
        )
        with pytest.raises(Conflict) as exc:
            services.declaration_create(actor=actor, shipment_id=shipment.pk)
        assert str(exc.value.detail) == refusal
        with pytest.raises(Conflict, match=refusal):
            services.declaration_continuation(actor=actor, declaration=draft)
        with pytest.raises(Conflict, match=refusal):
            services.declaration_transition(actor=actor, declaration_id=validated.pk, transition="submit")
    assert Declaration.objects.unscoped().filter(shipment=shipment).count() == 2
    assert Declaration.objects.unscoped().get(pk=validated.pk).status == DeclarationStatus.VALIDATED
    Shipment.objects.unscoped().filter(pk=shipment.pk).update(status="arrived")
    services.declaration_create(actor=actor, shipment_id=shipment.pk)
    services.declaration_continuation(actor=actor, declaration=draft)
    submitted = services.declaration_transition(actor=actor, declaration_id=validated.pk, transition="submit")
    assert (submitted.status, Declaration.objects.unscoped().filter(shipment=shipment).count()) == ("submitted", 4)


@pytest.mark.django_db(transaction=True)
def test_a_shipment_cancelled_while_its_declaration_is_submitted_waits_and_is_refused(enterprise, owner, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the row lock matters on PostgreSQL")
    shipment = ShipmentFactory.create(enterprise=enterprise, status="arrived")
    declaration = DeclarationFactory.create(
        enterprise=enterprise, shipment=shipment, status=DeclarationStatus.VALIDATED
    )
    submitting = threading.Event()

    def slow_report(declaration: Declaration, on: dt.date | None = None) -> ValidationReport:
        submitting.set()  # the submission holds the declaration's and the shipment's rows now
        time.sleep(0.5)
        return ValidationReport()

    monkeypatch.setattr("cpass.customs.services.validate_declaration", slow_report)
    monkeypatch.setattr("cpass.customs.gateway.tasks.declaration_send_task", lambda declaration_id: None)
    outcomes: dict[str, object] = {}

    def submit() -> None:
        try:
            actor = actor_for(user=owner, enterprise_id=enterprise.pk)
            outcomes["submit"] = services.declaration_transition(
                actor=actor, declaration_id=declaration.pk, transition="submit"
            ).status
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcomes["submit"] = exc
        finally:
            connection.close()

    def cancel() -> None:
        submitting.wait(5)
        try:
            actor = actor_for(user=owner, enterprise_id=enterprise.pk)
            outcomes["cancel"] = shipment_services.shipment_transition(
                actor=actor, shipment_id=shipment.pk, status="cancelled", note="Order withdrawn"
            ).status
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcomes["cancel"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=submit), threading.Thread(target=cancel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes["submit"] == DeclarationStatus.SUBMITTED
    assert isinstance(outcomes["cancel"], Conflict), outcomes["cancel"]
    assert Shipment.objects.unscoped().get(pk=shipment.pk).status == "arrived"


def test_the_calculation_of_a_declaration_names_its_charge_fields(actor, enterprise, demo):
    declaration = DeclarationFactory.create(
        enterprise=enterprise, transaction_terms="3", declaration_date=dt.date(2026, 3, 2)
    )
    DeclarationItemFactory.create(enterprise=enterprise, declaration=declaration, item_number=1)

    def refusal(**charge: object) -> dict[str, list[str]]:
        Declaration.objects.unscoped().filter(pk=declaration.pk).update(**charge)
        with pytest.raises(ValidationFailed) as exc:
            selectors.declaration_calculation(actor=actor, declaration_id=declaration.pk)
        return errors(exc)

    # FOB: the freight is needed, and the declaration gives it for all its items.
    assert refusal() == {
        "freight_value": ["FOB prices exclude freight: give the freight (a rate, per unit or a total)."]
    }
    assert refusal(freight_mode="total", freight_value=Decimal("960.125"), freight_currency="EUR") == {
        "freight_value": ["A declaration total is apportioned to the fen: use 2 decimals."]
    }
    unrated = refusal(freight_value=Decimal("960"), freight_currency="CHF")
    assert list(unrated) == ["freight_currency"]
    assert unrated["freight_currency"][0].startswith("No CHF→CNY rate for 2026-03-02")
    assert refusal(freight_currency="EUR", insurance_mode="total", insurance_value=50, insurance_currency="QQQ") == {
        "insurance_currency": ["“QQQ” is not an ISO 4217 currency code."]
    }
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(insurance_currency="EUR")
    result = selectors.declaration_calculation(actor=actor, declaration_id=declaration.pk)
    assert [figure.key for figure in result.items[0].figures][:3] == ["goods", "freight", "insurance"]
