"""`make demo` loads a world a person can use at once, and loading it again changes nothing."""

from __future__ import annotations

import pytest

from cpass.classification.models import HsSearchEntry
from cpass.core.demo import BROKER_USCC, TRADER_USCC, load_demo
from cpass.fx.models import ExchangeRate
from cpass.organizations.models import Enterprise, PartnerGrant
from cpass.parties.choices import ScreeningStatus
from cpass.parties.models import Party
from cpass.places.models import Location
from cpass.products.models import Product
from cpass.shipments.models import Shipment
from cpass.tariff.models import TariffLine

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "enterprises": Enterprise.objects.count(),
        "grants": PartnerGrant.objects.count(),
        "parties": Party.objects.unscoped().count(),
        "products": Product.objects.unscoped().count(),
        "lines": TariffLine.objects.count(),
        "places": Location.objects.count(),
        "rates": ExchangeRate.objects.count(),
        "search": HsSearchEntry.objects.count(),
        "shipments": Shipment.objects.unscoped().count(),
    }


def test_demo_world_is_complete_and_idempotent() -> None:
    logins = load_demo()
    assert {login.role for login in logins} == {"owner", "admin", "operator", "viewer", "staff"}
    trader = Enterprise.objects.get(uscc=TRADER_USCC)
    granted = set(
        PartnerGrant.objects.filter(grantor=trader, grantee__uscc=BROKER_USCC).values_list("module", flat=True)
    )
    assert granted == {"documents", "parties", "products", "shipments", "customs"}
    assert Party.objects.unscoped().filter(enterprise=trader, screening_status=ScreeningStatus.REVIEW).count() == 1
    assert Product.objects.unscoped().filter(enterprise=trader).exclude(hs_code="").count() >= 10
    assert TariffLine.objects.filter(jurisdiction__code="CN").count() >= 20
    assert Location.objects.filter(unlocode="CNSHA").exists()
    assert ExchangeRate.objects.exists()
    assert HsSearchEntry.objects.exists()
    statuses = set(Shipment.objects.unscoped().filter(enterprise=trader).values_list("status", flat=True))
    assert {"draft", "booked", "in_transit", "arrived", "cancelled"} <= statuses

    before = _counts()
    load_demo()
    assert _counts() == before
