from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cpass.core.errors import NotFound, ValidationFailed
from cpass.customs.tests.factories import DeclarationFactory
from cpass.organizations.tests.factories import EnterpriseFactory, PartnerGrantFactory
from cpass.parties.models import Party
from cpass.parties.tests.factories import PartyFactory
from cpass.products.models import Product
from cpass.products.tests.factories import ProductFactory
from cpass.shipments import selectors
from cpass.shipments.models import Container, GoodsLine, Shipment
from cpass.shipments.tests.factories import (
    ContainerFactory,
    ContainerLoadFactory,
    GoodsLineFactory,
    MilestoneFactory,
    ShipmentFactory,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def numbers(queryset) -> list[str]:
    return [shipment.job_number for shipment in queryset]


def test_filters_and_search(actor, enterprise, consignor):
    a = ShipmentFactory.create(
        enterprise=enterprise,
        job_number="IM-2026-00001",
        port_of_loading="DEHAM",
        port_of_discharge="CNSHA",
        eta=dt.datetime(2026, 3, 1, tzinfo=UTC),
        consignor=consignor,
        house_bill="HLCU123",
    )
    b = ShipmentFactory.create(
        enterprise=enterprise,
        job_number="EX-2026-00001",
        direction="export",
        status="booked",
        port_of_loading="CNNGB",
        eta=dt.datetime(2026, 4, 1, tzinfo=UTC),
        vessel_name="MSC Oscar",
        imo_number="9074729",
    )
    ContainerFactory.create(enterprise=enterprise, shipment=b, number="MAEU1234567")
    ShipmentFactory.create(job_number="IM-2026-00009")  # another tenant's
    assert numbers(selectors.shipment_list(actor=actor, ordering="job_number")) == [b.job_number, a.job_number]
    assert numbers(selectors.shipment_list(actor=actor, direction="export")) == [b.job_number]
    assert numbers(selectors.shipment_list(actor=actor, status="draft")) == [a.job_number]
    assert numbers(selectors.shipment_list(actor=actor, port="cn sha")) == [a.job_number]
    assert numbers(selectors.shipment_list(actor=actor, party_id=consignor.pk)) == [a.job_number]
    march = selectors.shipment_list(
        actor=actor, eta_from=dt.datetime(2026, 2, 1, tzinfo=UTC), eta_to=dt.datetime(2026, 3, 31, tzinfo=UTC)
    )
    assert numbers(march) == [a.job_number]
    for query, expected in [
        ("hlcu", a),
        ("maeu 123456-7", b),
        ("oscar", b),
        ("IMO 9074729", b),
        ("EX-2026", b),
        (a.customer_reference, a),
    ]:
        assert numbers(selectors.shipment_list(actor=actor, q=query)) == [expected.job_number], query


def test_search_reads_parties_goods_and_declarations(actor, enterprise, consignor, consignee):
    pump = ProductFactory.create(enterprise=enterprise, sku="GP-4410", name_en="Gear pump", name_zh="齿轮泵")
    notify = PartyFactory.create(enterprise=enterprise, name_local="宁波海曙贸易有限公司", name_en="Ningbo Haishu Ltd.")
    # Fixed numbers, so that no factory sequence happens to hold a digit string searched for.
    fixed = {"enterprise": enterprise, "customer_reference": ""}
    a = ShipmentFactory.create(**fixed, job_number="IM-2026-00001", consignor=consignor, consignee=consignee)
    GoodsLineFactory.create(enterprise=enterprise, shipment=a, description="Gear pumps", hs_code="8413602100")
    b = ShipmentFactory.create(**fixed, job_number="IM-2026-00002", notify_party=notify)
    GoodsLineFactory.create(enterprise=enterprise, shipment=b, description="Roasted coffee", product=pump)
    DeclarationFactory.create(
        enterprise=enterprise, shipment=b, reference="DC-2026-00042", entry_number="222420261000012345"
    )
    ShipmentFactory.create(**fixed, job_number="IM-2026-00003")  # matches none of them
    for query, expected in [
        ("上海东方贸易", [a]),  # the consignee's Chinese name
        ("maschinenbau", [a]),  # the consignor's name, another case
        ("ningbo HAISHU", [b]),  # the notify party's English name, two words
        ("gear pumps", [a]),  # a goods line's description
        ("8413", [a]),  # an HS code's first digits
        ("8413.60", [a]),
        ("gp-4410", [b]),  # a product's SKU
        ("齿轮泵", [b]),  # a product's Chinese name
        ("222420261000012345", [b]),  # the customs entry number
        ("dc-2026-00042", [b]),  # our declaration reference
        ("coffee 宁波", [b]),  # each word somewhere: goods and party
    ]:
        assert numbers(selectors.shipment_list(actor=actor, q=query)) == [s.job_number for s in expected], query
    for query in ["coffee hamburg", "8413 宁波", "上海东方贸易 GP-4410", "0901", "8414"]:
        assert numbers(selectors.shipment_list(actor=actor, q=query)) == [], query


def test_search_leaves_other_tenants_out(actor, enterprise, consignee):
    mine = ShipmentFactory.create(enterprise=enterprise, consignee=consignee)
    other = EnterpriseFactory.create()
    twin = PartyFactory.create(enterprise=other, name_local=consignee.name_local, name_en="Shanghai Dongfang Trading")
    theirs = ShipmentFactory.create(enterprise=other, consignee=twin)
    GoodsLineFactory.create(enterprise=other, shipment=theirs, description="Shanghai Dongfang samples")
    DeclarationFactory.create(enterprise=other, shipment=theirs, entry_number="222420261000099999")
    assert numbers(selectors.shipment_list(actor=actor, q=consignee.name_local)) == [mine.job_number]
    for query in ["Dongfang", "samples", "222420261000099999"]:
        assert numbers(selectors.shipment_list(actor=actor, q=query)) == [], query


def test_partner_searches_granted_shipments_within_its_grants(enterprise, consignee, make_actor, make_member):
    """A broker finds a client's shipment by its party name; declarations and products count only with a grant
    for their module, as their own pages are shown."""
    broker = EnterpriseFactory.create()
    PartnerGrantFactory.create(grantor=enterprise, grantee=broker, module="shipments", access="read")
    theirs = ShipmentFactory.create(enterprise=enterprise, consignee=consignee)
    product = ProductFactory.create(enterprise=enterprise, sku="GP-4410")
    GoodsLineFactory.create(enterprise=enterprise, shipment=theirs, description="Gear pumps", product=product)
    DeclarationFactory.create(enterprise=enterprise, shipment=theirs, entry_number="222420261000054321")
    ShipmentFactory.create(enterprise=enterprise)
    broker_actor = make_actor(make_member(broker, "operator").user, broker)
    assert numbers(selectors.shipment_list(actor=broker_actor, q="东方贸易 gear")) == [theirs.job_number]
    for query in ["222420261000054321", "GP-4410"]:
        assert numbers(selectors.shipment_list(actor=broker_actor, q=query)) == [], query
    for module in ["customs", "products"]:
        PartnerGrantFactory.create(grantor=enterprise, grantee=broker, module=module, access="read")
    broker_actor = make_actor(broker_actor.user, broker)
    for query in ["222420261000054321", "GP-4410"]:
        assert numbers(selectors.shipment_list(actor=broker_actor, q=query)) == [theirs.job_number], query


@pytest.mark.parametrize(
    ("model", "lookup", "index"),
    [
        (Shipment, "job_number__icontains", "shipments_shipment_job_number_trgm"),
        (Shipment, "customer_reference__icontains", "shipments_shipment_customer_reference_trgm"),
        (Shipment, "contract_number__icontains", "shipments_shipment_contract_number_trgm"),
        (Shipment, "house_bill__icontains", "shipments_shipment_house_bill_trgm"),
        (Shipment, "master_bill__icontains", "shipments_shipment_master_bill_trgm"),
        (Shipment, "vessel_name__icontains", "shipments_shipment_vessel_name_trgm"),
        (GoodsLine, "description__icontains", "shipments_goodsline_description_trgm"),
        (GoodsLine, "hs_code__startswith", "shipments_goodsline_hs_code_trgm"),
        (Container, "number__contains", "shipments_container_number_trgm"),
        (Party, "name_local__icontains", "parties_party_name_local_trgm"),
        (Party, "name_en__icontains", "parties_party_name_en_trgm"),
        (Product, "sku__icontains", "products_product_sku_trgm"),
        (Product, "name_en__icontains", "products_product_name_en_trgm"),
        (Product, "name_zh__icontains", "products_product_name_zh_trgm"),
    ],
)
def test_search_lookups_read_a_trigram_index_on_postgresql(model, lookup, index):
    """Each text match of the search has an index PostgreSQL can read for it (decision 0006; the declarations'
    belong to customs). The index is on the expression Django compiles the lookup to: if that changed, the
    search would quietly read every row again."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no trigram index: it reads every row")
    # Without the model's ordering: a goods line's (by its shipment) lets the planner walk another index instead.
    sql, params = model.objects.unscoped().filter(**{lookup: "8413"}).order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test's empty table is cheaper to read whole
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Bitmap Index Scan on {index}" in plan, plan


def test_search_keeps_to_a_few_words(actor):
    assert numbers(selectors.shipment_list(actor=actor, q=" ".join("abcdefghij"))) == []
    with pytest.raises(ValidationFailed) as exc:
        selectors.shipment_list(actor=actor, q=" ".join("abcdefghijk"))
    assert list(exc.value.errors) == ["q"]


def test_bad_filters_name_their_field(actor):
    cases: list[tuple[dict[str, Any], str]] = [
        ({"direction": "up"}, "direction"),
        ({"status": "lost"}, "status"),
        ({"port": "Shanghai"}, "port"),
        ({"q": "x" * 101}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"ordering": "secret"}, "ordering"),
        (
            {"eta_from": dt.datetime(2026, 5, 1, tzinfo=UTC), "eta_to": dt.datetime(2026, 4, 1, tzinfo=UTC)},
            "eta_to",
        ),
    ]
    for filters, field in cases:
        with pytest.raises(ValidationFailed) as exc:
            selectors.shipment_list(actor=actor, **filters)
        assert list(exc.value.errors) == [field]


def test_partner_sees_granted_clients_only(enterprise, make_actor, make_member):
    broker = EnterpriseFactory.create()
    PartnerGrantFactory.create(grantor=enterprise, grantee=broker, module="shipments", access="read")
    mine = ShipmentFactory.create(enterprise=broker)
    theirs = ShipmentFactory.create(enterprise=enterprise)
    ShipmentFactory.create()
    broker_actor = make_actor(make_member(broker, "operator").user, broker)
    assert set(numbers(selectors.shipment_list(actor=broker_actor))) == {mine.job_number, theirs.job_number}
    assert numbers(selectors.shipment_list(actor=broker_actor, enterprise_id=enterprise.pk)) == [theirs.job_number]


def _row(shipment: Shipment) -> tuple[str, ...]:
    """What the list page shows of each shipment: its owner and parties."""
    parties = (shipment.consignor, shipment.consignee, shipment.notify_party)
    return (shipment.enterprise.name, *(party.name_local if party else "" for party in parties))


def test_list_reads_in_a_constant_number_of_queries(actor, enterprise):
    party = PartyFactory.create(enterprise=enterprise)
    for _ in range(3):
        ShipmentFactory.create(enterprise=enterprise, consignor=party, consignee=party, notify_party=party)
    with CaptureQueriesContext(connection) as few:
        rows = [_row(s) for s in selectors.shipment_list(actor=actor)]
    for _ in range(10):
        ShipmentFactory.create(enterprise=enterprise, consignor=party, consignee=party, notify_party=party)
    with CaptureQueriesContext(connection) as many:
        more = [_row(s) for s in selectors.shipment_list(actor=actor)]
    assert (len(rows), len(more)) == (3, 13)
    assert len(few.captured_queries) == len(many.captured_queries) == 1


def test_detail_prefetches_everything(actor, enterprise, django_assert_max_num_queries):
    shipment = ShipmentFactory.create(enterprise=enterprise)
    for n in range(3):
        load = ContainerLoadFactory.create(
            enterprise=enterprise,
            container__shipment=shipment,
            container__number=["MSCU1234566", "MAEU1234567", "CSQU3054383"][n],
            goods_line__line_number=n + 1,
        )
        assert load.goods_line.shipment_id == shipment.pk
    MilestoneFactory.create(enterprise=enterprise, shipment=shipment)
    with django_assert_max_num_queries(6):
        detail = selectors.shipment_detail(actor=actor, shipment_id=shipment.pk)
        lines = [line.line_number for line in detail.goods]
        loads = [[load.goods_line.line_number for load in c.loads.all()] for c in detail.containers]
        kinds = [m.kind for m in detail.milestones]
    assert (lines, sorted(loads), kinds) == ([1, 2, 3], [[1], [2], [3]], ["gate_in"])


def test_children_of_another_shipment_are_absent(actor, enterprise):
    one = ShipmentFactory.create(enterprise=enterprise)
    two = ShipmentFactory.create(enterprise=enterprise)
    line = GoodsLineFactory.create(enterprise=enterprise, shipment=one)
    container = ContainerFactory.create(enterprise=enterprise, shipment=one)
    with pytest.raises(NotFound):
        selectors.goods_line_get(actor=actor, shipment_id=two.pk, line_id=line.pk)
    with pytest.raises(NotFound):
        selectors.container_get(actor=actor, shipment_id=two.pk, container_id=container.pk)
    assert selectors.goods_line_get(actor=actor, shipment_id=one.pk, line_id=line.pk) == line
