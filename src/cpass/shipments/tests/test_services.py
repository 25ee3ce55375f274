from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from functools import partial

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from cpass.accounts.tests.factories import UserFactory
from cpass.audit.models import ObjectChange
from cpass.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cpass.customs.choices import DeclarationStatus
from cpass.customs.tests.factories import DeclarationFactory
from cpass.organizations.selectors import actor_for
from cpass.organizations.tests.factories import EnterpriseFactory, MembershipFactory, PartnerGrantFactory
from cpass.parties.models import MatchStatus
from cpass.parties.tests.factories import PartyFactory, ScreeningMatchFactory
from cpass.products.tests.factories import ProductFactory
from cpass.shipments import selectors, services
from cpass.shipments.choices import MilestoneKind, ShipmentStatus
from cpass.shipments.models import Container, ContainerLoad, GoodsLine, Milestone, SavedView, Shipment
from cpass.shipments.tests.conftest import COFFEE, ETA, ETD, EXPIRED, PUMP
from cpass.shipments.tests.factories import ShipmentFactory

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def errors(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in exc.value.errors.items()}


def test_job_numbers_follow_a_sequence_per_enterprise_and_direction(actor, other_enterprise, make_actor, owner):
    first = services.shipment_create(actor=actor, direction="import")
    second = services.shipment_create(actor=actor, direction="import")
    export = services.shipment_create(actor=actor, direction="export")
    other_owner = MembershipFactory.create(enterprise=other_enterprise, role="owner").user
    other = services.shipment_create(actor=make_actor(other_owner, other_enterprise), direction="import")
    assert [first.job_number, second.job_number, export.job_number, other.job_number] == [
        f"IM-{YEAR}-00001",
        f"IM-{YEAR}-00002",
        f"EX-{YEAR}-00001",
        f"IM-{YEAR}-00001",
    ]
    assert (first.status, first.created_by) == (ShipmentStatus.DRAFT, owner)
    opened = Milestone.objects.unscoped().get(shipment=first)
    assert (opened.kind, opened.status, opened.recorded_by) == (MilestoneKind.STATUS, "draft", owner)


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_get_distinct_consecutive_numbers(enterprise, owner):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the row lock matters on PostgreSQL")
    numbers: list[str] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(4)

    def create() -> None:
        try:
            barrier.wait()
            actor = actor_for(user=owner, enterprise_id=enterprise.pk)
            numbers.append(services.shipment_create(actor=actor, direction="import").job_number)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(numbers) == [f"IM-{YEAR}-{n:05d}" for n in range(1, 5)]


def test_create_with_every_field(actor, setting, consignor, consignee):
    shipment = services.shipment_create(
        actor=actor,
        direction="import",
        customer_reference=" PO-7781 ",
        contract_number="SC-2026-118",
        house_bill="HLCUHAM260212345",
        master_bill="MEDUHM123456",
        consignor_id=consignor.pk,
        consignee_id=consignee.pk,
        incoterm="fob",
        incoterm_place="Hamburg",
        transport_mode="2",
        port_of_loading="de ham",
        port_of_discharge="CNSHA",
        customs_office="2200",
        vessel_name="MSC Oscar",
        imo_number="IMO 9074729",
        voyage="FE611W",
        etd=ETD,
        eta=ETA,
    )
    assert (shipment.customer_reference, shipment.incoterm, shipment.port_of_loading, shipment.imo_number) == (
        "PO-7781",
        "FOB",
        "DEHAM",
        "9074729",
    )
    assert (shipment.consignor, shipment.consignee, shipment.eta) == (consignor, consignee, ETA)
    change = ObjectChange.objects.get(
        content_type=ContentType.objects.get_for_model(Shipment), object_id=str(shipment.pk), action="create"
    )
    assert (change.after["imo_number"], change.enterprise_id) == ("9074729", shipment.enterprise_id)


def test_create_reports_every_bad_field(actor, setting):
    with pytest.raises(ValidationFailed) as exc:
        services.shipment_create(
            actor=actor,
            direction="import",
            imo_number="9074728",
            port_of_loading="XXABC",
            port_of_discharge="SHANGHAI",
            transport_mode="Q",
            customs_office="9999",
            incoterm="FOX",
            eta=dt.datetime(2026, 3, 1, 8, 0),  # noqa: DTZ001 - the naive time is the bad input
        )
    found = errors(exc)
    assert found["imo_number"] == ["“9074728” is not a valid IMO number: its check digit is wrong."]
    assert found["port_of_loading"] == ["There is no location with the code “XXABC”."]
    assert found["port_of_discharge"] == ["A UN/LOCODE has 5 characters: the country and 3 letters, e.g. CNSHA."]
    assert found["transport_mode"][0].startswith("“Q” is not a code of the transport_mode table")
    assert found["customs_office"][0].startswith("“9999” is not a code of the customs_office table")
    assert found["incoterm"] == ["“FOX” is not an Incoterms 2020 rule."]
    assert found["eta"] == ["Give the time with its UTC offset, e.g. 2026-03-01T08:00+08:00."]
    assert Shipment.objects.unscoped().count() == 0


def test_rules_between_fields(actor, setting):
    with pytest.raises(ValidationFailed) as exc:
        services.shipment_create(
            actor=actor,
            direction="export",
            incoterm="CIF",
            etd=ETA,
            eta=ETD,
            port_of_loading="CNSHA",
            port_of_discharge="CNSHA",
            imo_number="9074729",
        )
    assert set(errors(exc)) == {"incoterm_place", "eta", "port_of_discharge", "vessel_name"}
    assert errors(exc)["eta"] == ["The ETA is before the ETD."]


def test_parties_must_be_usable_and_of_the_same_enterprise(actor, enterprise, consignor):
    foreign = PartyFactory.create()
    blocked = PartyFactory.create(enterprise=enterprise, name_local="Red Falcon FZE")
    ScreeningMatchFactory.create(enterprise=enterprise, party=blocked, status=MatchStatus.CONFIRMED)
    with pytest.raises(ValidationFailed) as exc:
        services.shipment_create(
            actor=actor, direction="import", consignor_id=foreign.pk, consignee_id=blocked.pk, notify_party_id="x"
        )
    assert errors(exc) == {
        "consignor_id": ["No such party, or you have no access to it."],
        "consignee_id": ["“Red Falcon FZE” is blocked: a person confirmed that it is on a restricted-party list."],
        "notify_party_id": ["No such party, or you have no access to it."],
    }


def test_a_broker_with_a_grant_works_for_its_client(enterprise, consignor):
    broker = EnterpriseFactory.create()
    PartnerGrantFactory.create(grantor=enterprise, grantee=broker, module="shipments", access="write")
    PartnerGrantFactory.create(grantor=enterprise, grantee=broker, module="parties", access="read")
    user = MembershipFactory.create(enterprise=broker, role="operator").user
    broker_actor = actor_for(user=user, enterprise_id=broker.pk)
    shipment = services.shipment_create(
        actor=broker_actor, direction="import", enterprise_id=enterprise.pk, consignor_id=consignor.pk
    )
    assert (shipment.enterprise_id, shipment.job_number) == (enterprise.pk, f"IM-{YEAR}-00001")
    broker_party = PartyFactory.create(enterprise=broker)
    with pytest.raises(ValidationFailed) as exc:
        services.shipment_update(actor=broker_actor, shipment_id=shipment.pk, consignee_id=broker_party.pk)
    assert errors(exc)["consignee_id"] == [
        f"“{broker_party.name_local}” belongs to another enterprise than this record."
    ]
    with pytest.raises(ValidationFailed):
        services.shipment_create(actor=broker_actor, direction="import", enterprise_id=EnterpriseFactory.create().pk)


def test_viewers_and_other_tenants_cannot_write(actor, enterprise, other_enterprise, make_actor):
    shipment = services.shipment_create(actor=actor, direction="import")
    viewer = make_actor(MembershipFactory.create(enterprise=enterprise, role="viewer").user, enterprise)
    stranger = make_actor(MembershipFactory.create(enterprise=other_enterprise, role="owner").user, other_enterprise)
    with pytest.raises(PermissionDenied):
        services.shipment_update(actor=viewer, shipment_id=shipment.pk, voyage="X1")
    with pytest.raises(NotFound):
        services.shipment_update(actor=stranger, shipment_id=shipment.pk, voyage="X1")
    with pytest.raises(NotFound):
        services.goods_line_add(actor=stranger, shipment_id=shipment.pk, description="x")
    with pytest.raises(ValidationFailed):
        services.shipment_create(actor=viewer, direction="import")
    assert Shipment.objects.unscoped().get(pk=shipment.pk).voyage == ""


def test_update_changes_only_given_fields(actor, setting):
    shipment = services.shipment_create(actor=actor, direction="import", voyage="A1", port_of_loading="DEHAM")
    changed = services.shipment_update(actor=actor, shipment_id=shipment.pk, voyage="B2")
    assert (changed.voyage, changed.port_of_loading) == ("B2", "DEHAM")
    with pytest.raises(ValidationFailed) as exc:
        services.shipment_update(actor=actor, shipment_id=shipment.pk, direction="export")
    assert errors(exc) == {"direction": ["Unknown field."]}


def test_workflow_of_an_import(actor, setting):
    shipment = services.shipment_create(actor=actor, direction="import")
    with pytest.raises(ValidationFailed) as exc:
        services.shipment_transition(actor=actor, shipment_id=shipment.pk, status="booked")
    assert set(errors(exc)) == {"transport_mode", "port_of_loading", "port_of_discharge"}
    services.shipment_update(
        actor=actor, shipment_id=shipment.pk, transport_mode="2", port_of_loading="DEHAM", port_of_discharge="CNSHA"
    )
    services.shipment_transition(actor=actor, shipment_id=shipment.pk, status="booked")
    with pytest.raises(ValidationFailed) as exc:
        services.shipment_transition(actor=actor, shipment_id=shipment.pk, status="cleared")
    assert errors(exc) == {"status": ["A shipment that is Booked can move to: In transit, Cancelled."]}
    departed = services.shipment_transition(
        actor=actor, shipment_id=shipment.pk, status="in_transit", at=ETD, location="DEHAM"
    )
    assert (departed.status, departed.atd) == ("in_transit", ETD)
    with pytest.raises(ValidationFailed) as exc:
        services.shipment_transition(actor=actor, shipment_id=shipment.pk, status="arrived", at=ETD - dt.timedelta(1))
    assert errors(exc) == {"at": ["The arrival is before the actual departure."]}
    arrived = services.shipment_transition(actor=actor, shipment_id=shipment.pk, status="arrived", at=ETA)
    assert arrived.ata == ETA
    DeclarationFactory.create(enterprise=arrived.enterprise, shipment=arrived, status=DeclarationStatus.RELEASED)
    for status in ("cleared", "delivered", "closed"):
        services.shipment_transition(actor=actor, shipment_id=shipment.pk, status=status)
    timeline = list(
        Milestone.objects.unscoped().filter(shipment=shipment).order_by("pk").values_list("status", "location")
    )
    assert timeline == [
        ("draft", ""),
        ("booked", ""),
        ("in_transit", "DEHAM"),
        ("arrived", ""),
        ("cleared", ""),
        ("delivered", ""),
        ("closed", ""),
    ]
    with pytest.raises(Conflict):
        services.shipment_update(actor=actor, shipment_id=shipment.pk, voyage="late")
    with pytest.raises(ValidationFailed) as exc:
        services.shipment_transition(actor=actor, shipment_id=shipment.pk, status="cancelled")
    assert errors(exc) == {"status": ["A shipment that is Closed can move to: none: the shipment is final."]}


def test_an_export_clears_before_it_leaves_and_cancelling_needs_a_reason(actor):
    shipment = services.shipment_create(actor=actor, direction="export")
    with pytest.raises(ValidationFailed) as exc:
        services.shipment_transition(actor=actor, shipment_id=shipment.pk, status="cancelled", note=" ")
    assert errors(exc) == {"note": ["Say why the shipment is cancelled."]}
    cancelled = services.shipment_transition(
        actor=actor, shipment_id=shipment.pk, status="cancelled", note="Order withdrawn by the buyer"
    )
    assert cancelled.status == "cancelled"
    from cpass.shipments.choices import next_statuses

    assert next_statuses("export", "booked") == ["cleared", "cancelled"]
    assert next_statuses("import", "booked") == ["in_transit", "cancelled"]


def test_delete_only_a_draft(actor, setting):
    shipment = services.shipment_create(actor=actor, direction="import")
    services.goods_line_add(actor=actor, shipment_id=shipment.pk, description="Pumps")
    services.shipment_delete(actor=actor, shipment_id=shipment.pk)
    assert Shipment.objects.unscoped().count() == GoodsLine.objects.unscoped().count() == 0
    booked = services.shipment_create(actor=actor, direction="export")
    booked.status = ShipmentStatus.BOOKED
    booked.save()
    with pytest.raises(Conflict):
        services.shipment_delete(actor=actor, shipment_id=booked.pk)


# -- goods lines --------------------------------------------------------------------------------------


@pytest.fixture
def shipment(actor, setting):
    return services.shipment_create(actor=actor, direction="import", eta=ETA)


def test_goods_line_takes_legal_units_from_the_tariff_and_numbers_itself(actor, shipment):
    first = services.goods_line_add(
        actor=actor,
        shipment_id=shipment.pk,
        hs_code="8413.6021.00",
        description="Hydraulic gear pumps",
        quantity="10",
        trade_unit="007",
        legal_quantity_1="10",
        legal_quantity_2="142.5",
        net_weight_kg="125",
        gross_weight_kg="142.5",
        value="8500.00",
        currency="eur",
        origin_country="DEU",
    )
    second = services.goods_line_add(actor=actor, shipment_id=shipment.pk, hs_code=COFFEE, description="Coffee")
    assert (first.line_number, first.hs_code, first.legal_unit_1, first.legal_unit_2) == (1, PUMP, "007", "035")
    assert (first.value, first.currency, first.legal_quantity_2) == (Decimal("8500.00"), "EUR", Decimal("142.5000"))
    assert (second.line_number, second.legal_unit_1, second.legal_unit_2) == (2, "035", "")


def test_goods_line_errors_name_their_fields(actor, shipment):
    with pytest.raises(ValidationFailed) as exc:
        services.goods_line_add(
            actor=actor,
            shipment_id=shipment.pk,
            description="",
            hs_code="1234567890",
            quantity="-3",
            net_weight_kg="10",
            gross_weight_kg="9",
            value="12.345",
            trade_unit="XYZ",
            origin_country="ZZZ",
        )
    found = errors(exc)
    assert found["description"] == ["Describe the goods."]
    assert found["hs_code"] == ["CN has no tariff line 1234567890."]
    assert found["quantity"] == ["The value cannot be negative."]
    assert found["net_weight_kg"] == ["The net weight (10 kg) cannot exceed the gross weight (9 kg)."]
    assert found["value"] == ["At most 2 decimal places."]
    assert found["trade_unit"][0].startswith("“XYZ” is not a code of the unit table")
    assert found["origin_country"][0].startswith("“ZZZ” is not a code of the country table")
    assert GoodsLine.objects.unscoped().count() == 0


def test_goods_line_code_is_checked_on_the_shipment_date(actor, shipment):
    with pytest.raises(ValidationFailed) as exc:
        services.goods_line_add(actor=actor, shipment_id=shipment.pk, hs_code=EXPIRED, description="Old pumps")
    assert errors(exc)["hs_code"] == [
        f"Line {EXPIRED} is not valid on 2026-03-20; its versions are valid 2025-01-01–2025-12-31."
    ]
    with pytest.raises(ValidationFailed) as exc:
        services.goods_line_add(
            actor=actor, shipment_id=shipment.pk, hs_code=COFFEE, description="Coffee", legal_quantity_2="5"
        )
    assert errors(exc)["legal_quantity_2"] == [f"Line {COFFEE} has no legal unit 2."]


def test_goods_line_from_a_product_of_the_same_enterprise(actor, shipment, enterprise):
    product = ProductFactory.create(
        enterprise=enterprise, hs_code=PUMP, trade_unit="007", currency="EUR", name_en="Gear pump HGP-40"
    )
    foreign = ProductFactory.create()
    line = services.goods_line_add(actor=actor, shipment_id=shipment.pk, product_id=product.pk, quantity="4")
    assert (line.product, line.hs_code, line.description, line.origin_country, line.trade_unit) == (
        product,
        PUMP,
        "Gear pump HGP-40",
        "DEU",
        "007",
    )
    with pytest.raises(ValidationFailed) as exc:
        services.goods_line_add(actor=actor, shipment_id=shipment.pk, product_id=foreign.pk, description="x")
    assert errors(exc) == {"product_id": ["No such product of the shipment's enterprise."]}


def test_goods_line_update_and_remove(actor, shipment):
    line = services.goods_line_add(
        actor=actor, shipment_id=shipment.pk, description="Pumps", quantity="2", trade_unit="007"
    )
    changed = services.goods_line_update(actor=actor, shipment_id=shipment.pk, line_id=line.pk, quantity="3")
    assert (changed.quantity, changed.description) == (Decimal("3.0000"), "Pumps")
    other = services.shipment_create(actor=actor, direction="export")
    with pytest.raises(NotFound):
        services.goods_line_update(actor=actor, shipment_id=other.pk, line_id=line.pk, quantity="1")
    services.goods_line_remove(actor=actor, shipment_id=shipment.pk, line_id=line.pk)
    assert GoodsLine.objects.unscoped().count() == 0


# -- containers ---------------------------------------------------------------------------------------


def test_container_numbers_are_checked_with_their_check_digit(actor, shipment):
    container = services.container_add(
        actor=actor, shipment_id=shipment.pk, number="mscu 123456-6", size_type="22G1", seals="SL-1, SL-2"
    )
    assert (container.number, container.size_type, container.seals) == ("MSCU1234566", "22G1", ["SL-1", "SL-2"])
    with pytest.raises(ValidationFailed) as exc:
        services.container_add(actor=actor, shipment_id=shipment.pk, number="MSCU1234567")
    assert errors(exc) == {"number": ["“MSCU1234567” is not a valid container number: its check digit should be 6."]}
    with pytest.raises(ValidationFailed) as exc:
        services.container_add(actor=actor, shipment_id=shipment.pk, number="MSC1234566", size_type="99X9")
    assert set(errors(exc)) == {"number", "size_type"}
    with pytest.raises(ValidationFailed) as exc:
        services.container_add(actor=actor, shipment_id=shipment.pk, number="MSCU1234566")
    assert errors(exc) == {"number": ["Container MSCU1234566 is already on this shipment."]}


def test_container_loads_and_weights(actor, shipment):
    line = services.goods_line_add(
        actor=actor, shipment_id=shipment.pk, description="Pumps", quantity="10", trade_unit="007"
    )
    elsewhere = services.shipment_create(actor=actor, direction="export")
    foreign_line = services.goods_line_add(actor=actor, shipment_id=elsewhere.pk, description="Other")
    with pytest.raises(ValidationFailed) as exc:
        services.container_add(
            actor=actor,
            shipment_id=shipment.pk,
            number="MAEU1234567",
            tare_kg="2200",
            vgm_kg="2100",
            loads=[{"goods_line_id": foreign_line.pk}, {"goods_line_id": line.pk, "quantity": "11"}],
        )
    assert errors(exc) == {
        "vgm_kg": ["The verified gross mass cannot be less than the tare."],
    }
    with pytest.raises(ValidationFailed) as exc:
        services.container_add(
            actor=actor,
            shipment_id=shipment.pk,
            number="MAEU1234567",
            loads=[{"goods_line_id": foreign_line.pk}, {"goods_line_id": line.pk, "quantity": "11"}],
        )
    assert errors(exc) == {
        "loads[0].goods_line_id": ["No such goods line on this shipment."],
        "loads[1].quantity": ["More than the line's quantity (10)."],
    }
    container = services.container_add(
        actor=actor,
        shipment_id=shipment.pk,
        number="MAEU1234567",
        tare_kg="2200",
        vgm_kg="14800",
        loads=[{"goods_line_id": line.pk, "quantity": "6"}],
    )
    assert [(load.goods_line_id, load.quantity) for load in container.loads.all()] == [(line.pk, Decimal("6.0000"))]
    updated = services.container_update(actor=actor, shipment_id=shipment.pk, container_id=container.pk, loads=[])
    assert list(updated.loads.all()) == []
    services.container_update(
        actor=actor, shipment_id=shipment.pk, container_id=container.pk, loads=[{"goods_line_id": line.pk}]
    )
    services.goods_line_remove(actor=actor, shipment_id=shipment.pk, line_id=line.pk)
    assert ContainerLoad.objects.unscoped().count() == 0
    services.container_remove(actor=actor, shipment_id=shipment.pk, container_id=container.pk)
    assert Container.objects.unscoped().filter(shipment=shipment).count() == 0


def test_one_goods_lines_quantities_in_all_containers_cannot_exceed_the_line(actor, shipment):
    line = services.goods_line_add(
        actor=actor, shipment_id=shipment.pk, description="Pumps", quantity="10", trade_unit="007"
    )
    first = services.container_add(
        actor=actor, shipment_id=shipment.pk, number="MAEU1234567", loads=[{"goods_line_id": line.pk, "quantity": "6"}]
    )
    with pytest.raises(ValidationFailed) as exc:
        services.container_add(
            actor=actor,
            shipment_id=shipment.pk,
            number="CSQU3054383",
            loads=[{"goods_line_id": line.pk, "quantity": "5"}],
        )
    assert errors(exc) == {
        "loads[0].quantity": [
            f"Goods line {line.line_number} has 10 in all and other containers hold 6 of it: at most 4 more fits."
        ]
    }
    assert Container.objects.unscoped().filter(shipment=shipment).count() == 1
    second = services.container_add(
        actor=actor, shipment_id=shipment.pk, number="CSQU3054383", loads=[{"goods_line_id": line.pk, "quantity": "4"}]
    )
    # A container's own quantity is replaced, not added to: 6 → 5 leaves room.
    services.container_update(
        actor=actor, shipment_id=shipment.pk, container_id=first.pk, loads=[{"goods_line_id": line.pk, "quantity": "5"}]
    )
    with pytest.raises(ValidationFailed) as raised:
        services.container_update(
            actor=actor,
            shipment_id=shipment.pk,
            container_id=second.pk,
            loads=[{"goods_line_id": line.pk, "quantity": "5.5"}],
        )
    assert list(errors(raised)) == ["loads[0].quantity"]
    # Without a quantity (the whole line, or not known) nothing is counted.
    services.container_update(
        actor=actor, shipment_id=shipment.pk, container_id=second.pk, loads=[{"goods_line_id": line.pk}]
    )
    assert sorted(
        ContainerLoad.objects.unscoped().filter(goods_line=line).values_list("container__number", "quantity")
    ) == [("CSQU3054383", None), ("MAEU1234567", Decimal("5.0000"))]


def test_a_goods_line_cannot_shrink_below_what_the_containers_hold(actor, shipment):
    line = services.goods_line_add(
        actor=actor, shipment_id=shipment.pk, description="Pumps", quantity="10", trade_unit="007"
    )
    for number, quantity in (("MAEU1234567", "4"), ("CSQU3054383", "3")):
        services.container_add(
            actor=actor,
            shipment_id=shipment.pk,
            number=number,
            loads=[{"goods_line_id": line.pk, "quantity": quantity}],
        )
    with pytest.raises(ValidationFailed) as exc:
        services.goods_line_update(actor=actor, shipment_id=shipment.pk, line_id=line.pk, quantity="6")
    assert errors(exc) == {
        "quantity": ["The containers hold 7 of this line: change what they hold first, or give at least that much."]
    }
    assert services.goods_line_update(
        actor=actor, shipment_id=shipment.pk, line_id=line.pk, quantity="7", description="Gear pumps"
    ).quantity == Decimal("7.0000")


def test_a_party_deactivated_since_may_stay_but_not_be_chosen_again(actor, enterprise, consignor, consignee):
    shipment = services.shipment_create(actor=actor, direction="import", consignor_id=consignor.pk)
    consignor.is_active = False
    consignor.save()
    kept = services.shipment_update(
        actor=actor, shipment_id=shipment.pk, consignor_id=str(consignor.pk), customer_reference="PO-2"
    )
    assert (kept.consignor_id, kept.customer_reference) == (consignor.pk, "PO-2")
    with pytest.raises(ValidationFailed) as exc:
        services.shipment_update(actor=actor, shipment_id=shipment.pk, consignee_id=consignor.pk)
    assert errors(exc) == {"consignee_id": ["“Hamburg Maschinenbau GmbH” is deactivated."]}


# -- milestones ---------------------------------------------------------------------------------------


def test_milestones_by_hand(actor, shipment):
    at = dt.datetime(2026, 3, 21, 6, 30, tzinfo=dt.UTC)
    milestone = services.milestone_add(
        actor=actor, shipment_id=shipment.pk, kind="discharged", occurred_at=at, location="cnsha", note="Berth 3"
    )
    assert (milestone.kind, milestone.occurred_at, milestone.location, milestone.note) == (
        "discharged",
        at,
        "CNSHA",
        "Berth 3",
    )
    with pytest.raises(ValidationFailed) as exc:
        services.milestone_add(
            actor=actor,
            shipment_id=shipment.pk,
            kind="status",
            occurred_at=timezone.now() + dt.timedelta(days=3),
            location="ZZZZZ",
        )
    assert errors(exc) == {
        "kind": ["Choose what happened from the list."],
        "occurred_at": ["A milestone records what happened; this time is in the future."],
        "location": ["There is no location with the code “ZZZZZ”."],
    }
    with pytest.raises(ValidationFailed) as exc:
        services.milestone_add(actor=actor, shipment_id=shipment.pk, kind="note", occurred_at="2026-03-01")
    assert errors(exc) == {
        "occurred_at": ["Give the time with its UTC offset, e.g. 2026-03-01T08:00+08:00."],
        "note": ["Write the note."],
    }


# -- packages -----------------------------------------------------------------------------------------


def test_packages_are_stored_with_the_shipment(actor, setting):
    shipment = services.shipment_create(
        actor=actor, direction="import", package_type="22", package_count="1,200", gross_weight_kg="18250.5"
    )
    assert (shipment.package_type, shipment.package_count, shipment.gross_weight_kg) == (
        "22",
        1200,
        Decimal("18250.5000"),
    )
    changed = services.shipment_update(actor=actor, shipment_id=shipment.pk, package_count=40)
    assert (changed.package_type, changed.package_count) == ("22", 40)
    cleared = services.shipment_update(actor=actor, shipment_id=shipment.pk, package_type="", package_count=None)
    assert (cleared.package_type, cleared.package_count, cleared.gross_weight_kg) == ("", None, Decimal("18250.5"))


def test_bad_packages_are_refused_on_their_fields(actor, setting):
    with pytest.raises(ValidationFailed) as exc:
        services.shipment_create(
            actor=actor, direction="import", package_type="ZZ", package_count="2.5", gross_weight_kg="-1"
        )
    found = errors(exc)
    assert found["package_type"][0].startswith("“ZZ” is not a code of the package_type table")
    assert found["package_count"] == ["Enter a whole number."]
    assert found["gross_weight_kg"] == ["The value cannot be negative."]
    for count, message in [(0, "The number must be at least 1."), ("ten", "Enter a whole number.")]:
        with pytest.raises(ValidationFailed) as exc:
            services.shipment_create(actor=actor, direction="import", package_type="22", package_count=count)
        assert errors(exc) == {"package_count": [message]}
    assert Shipment.objects.unscoped().count() == 0


def test_a_package_type_needs_its_count_and_a_count_its_type(actor, setting):
    with pytest.raises(ValidationFailed) as exc:
        services.shipment_create(actor=actor, direction="import", package_type="22")
    assert errors(exc) == {"package_count": ["Give the number of packages of this package type."]}
    shipment = services.shipment_create(actor=actor, direction="import")
    with pytest.raises(ValidationFailed) as exc:
        services.shipment_update(actor=actor, shipment_id=shipment.pk, package_count=3)
    assert errors(exc) == {"package_type": ["Choose the package type of these packages."]}
    assert Shipment.objects.unscoped().get().package_count is None


# -- saved views --------------------------------------------------------------------------------------


def test_saved_views_keep_checked_filters_per_person(actor, enterprise, make_member, make_actor):
    view = services.saved_view_create(
        actor=actor,
        name="  Hamburg imports ",
        filters={"port": "de ham", "direction": "import", "eta_from": "2026-03-01", "q": "", "party": 12},
    )
    assert (view.name, view.filters, view.user, view.enterprise_id) == (
        "Hamburg imports",
        {"direction": "import", "port": "DEHAM", "eta_from": "2026-03-01", "party": "12"},
        actor.user,
        enterprise.pk,
    )
    assert view.query_string == "direction=import&eta_from=2026-03-01&party=12&port=DEHAM"
    colleague = make_member(enterprise, "viewer").user
    theirs = services.saved_view_create(actor=make_actor(colleague, enterprise), name="Hamburg imports")
    assert (theirs.filters, theirs.user) == ({}, colleague)
    with pytest.raises(ValidationFailed) as exc:
        services.saved_view_create(actor=actor, name="Hamburg imports", filters={"status": "draft"})
    assert errors(exc) == {"name": ["You already have a view named “Hamburg imports”."]}
    with pytest.raises(NotFound):
        services.saved_view_delete(actor=actor, view_id=theirs.pk)
    services.saved_view_delete(actor=actor, view_id=view.pk)
    assert list(SavedView.objects.unscoped().values_list("user", flat=True)) == [colleague.pk]


def test_saved_view_filters_are_checked_on_their_names(actor):
    with pytest.raises(ValidationFailed) as exc:
        services.saved_view_create(
            actor=actor,
            name="",
            filters={
                "status": "lost",
                "port": "HAMBURG",
                "eta_from": "March",
                "party": "x",
                "ordering": "price",
                "colour": "red",
            },
        )
    assert errors(exc) == {
        "name": ["Give the view a name."],
        "filters.status": ["“lost” is not a shipment status."],
        "filters.port": ["Give the port as its 5-character UN/LOCODE, e.g. CNSHA."],
        "filters.eta_from": ["Give a date like 2026-03-01."],
        "filters.party": ["Give the id as a whole number."],
        "filters.ordering": [
            "Order by created_at, updated_at, job_number, status, etd, eta, enterprise__name, with - for descending."
        ],
        "filters.colour": [
            "Unknown filter: use q, direction, status, port, eta_from, eta_to, party, enterprise, handled_by, ordering."
        ],
    }
    with pytest.raises(ValidationFailed) as exc:
        services.saved_view_create(
            actor=actor, name="x" * 81, filters={"eta_from": "2026-03-02", "eta_to": "2026-03-01"}
        )
    assert errors(exc) == {
        "name": ["At most 80 characters."],
        "filters.eta_to": ["The end of the ETA range is before its start."],
    }
    assert SavedView.objects.unscoped().count() == 0


def test_saved_views_are_limited_and_need_an_enterprise(actor, make_actor, monkeypatch):
    monkeypatch.setattr(services, "VIEW_LIMIT", 2)
    services.saved_view_create(actor=actor, name="One")
    services.saved_view_create(actor=actor, name="Two")
    with pytest.raises(ValidationFailed) as exc:
        services.saved_view_create(actor=actor, name="Three")
    assert errors(exc) == {"name": ["You have 2 saved views; delete one first."]}
    with pytest.raises(PermissionDenied):
        services.saved_view_create(actor=make_actor(UserFactory.create(), None), name="Nowhere")
    assert SavedView.objects.unscoped().count() == 2


def _refusal(exc: pytest.ExceptionInfo[Conflict]) -> str:
    return str(exc.value.detail)


def test_a_shipment_is_not_cancelled_while_customs_has_its_declarations(actor, enterprise, make_actor):
    shipment = ShipmentFactory.create(enterprise=enterprise, status=ShipmentStatus.ARRIVED)
    declaration = partial(DeclarationFactory.create, enterprise=enterprise, shipment=shipment)
    declaration(reference="DC-2026-00001", status=DeclarationStatus.DRAFT)
    accepted = declaration(reference="DC-2026-00002", status=DeclarationStatus.ACCEPTED)
    returned = declaration(reference="DC-2026-00003", status=DeclarationStatus.RETURNED)
    declaration(reference="DC-2026-00004", status=DeclarationStatus.CLOSED)
    declaration(reference="DC-2026-00005", status=DeclarationStatus.CANCELLED)
    with pytest.raises(Conflict) as exc:
        services.shipment_transition(actor=actor, shipment_id=shipment.pk, status="cancelled", note="Order merged")
    assert _refusal(exc) == (
        "Customs has declarations of this shipment; settle them before cancelling it: "
        "DC-2026-00002 (Accepted): a manager applies to customs to withdraw it; DC-2026-00003 (Returned): cancel it."
    )
    # A forwarder that may change the shipment but not read its declarations is not told which they are.
    forwarder = EnterpriseFactory.create()
    PartnerGrantFactory.create(grantor=enterprise, grantee=forwarder, module="shipments", access="write")
    forwarder_actor = make_actor(MembershipFactory.create(enterprise=forwarder, role="operator").user, forwarder)
    with pytest.raises(Conflict) as exc:
        services.shipment_transition(
            actor=forwarder_actor, shipment_id=shipment.pk, status="cancelled", note="Order merged"
        )
    assert "DC-2026" not in _refusal(exc)
    for lodged, status in ((accepted, DeclarationStatus.RELEASED), (returned, DeclarationStatus.CANCELLED)):
        lodged.status = status
        lodged.save()
    with pytest.raises(Conflict, match=r"DC-2026-00002 \(Released\): close it\."):
        services.shipment_transition(actor=actor, shipment_id=shipment.pk, status="cancelled", note="Order merged")
    accepted.status = DeclarationStatus.CLOSED
    accepted.save()
    # The draft stays behind (it is cancelled on its own); customs has nothing of the shipment any more.
    cancelled = services.shipment_transition(
        actor=actor, shipment_id=shipment.pk, status="cancelled", note="Order merged"
    )
    assert cancelled.status == ShipmentStatus.CANCELLED


def test_a_shipment_is_cleared_once_customs_has_released_its_declarations(actor, enterprise, make_actor):
    shipment = ShipmentFactory.create(enterprise=enterprise, status=ShipmentStatus.ARRIVED)
    declaration = partial(DeclarationFactory.create, enterprise=enterprise, shipment=shipment)
    declaration(reference="DC-2026-00001", status=DeclarationStatus.CANCELLED)
    # An export declaration (say, of goods sent back) does not clear an import.
    declaration(reference="DC-2026-00002", status=DeclarationStatus.RELEASED, direction="export")
    with pytest.raises(Conflict) as exc:
        services.shipment_transition(actor=actor, shipment_id=shipment.pk, status="cleared")
    assert _refusal(exc) == (
        "The shipment has no customs declaration: prepare one and have customs release it before marking the "
        "shipment cleared."
    )
    draft = declaration(reference="DC-2026-00003", status=DeclarationStatus.DRAFT)
    declaration(reference="DC-2026-00004", status=DeclarationStatus.RELEASED)
    declaration(reference="DC-2026-00005", status=DeclarationStatus.CLOSED)
    with pytest.raises(Conflict) as exc:
        services.shipment_transition(actor=actor, shipment_id=shipment.pk, status="cleared")
    assert _refusal(exc) == (
        "Customs has not released these declarations of the shipment yet: DC-2026-00003 (Draft). Mark the shipment "
        "cleared once they are released (a declaration not needed is cancelled or withdrawn)."
    )
    token = make_actor(actor.user, enterprise, scopes=frozenset({"shipments:write"}))
    with pytest.raises(Conflict) as exc:
        services.shipment_transition(actor=token, shipment_id=shipment.pk, status="cleared")
    assert _refusal(exc) == "Customs has not released every declaration of this shipment yet."
    assert Shipment.objects.unscoped().get(pk=shipment.pk).status == ShipmentStatus.ARRIVED
    draft.status = DeclarationStatus.CANCELLED
    draft.save()
    cleared = services.shipment_transition(actor=actor, shipment_id=shipment.pk, status="cleared")
    assert cleared.status == ShipmentStatus.CLEARED


def test_the_handling_partner_is_one_the_owner_granted_its_shipments(actor, enterprise, other_enterprise):
    forwarder = EnterpriseFactory.create(name="Hengtong Logistics")
    grant = PartnerGrantFactory.create(grantor=enterprise, grantee=forwarder, module="shipments", access="read")
    PartnerGrantFactory.create(grantor=enterprise, grantee=other_enterprise, module="documents", access="read")
    shipment = services.shipment_create(actor=actor, direction="import", handling_partner_id=forwarder.pk)
    assert shipment.handling_partner == forwarder
    refused = "This enterprise has no access to the owner's shipments: the owner grants it under Partners first."
    for value in (other_enterprise.pk, 999999):  # a grant of another module; no enterprise at all
        with pytest.raises(ValidationFailed) as exc:
            services.shipment_update(actor=actor, shipment_id=shipment.pk, handling_partner_id=value)
        assert errors(exc) == {"handling_partner_id": [refused]}
    with pytest.raises(ValidationFailed) as exc:
        services.shipment_create(actor=actor, direction="import", handling_partner_id="hengtong")
    assert errors(exc) == {"handling_partner_id": ["Give the id as a whole number."]}
    grant.revoked_at = timezone.now()
    grant.save()
    kept = services.shipment_update(actor=actor, shipment_id=shipment.pk, voyage="V2", handling_partner_id=forwarder.pk)
    assert kept.handling_partner == forwarder  # who handled it stays on record after the grant ends
    assert (
        services.shipment_update(actor=actor, shipment_id=shipment.pk, handling_partner_id=None).handling_partner
        is None
    )
    with pytest.raises(ValidationFailed):
        services.shipment_update(actor=actor, shipment_id=shipment.pk, handling_partner_id=forwarder.pk)
    assert Shipment.objects.unscoped().get(pk=shipment.pk).handling_partner_id is None


def test_a_partner_opening_a_clients_shipment_handles_it(enterprise):
    broker = EnterpriseFactory.create()
    PartnerGrantFactory.create(grantor=enterprise, grantee=broker, module="shipments", access="write")
    user = MembershipFactory.create(enterprise=broker, role="operator").user
    broker_actor = actor_for(user=user, enterprise_id=broker.pk)
    shipment = services.shipment_create(actor=broker_actor, direction="import", enterprise_id=enterprise.pk)
    assert shipment.handling_partner_id == broker.pk
    mine = services.shipment_create(actor=broker_actor, direction="export")
    assert mine.handling_partner_id is None  # its own job
    listed = selectors.shipment_list(actor=broker_actor, handling_partner_id=broker.pk)
    assert list(listed.values_list("pk", flat=True)) == [shipment.pk]
