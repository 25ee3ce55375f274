from __future__ import annotations

import pytest

from cpass.core.errors import NotFound, PermissionDenied, ValidationFailed
from cpass.organizations.tests.factories import EnterpriseFactory, PartnerGrantFactory
from cpass.products import selectors
from cpass.products.tests.conftest import COFFEE, EXPIRED, PUMP, PUMP_2
from cpass.products.tests.factories import ClassificationChangeFactory, ProductFactory, ProductImageFactory

pytestmark = pytest.mark.django_db


def _skus(products) -> list[str]:  # type: ignore[no-untyped-def]
    return [product.sku for product in products]


@pytest.fixture
def catalogue(enterprise, other_enterprise):  # type: ignore[no-untyped-def]
    ProductFactory.create(
        enterprise=enterprise, sku="A-1", name_zh="红酒", name_en="Red wine", hs_code="2204210000", origin_country="FRA"
    )
    ProductFactory.create(
        enterprise=enterprise, sku="B-2", name_zh="齿轮泵", name_en="Gear pump", brand="Bosch", hs_code=PUMP
    )
    ProductFactory.create(
        enterprise=enterprise,
        sku="C-3",
        name_zh="咖啡豆",
        name_en="Coffee",
        brand="",
        origin_country="BRA",
        active=False,
    )
    ProductFactory.create(enterprise=other_enterprise, sku="FOREIGN", name_zh="红酒")


def test_list_is_the_actors_enterprise_only(catalogue, owner_actor):  # type: ignore[no-untyped-def]
    assert _skus(selectors.product_list(actor=owner_actor)) == ["A-1", "B-2", "C-3"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"q": "红酒"}, ["A-1"]),
        ({"q": "gear BOSCH"}, ["B-2"]),  # every word must match, case-insensitively
        ({"q": "gear wine"}, []),
        ({"q": "100%_"}, []),  # LIKE wildcards are literal
        ({"hs_prefix": "8413.60"}, ["B-2"]),
        ({"hs_prefix": "  "}, ["A-1", "B-2", "C-3"]),
        ({"origin": " fra "}, ["A-1"]),
        ({"classified": True}, ["A-1", "B-2"]),
        ({"classified": False}, ["C-3"]),
        ({"active": False}, ["C-3"]),
        ({"ordering": "-sku"}, ["C-3", "B-2", "A-1"]),
    ],
)
def test_list_filters(catalogue, owner_actor, filters, expected):  # type: ignore[no-untyped-def]
    assert _skus(selectors.product_list(actor=owner_actor, **filters)) == expected


@pytest.mark.parametrize(
    ("filters", "field", "message"),
    [
        ({"q": "x" * 10_000}, "q", "at most 200 characters"),
        ({"q": "wine\x00"}, "q", "control characters"),
        ({"hs_prefix": "84x"}, "hs_prefix", "1 to 10 digits"),
        ({"hs_prefix": "84136021001"}, "hs_prefix", "1 to 10 digits"),
        ({"hs_prefix": "٨٤"}, "hs_prefix", "1 to 10 digits"),  # Arabic-Indic digits are not code digits
        ({"origin": "DE"}, "origin", "3-letter code"),
        ({"origin": "D'E; --"}, "origin", "3-letter code"),
        ({"ordering": "password"}, "ordering", "Allowed"),
    ],
)
def test_list_refuses_bad_filters(catalogue, owner_actor, filters, field, message):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as exc:
        list(selectors.product_list(actor=owner_actor, **filters))
    assert list(exc.value.errors) == [field]
    assert message.lower() in str(exc.value.errors[field][0]).lower()


def test_partner_grant_shows_the_clients_products(catalogue, enterprise, make_member, make_actor):  # type: ignore[no-untyped-def]
    broker = EnterpriseFactory.create(name="Broker")
    ProductFactory.create(enterprise=broker, sku="OWN")
    broker_actor = make_actor(make_member(broker, "operator").user, broker)
    assert _skus(selectors.product_list(actor=broker_actor)) == ["OWN"]
    PartnerGrantFactory.create(grantor=enterprise, grantee=broker, module="products", access="read")
    broker_actor = make_actor(broker_actor.user, broker)
    assert _skus(selectors.product_list(actor=broker_actor)) == ["A-1", "B-2", "C-3", "OWN"]
    assert _skus(selectors.product_list(actor=broker_actor, enterprise_id=enterprise.pk)) == ["A-1", "B-2", "C-3"]
    assert [e.name for e in selectors.readable_enterprises(actor=broker_actor)] == sorted(["Broker", enterprise.name])
    assert [e.name for e in selectors.writable_enterprises(actor=broker_actor)] == ["Broker"]


def test_get_foreign_is_not_found_and_read_only_is_forbidden(  # type: ignore[no-untyped-def]
    enterprise, other_enterprise, owner_actor, make_member, make_actor
):
    foreign = ProductFactory.create(enterprise=other_enterprise)
    with pytest.raises(NotFound):
        selectors.product_get(actor=owner_actor, product_id=foreign.pk)
    with pytest.raises(NotFound):
        selectors.product_get(actor=owner_actor, product_id=foreign.pk, action="write")
    own = ProductFactory.create(enterprise=enterprise)
    viewer = make_actor(make_member(enterprise, "viewer").user, enterprise)
    assert selectors.product_get(actor=viewer, product_id=own.pk) == own
    with pytest.raises(PermissionDenied):
        selectors.product_get(actor=viewer, product_id=own.pk, action="write")


def test_choices_offer_active_products_and_keep_the_current_one(catalogue, owner_actor, enterprise):  # type: ignore[no-untyped-def]
    offered = selectors.product_choices(actor=owner_actor, enterprise_id=enterprise.pk)
    assert _skus(offered) == ["A-1", "B-2"]
    inactive = next(p for p in selectors.product_list(actor=owner_actor, active=False))
    kept = selectors.product_choices(actor=owner_actor, enterprise_id=enterprise.pk, current=inactive, limit=1)
    assert _skus(kept) == ["A-1", "C-3"]
    listed = selectors.product_choices(actor=owner_actor, enterprise_id=enterprise.pk, current=offered[0])
    assert _skus(listed) == ["A-1", "B-2"]


def test_classification_history_newest_first(enterprise, other_enterprise, owner_actor):  # type: ignore[no-untyped-def]
    product = ProductFactory.create(enterprise=enterprise, hs_code=PUMP_2)
    ClassificationChangeFactory.create(enterprise=enterprise, product=product, new_code=PUMP)
    ClassificationChangeFactory.create(
        enterprise=enterprise, product=product, previous_code=PUMP, new_code=PUMP_2, reason="Vane pump"
    )
    history = selectors.classification_history(actor=owner_actor, product_id=product.pk)
    assert [(c.previous_code, c.new_code) for c in history] == [(PUMP, PUMP_2), ("", PUMP)]
    foreign = ClassificationChangeFactory.create(enterprise=other_enterprise)
    with pytest.raises(NotFound):
        selectors.classification_history(actor=owner_actor, product_id=foreign.product_id)


def test_image_get_checks_tenant_and_product(enterprise, other_enterprise, owner_actor):  # type: ignore[no-untyped-def]
    image = ProductImageFactory.create(enterprise=enterprise)
    other_product = ProductFactory.create(enterprise=enterprise)
    assert selectors.product_image_get(actor=owner_actor, product_id=image.product_id, image_id=image.pk) == image
    assert list(selectors.product_images(actor=owner_actor, product=image.product)) == [image]
    with pytest.raises(NotFound):  # the image exists, but not on this product
        selectors.product_image_get(actor=owner_actor, product_id=other_product.pk, image_id=image.pk)
    foreign = ProductImageFactory.create(enterprise=other_enterprise)
    with pytest.raises(NotFound):
        selectors.product_image_get(actor=owner_actor, product_id=foreign.product_id, image_id=foreign.pk)


def test_tariff_line_of_a_product(cn_tariff, enterprise):  # type: ignore[no-untyped-def]
    assert selectors.product_tariff_line(ProductFactory.create(enterprise=enterprise)) is None
    line = selectors.product_tariff_line(ProductFactory.create(enterprise=enterprise, hs_code=PUMP))
    assert line is not None
    assert (line.code, line.unit_1, line.unit_2) == (PUMP, "007", "035")
    coffee = selectors.product_tariff_line(ProductFactory.create(enterprise=enterprise, hs_code=COFFEE, ciq_code="101"))
    assert coffee is not None
    assert coffee.ciq_code == "101"
    # A code no longer valid today has no line: the page says so instead of failing.
    assert selectors.product_tariff_line(ProductFactory.create(enterprise=enterprise, hs_code=EXPIRED)) is None


def test_list_query_count_does_not_grow_with_rows(enterprise, owner_actor, django_assert_num_queries):  # type: ignore[no-untyped-def]
    ProductFactory.create_batch(30, enterprise=enterprise)
    with django_assert_num_queries(1):
        rows = [(p.sku, p.enterprise.name) for p in selectors.product_list(actor=owner_actor)]
    assert len(rows) == 30
