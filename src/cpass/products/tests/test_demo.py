from __future__ import annotations

import pytest

from cpass.organizations.tests.factories import EnterpriseFactory
from cpass.products import services
from cpass.products.demo import load_demo
from cpass.products.models import ClassificationChange, Product
from cpass.tariff.demo import load_demo as load_tariff_demo

pytestmark = pytest.mark.django_db


def test_demo_products_load_against_the_demo_tariff_and_reload_changes_nothing(owner_actor, make_member, make_actor):  # type: ignore[no-untyped-def]
    load_tariff_demo()
    broker_enterprise = EnterpriseFactory.create(name="上海恒通国际物流有限公司")
    broker = make_actor(make_member(broker_enterprise, "owner").user, broker_enterprise)
    assert load_demo(trader=owner_actor, broker=broker) == 12
    products = Product.objects.for_actor(owner_actor)
    assert products.count() == 12
    assert products.filter(hs_code="").count() == 1
    pump = products.get(sku="HGP-40")
    assert services.declaration_specification(pump) == "4|3|工程机械液压系统用|齿轮式回转泵|BOSCH REXROTH|HGP-40|||"
    assert load_demo(trader=owner_actor, broker=broker) == 0
    assert ClassificationChange.objects.for_actor(owner_actor).count() == 11
