"""Filter values no row can hold (an id beyond the database's integer range through a relation, text with a NUL)
match nothing: no database error, on SQLite or PostgreSQL."""

from __future__ import annotations

import pytest
from django.db.models import Q

from cpass.accounts.models import User
from cpass.audit.models import ObjectChange
from cpass.organizations.models import Enterprise
from cpass.parties.models import Party
from cpass.parties.tests.factories import PartyFactory
from cpass.shipments.tests.factories import ShipmentFactory

HUGE = 2**70


@pytest.mark.django_db
def test_foreign_key_filter_with_an_id_out_of_range_is_empty(enterprise: Enterprise) -> None:
    PartyFactory(enterprise=enterprise)
    assert not Party.objects.unscoped().filter(enterprise_id=HUGE).exists()
    assert not Party.objects.unscoped().filter(enterprise_id=-HUGE).exists()
    assert not Party.objects.unscoped().filter(enterprise=HUGE).exists()
    assert Party.objects.unscoped().filter(enterprise_id=enterprise.pk).count() == 1
    assert not ObjectChange.objects.filter(user_id=HUGE).exists()


@pytest.mark.django_db
def test_api_filter_and_path_ids_out_of_range_are_empty_or_404(owner: User, login) -> None:  # type: ignore[no-untyped-def]
    client = login(owner)
    listed = client.get(f"/api/v1/parties/matches?enterprise={HUGE}&party=-{HUGE}")
    assert listed.status_code == 200
    assert listed.json()["count"] == 0
    shipment = ShipmentFactory.create(enterprise=owner.memberships.get().enterprise)
    detached = client.delete(f"/api/v1/shipments/{shipment.pk}/documents/{HUGE}")
    assert detached.status_code == 404
    assert detached.json()["detail"] == "The document is not attached to this shipment."


@pytest.mark.django_db
def test_text_filters_with_a_nul_match_nothing(enterprise: Enterprise) -> None:
    PartyFactory(enterprise=enterprise, name_local="Pump Works")
    parties = Party.objects.unscoped()
    for lookup in ("exact", "iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith"):
        assert not parties.filter(**{f"name_local__{lookup}": "Pump\x00"}).exists(), lookup
    assert parties.filter(name_local__in=["Pump Works", "x\x00"]).count() == 1
    assert not parties.filter(name_local__in=["x\x00"]).exists()
    assert parties.filter(Q(name_local__icontains="a\x00") | Q(name_local__icontains="Pump")).count() == 1


@pytest.mark.django_db
def test_api_text_filters_and_paths_with_a_nul_are_empty_or_404(owner: User, login) -> None:  # type: ignore[no-untyped-def]
    client = login(owner)
    found = client.get("/api/v1/tariff/hs", {"q": "pump\x00"})
    assert found.status_code == 200
    assert found.json()["count"] == 0
    missing = client.get("/api/v1/tariff/hs/84", {"edition": "HS2022\x00"})
    assert missing.status_code == 404
