"""The /api/v1/shipments operations: what they answer, problem+json with field paths, and the authorization
matrix (anonymous, another tenant, no enterprise, viewer, operator, partner with a grant, token scopes)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from cpass.accounts.tests.factories import UserFactory, make_api_token
from cpass.customs.tests.factories import DeclarationFactory
from cpass.organizations.tests.factories import EnterpriseFactory, PartnerGrantFactory
from cpass.shipments.models import Container, GoodsLine, Milestone, Shipment
from cpass.shipments.tests.conftest import ETA, PUMP
from cpass.shipments.tests.factories import (
    ContainerFactory,
    GoodsLineFactory,
    ShipmentFactory,
)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/shipments"


def call(client: Client, method: str, path: str, data: dict | None = None, **headers: Any):
    if method == "get":
        return client.get(path, **headers)
    return getattr(client, method)(path, data=json.dumps(data or {}), content_type="application/json", **headers)


def problems(response) -> dict[str, str]:
    assert response["Content-Type"] == "application/problem+json"
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_create_read_update_and_transition(login, owner, enterprise, setting, consignor):
    client = login(owner)
    created = call(
        client,
        "post",
        BASE,
        {
            "direction": "import",
            "consignor_id": consignor.pk,
            "port_of_loading": "DEHAM",
            "port_of_discharge": "CNSHA",
            "transport_mode": "2",
            "vessel_name": "MSC Oscar",
            "imo_number": "9074729",
            "eta": "2026-03-20T16:00:00+08:00",
        },
        HTTP_IDEMPOTENCY_KEY="create-1",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["job_number"], body["status"], body["consignor"]["id"], body["eta"]) == (
        "IM-2026-00001",
        "draft",
        consignor.pk,
        "2026-03-20T08:00:00Z",
    )
    replay = call(
        client, "post", BASE, {**json.loads(created.request["wsgi.input"].read() or b"{}")} if False else None
    )
    assert replay.status_code == 422  # an empty body: direction is required
    assert problems(replay) == {"direction": "This field is required."}
    again = call(
        client,
        "post",
        BASE,
        {
            "direction": "import",
            "consignor_id": consignor.pk,
            "port_of_loading": "DEHAM",
            "port_of_discharge": "CNSHA",
            "transport_mode": "2",
            "vessel_name": "MSC Oscar",
            "imo_number": "9074729",
            "eta": "2026-03-20T16:00:00+08:00",
        },
        HTTP_IDEMPOTENCY_KEY="create-1",
    )
    assert (again.status_code, again["Idempotent-Replayed"], Shipment.objects.unscoped().count()) == (201, "true", 1)
    shipment_id = body["id"]
    patched = call(client, "patch", f"{BASE}/{shipment_id}", {"voyage": "FE611W", "notify_party_id": None})
    assert (patched.status_code, patched.json()["voyage"]) == (200, "FE611W")
    moved = call(client, "post", f"{BASE}/{shipment_id}/transitions", {"status": "booked"})
    assert (moved.status_code, moved.json()["status"]) == (200, "booked")
    refused = call(client, "post", f"{BASE}/{shipment_id}/transitions", {"status": "closed"})
    assert (refused.status_code, problems(refused)) == (
        422,
        {"status": "A shipment that is Booked can move to: In transit, Cancelled."},
    )
    timeline = client.get(f"{BASE}/{shipment_id}/milestones").json()
    assert [item["status"] for item in timeline["items"]] == ["booked", "draft"]
    assert timeline["items"][1]["note"] == "Shipment opened"
    in_chinese = client.get(f"{BASE}/{shipment_id}/milestones", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert in_chinese["items"][1]["note"] == "已新建货运业务"
    assert call(client, "delete", f"{BASE}/{shipment_id}").status_code == 409


def test_field_errors_are_problem_details_with_paths(login, owner, enterprise, setting):
    client = login(owner)
    bad = call(client, "post", BASE, {"direction": "sideways", "imo_number": "123", "extra": 1})
    assert bad.status_code == 422
    assert problems(bad) == {"extra": "Unknown field."}
    bad = call(client, "post", BASE, {"direction": "sideways"})
    assert problems(bad) == {"direction": "Choose import or export."}
    bad = call(client, "post", BASE, {"direction": "import", "imo_number": "123", "eta": "2026-03-01T08:00"})
    assert problems(bad) == {
        "imo_number": "An IMO number has 7 digits, e.g. IMO 9074729.",
        "eta": "Give the time with its UTC offset, e.g. 2026-03-01T08:00+08:00.",
    }
    shipment = ShipmentFactory.create(enterprise=enterprise, eta=ETA)
    line = GoodsLineFactory.create(enterprise=enterprise, shipment=shipment)
    bad = call(
        client,
        "post",
        f"{BASE}/{shipment.pk}/containers",
        {"number": "MSCU1234567", "loads": [{"goods_line_id": line.pk}, {"goods_line_id": 999999}]},
    )
    assert problems(bad) == {"number": "“MSCU1234567” is not a valid container number: its check digit should be 6."}
    bad = call(
        client,
        "post",
        f"{BASE}/{shipment.pk}/containers",
        {"number": "MSCU1234566", "loads": [{"goods_line_id": line.pk, "quantity": "-1"}, {"goods_line_id": 999999}]},
    )
    assert problems(bad) == {
        "loads[0].quantity": "The value cannot be negative.",
        "loads[1].goods_line_id": "No such goods line on this shipment.",
    }
    bad = call(client, "get", f"{BASE}?status=lost&port=x")
    assert bad.status_code == 422


def test_goods_and_containers(login, owner, enterprise, setting):
    client = login(owner)
    shipment = ShipmentFactory.create(enterprise=enterprise, eta=ETA)
    added = call(
        client,
        "post",
        f"{BASE}/{shipment.pk}/goods",
        {"hs_code": PUMP, "description": "Gear pumps", "quantity": "10", "trade_unit": "007", "net_weight_kg": "5"},
    )
    assert added.status_code == 201
    line = added.json()
    assert (line["line_number"], line["legal_unit_1"], line["legal_unit_2"], line["quantity"]) == (
        1,
        "007",
        "035",
        "10.0000",
    )
    changed = call(client, "patch", f"{BASE}/{shipment.pk}/goods/{line['id']}", {"gross_weight_kg": "4"})
    assert problems(changed) == {"net_weight_kg": "The net weight (5 kg) cannot exceed the gross weight (4 kg)."}
    container = call(
        client,
        "post",
        f"{BASE}/{shipment.pk}/containers",
        {"number": "MSCU1234566", "size_type": "45G1", "seals": ["SL1"], "loads": [{"goods_line_id": line["id"]}]},
    )
    assert container.status_code == 201
    assert container.json()["loads"] == [{"goods_line_id": line["id"], "line_number": 1, "quantity": None}]
    listed = client.get(f"{BASE}/{shipment.pk}/containers").json()
    assert [c["number"] for c in listed["items"]] == ["MSCU1234566"]
    found = client.get(BASE, {"q": "mscu 1234566"}).json()
    assert [s["id"] for s in found["items"]] == [shipment.pk]
    assert call(client, "delete", f"{BASE}/{shipment.pk}/goods/{line['id']}").status_code == 204
    assert client.get(f"{BASE}/{shipment.pk}/containers/{container.json()['id']}").json()["loads"] == []


@dataclass
class World:
    shipment: Shipment
    line: GoodsLine
    container: Container


@pytest.fixture
def world(enterprise, setting) -> World:
    shipment = ShipmentFactory.create(enterprise=enterprise, voyage="OWNED-VOYAGE", eta=ETA)
    line = GoodsLineFactory.create(enterprise=enterprise, shipment=shipment, description="Owned goods")
    container = ContainerFactory.create(enterprise=enterprise, shipment=shipment)
    return World(shipment=shipment, line=line, container=container)


def operations(w: World) -> dict[str, tuple[str, str, dict | None]]:
    s = f"{BASE}/{w.shipment.pk}"
    return {
        "list": ("get", BASE, None),
        "create": ("post", BASE, {"direction": "import", "enterprise_id": w.shipment.enterprise_id}),
        "get": ("get", s, None),
        "update": ("patch", s, {"voyage": "CHANGED"}),
        "transition": ("post", f"{s}/transitions", {"status": "cancelled", "note": "x"}),
        "goods": ("get", f"{s}/goods", None),
        "goods_add": ("post", f"{s}/goods", {"description": "More"}),
        "goods_get": ("get", f"{s}/goods/{w.line.pk}", None),
        "goods_update": ("patch", f"{s}/goods/{w.line.pk}", {"description": "Changed"}),
        "goods_remove": ("delete", f"{s}/goods/{w.line.pk}", None),
        "containers": ("get", f"{s}/containers", None),
        "container_add": ("post", f"{s}/containers", {"number": "MAEU1234567"}),
        "container_get": ("get", f"{s}/containers/{w.container.pk}", None),
        "container_update": ("patch", f"{s}/containers/{w.container.pk}", {"seals": ["NEW"]}),
        "container_remove": ("delete", f"{s}/containers/{w.container.pk}", None),
        "milestones": ("get", f"{s}/milestones", None),
        "milestone_add": ("post", f"{s}/milestones", {"kind": "note", "occurred_at": "2026-03-01T08:00Z", "note": "x"}),
        "delete": ("delete", s, None),
    }


def snapshot(w: World) -> tuple:
    shipment = Shipment.objects.unscoped().get(pk=w.shipment.pk)
    return (
        shipment.voyage,
        shipment.status,
        Shipment.objects.unscoped().count(),
        list(GoodsLine.objects.unscoped().values_list("description", flat=True)),
        list(Container.objects.unscoped().values_list("number", "seals")),
        Milestone.objects.unscoped().count(),
    )


READS = ("get", "goods", "goods_get", "containers", "container_get", "milestones")
WRITES = (
    "update",
    "transition",
    "goods_add",
    "goods_update",
    "goods_remove",
    "container_add",
    "container_update",
    "container_remove",
    "milestone_add",
    "delete",
)
EXPECTED = {
    "anonymous": dict.fromkeys(("list", "create", *READS, *WRITES), 401),
    # Another enterprise's operator: our shipment looks absent; its own list is empty.
    "other_tenant": {"create": 422, **dict.fromkeys((*READS, *WRITES), 404)},
    "no_enterprise": {"create": 422, **dict.fromkeys((*READS, *WRITES), 404)},
    # A member who only reads.
    "viewer": {"list": 200, "create": 422, **dict.fromkeys(READS, 200), **dict.fromkeys(WRITES, 403)},
    # A partner with a read grant on shipments.
    "partner_read": {"list": 200, "create": 422, **dict.fromkeys(READS, 200), **dict.fromkeys(WRITES, 403)},
}


def client_for(kind: str, login, enterprise, make_member) -> Client:
    if kind == "anonymous":
        return Client()
    if kind == "other_tenant":
        return login(make_member(EnterpriseFactory.create(), "operator").user)
    if kind == "no_enterprise":
        return login(UserFactory.create())
    if kind == "partner_read":
        partner = EnterpriseFactory.create()
        PartnerGrantFactory.create(grantor=enterprise, grantee=partner, module="shipments", access="read")
        return login(make_member(partner, "operator").user)
    return login(make_member(enterprise, kind).user)


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_callers_without_the_right_change_nothing(kind, world, login, enterprise, make_member):
    client = client_for(kind, login, enterprise, make_member)
    before = snapshot(world)
    for name, (method, path, data) in operations(world).items():
        response = call(client, method, path, data)
        expected = EXPECTED[kind].get(name)
        if expected is None:
            assert (name, response.status_code, response.json()["count"]) == (name, 200, 0)
            continue
        assert (name, response.status_code) == (name, expected)
        if expected >= 400:
            assert response["Content-Type"] == "application/problem+json", name
            assert "OWNED-VOYAGE" not in response.content.decode(), name
    assert snapshot(world) == before


@pytest.mark.parametrize("kind", ["operator", "partner_write"])
def test_members_and_partners_with_write_do_everything(kind, world, login, enterprise, make_member):
    if kind == "partner_write":
        partner = EnterpriseFactory.create()
        PartnerGrantFactory.create(grantor=enterprise, grantee=partner, module="shipments", access="write")
        client = login(make_member(partner, "operator").user)
    else:
        client = login(make_member(enterprise, "operator").user)
    ops = operations(world)
    # The transition (a cancellation) last: a cancelled shipment no longer changes.
    order = [name for name in ops if name not in ("delete", "transition")] + ["transition"]
    statuses = {name: call(client, *ops[name]).status_code for name in order}
    assert statuses == {
        "list": 200,
        "create": 201,
        **dict.fromkeys(READS, 200),
        "update": 200,
        "transition": 200,
        "goods_add": 201,
        "goods_update": 200,
        "goods_remove": 204,
        "container_add": 201,
        "container_update": 200,
        "container_remove": 204,
        "milestone_add": 201,
    }
    shipment = Shipment.objects.unscoped().get(pk=world.shipment.pk)
    assert (shipment.voyage, shipment.status) == ("CHANGED", "cancelled")
    assert Shipment.objects.unscoped().filter(enterprise=enterprise).count() == 2


def test_api_tokens_need_the_shipments_scope(world, owner, enterprise):
    read_only = Client(HTTP_AUTHORIZATION=f"Bearer {make_api_token(owner, enterprise, scopes=['shipments:read'])}")
    assert read_only.get(f"{BASE}/{world.shipment.pk}").status_code == 200
    refused = call(read_only, "patch", f"{BASE}/{world.shipment.pk}", {"voyage": "X"})
    assert (refused.status_code, refused.json()["detail"]) == (403, "This API token lacks the shipments:write scope.")
    other = Client(HTTP_AUTHORIZATION=f"Bearer {make_api_token(owner, enterprise, scopes=['products:write'])}")
    assert other.get(BASE).status_code == 403


def test_search_by_party_goods_and_declaration_follows_the_token_scopes(owner, enterprise, consignee):
    shipment = ShipmentFactory.create(enterprise=enterprise, consignee=consignee, customer_reference="")
    GoodsLineFactory.create(enterprise=enterprise, shipment=shipment, description="Gear pumps", hs_code=PUMP)
    DeclarationFactory.create(enterprise=enterprise, shipment=shipment, entry_number="222420261000012345")
    ShipmentFactory.create(enterprise=enterprise)
    shipments = Client(HTTP_AUTHORIZATION=f"Bearer {make_api_token(owner, enterprise, scopes=['shipments:read'])}")
    for query in ["上海东方", "gear 8413", "东方 PUMPS"]:
        assert [s["id"] for s in shipments.get(BASE, {"q": query}).json()["items"]] == [shipment.pk], query
    assert shipments.get(BASE, {"q": "222420261000012345"}).json()["count"] == 0
    scopes = ["shipments:read", "customs:read"]
    customs = Client(HTTP_AUTHORIZATION=f"Bearer {make_api_token(owner, enterprise, scopes=scopes)}")
    assert [s["id"] for s in customs.get(BASE, {"q": "222420261000012345"}).json()["items"]] == [shipment.pk]
    assert problems(shipments.get(BASE, {"q": "a b c d e f g h i j k"})) == {"q": "Search for at most 10 words."}


def test_the_search_parameter_says_what_it_reads(client):
    parameters = client.get("/api/v1/openapi.json").json()["paths"][BASE]["get"]["parameters"]
    described = next(p["description"] for p in parameters if p["name"] == "q")
    assert "consignee's or notify party's name (Chinese or English)" in described
    assert "customs entry number" in described


def test_packages_through_the_api(login, owner, enterprise, setting):
    client = login(owner)
    created = call(
        client,
        "post",
        BASE,
        {"direction": "export", "package_type": "22", "package_count": 120, "gross_weight_kg": "1830.25"},
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["package_type"], body["package_count"], body["gross_weight_kg"]) == ("22", 120, "1830.2500")
    bad = call(client, "patch", f"{BASE}/{body['id']}", {"package_count": 0, "package_type": "ZZ"})
    assert bad.status_code == 422
    found = problems(bad)
    assert found["package_count"] == "The number must be at least 1."
    assert found["package_type"].startswith("“ZZ” is not a code of the package_type table")
    missing = call(client, "patch", f"{BASE}/{body['id']}", {"package_count": None})
    assert problems(missing) == {"package_count": "Give the number of packages of this package type."}
    assert Shipment.objects.unscoped().get().package_count == 120


def test_saved_views_through_the_api(login, owner, enterprise, make_member):
    client = login(owner)
    created = call(client, "post", f"{BASE}/views", {"name": "Arriving", "filters": {"status": "arrived", "party": 7}})
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["filters"], body["query"]) == (
        "Arriving",
        {"status": "arrived", "party": "7"},
        "party=7&status=arrived",
    )
    bad = call(client, "post", f"{BASE}/views", {"name": "Arriving", "filters": {"port": "x"}})
    assert bad.status_code == 422
    assert problems(bad) == {"filters.port": "Give the port as its 5-character UN/LOCODE, e.g. CNSHA."}
    unknown = call(client, "post", f"{BASE}/views", {"name": "Other", "columns": ["eta"]})
    assert problems(unknown) == {"columns": "Unknown field."}
    colleague = login(make_member(enterprise, "viewer").user)
    assert colleague.get(f"{BASE}/views").json()["count"] == 0
    theirs = call(colleague, "delete", f"{BASE}/views/{body['id']}")
    assert theirs.status_code == 404
    assert theirs["Content-Type"] == "application/problem+json"
    assert "Arriving" not in theirs.content.decode()
    listed = client.get(f"{BASE}/views").json()
    assert [(v["id"], v["name"]) for v in listed["items"]] == [(body["id"], "Arriving")]
    assert call(client, "delete", f"{BASE}/views/{body['id']}").status_code == 204
    assert client.get(f"{BASE}/views").json()["count"] == 0
    assert Client().get(f"{BASE}/views").status_code == 401


def test_the_handling_partner_through_the_api(login, owner, enterprise):
    forwarder = EnterpriseFactory.create(name="Hengtong Logistics")
    PartnerGrantFactory.create(grantor=enterprise, grantee=forwarder, module="shipments", access="write")
    client = login(owner)
    created = call(client, "post", BASE, {"direction": "import", "handling_partner_id": forwarder.pk})
    assert created.status_code == 201
    assert created.json()["handling_partner"] == {"id": forwarder.pk, "name": "Hengtong Logistics"}
    other = call(client, "post", BASE, {"direction": "export"}).json()
    assert other["handling_partner"] is None
    refused = call(client, "patch", f"{BASE}/{other['id']}", {"handling_partner_id": EnterpriseFactory.create().pk})
    assert (refused.status_code, list(problems(refused))) == (422, ["handling_partner_id"])
    listed = client.get(BASE, {"handled_by": forwarder.pk}).json()
    assert [item["id"] for item in listed["items"]] == [created.json()["id"]]
    view = call(client, "post", f"{BASE}/views", {"name": "Hengtong jobs", "filters": {"handled_by": forwarder.pk}})
    assert (view.status_code, view.json()["query"]) == (201, f"handled_by={forwarder.pk}")
