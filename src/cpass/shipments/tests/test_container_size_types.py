"""A container's size/type is checked against the ISO 6346 list of the container_type table, through the service
and the API: real codes beyond the common few are accepted, malformed ones refused with the table in the message."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from cpass.core.errors import ValidationFailed
from cpass.shipments import services
from cpass.shipments.tests.conftest import ETA
from cpass.shipments.tests.factories import ShipmentFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/shipments"
#: Size/type codes the table had no row for before the ISO 6346 list, each on a container number of its own.
ACCEPTED = {"45G0": "MSCU1234566", "22B0": "MSCU1234571", "22T0": "MSCU1234587", "42R0": "MSCU1234592"}


def _refusal(code: str) -> str:
    return f"“{code}” is not a code of the container_type table valid on {timezone.localdate().isoformat()}."


def test_the_service_accepts_iso_codes_and_refuses_malformed_ones(actor, setting):
    shipment = services.shipment_create(actor=actor, direction="import", eta=ETA)
    for code, number in ACCEPTED.items():
        container = services.container_add(actor=actor, shipment_id=shipment.pk, number=number, size_type=code.lower())
        assert (container.number, container.size_type) == (number, code)
    for code in ("99Z9", "4XG1"):
        with pytest.raises(ValidationFailed) as exc:
            services.container_add(actor=actor, shipment_id=shipment.pk, number="TGHU7654320", size_type=code)
        assert {field: [str(m) for m in messages] for field, messages in exc.value.errors.items()} == {
            "size_type": [_refusal(code)]
        }


def test_the_api_accepts_iso_codes_and_refuses_malformed_ones(login, owner, enterprise, setting):
    client = login(owner)
    shipment = ShipmentFactory.create(enterprise=enterprise, eta=ETA)
    url = f"{BASE}/{shipment.pk}/containers"
    for code, number in ACCEPTED.items():
        added = client.post(
            url, data=json.dumps({"number": number, "size_type": code}), content_type="application/json"
        )
        assert added.status_code == 201, added.content
        assert added.json()["size_type"] == code
    for code in ("99Z9", "4XG1"):
        refused = client.post(
            url, data=json.dumps({"number": "TGHU7654320", "size_type": code}), content_type="application/json"
        )
        assert (refused.status_code, refused["Content-Type"]) == (422, "application/problem+json")
        assert {e["field"]: e["message"] for e in refused.json()["errors"]} == {"size_type": _refusal(code)}
