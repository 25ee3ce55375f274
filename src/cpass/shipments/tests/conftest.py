"""What the shipment tests need around them: a small China tariff, a few ports, an actor and parties."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cpass.core.actor import Actor
from cpass.organizations.models import Enterprise
from cpass.parties.models import Party
from cpass.parties.tests.factories import PartyFactory
from cpass.places.models import Location
from cpass.reference import selectors as reference_selectors
from cpass.tariff.models import Jurisdiction, TariffLine

PUMP = "8413602100"
COFFEE = "0901110000"
EXPIRED = "8413501000"
PORTS = {
    "CNSHA": ("CN", "Shanghai"),
    "CNNGB": ("CN", "Ningbo"),
    "DEHAM": ("DE", "Hamburg"),
    "NLRTM": ("NL", "Rotterdam"),
}
#: An aware moment in the tariff's validity (2026).
ETA = dt.datetime(2026, 3, 20, 8, 0, tzinfo=dt.UTC)
ETD = dt.datetime(2026, 2, 10, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fresh_code_cache() -> Iterator[None]:
    reference_selectors._cache.clear()
    reference_selectors._local.dirty = False
    yield
    reference_selectors._cache.clear()


@pytest.fixture
def cn_tariff(db: None) -> Jurisdiction:
    cn, _created = Jurisdiction.objects.get_or_create(
        code="CN", defaults={"name_en": "China", "name_zh": "中国", "currency": "CNY", "national_code_length": 10}
    )
    start = dt.date(2026, 1, 1)
    for code, ciq, unit_1, unit_2 in [(PUMP, "", "007", "035"), (COFFEE, "101", "035", "")]:
        TariffLine.objects.get_or_create(
            jurisdiction=cn,
            code=code,
            ciq_code=ciq,
            valid_from=start,
            defaults={"description_en": code, "unit_1": unit_1, "unit_2": unit_2},
        )
    TariffLine.objects.get_or_create(
        jurisdiction=cn,
        code=EXPIRED,
        ciq_code="",
        valid_from=dt.date(2025, 1, 1),
        defaults={"valid_to": dt.date(2025, 12, 31)},
    )
    return cn


@pytest.fixture
def ports(db: None) -> None:
    for code, (country, name) in PORTS.items():
        Location.objects.get_or_create(
            unlocode=code,
            defaults={
                "country": country,
                "location": code[2:],
                "name": name,
                "name_ascii": name,
                "search_key": name.lower(),
                "function": "1-------",
                "is_seaport": True,
            },
        )


@pytest.fixture
def actor(owner: Any, enterprise: Enterprise, make_actor: Callable[..., Actor]) -> Actor:
    return make_actor(owner, enterprise)


@pytest.fixture
def consignor(enterprise: Enterprise) -> Party:
    return PartyFactory.create(enterprise=enterprise, name_local="Hamburg Maschinenbau GmbH", roles=["consignor"])


@pytest.fixture
def consignee(enterprise: Enterprise) -> Party:
    return PartyFactory.create(enterprise=enterprise, name_local="上海东方贸易有限公司", country="CHN")


@pytest.fixture
def setting(cn_tariff: Jurisdiction, ports: None) -> None:
    """The tariff and the ports together."""
