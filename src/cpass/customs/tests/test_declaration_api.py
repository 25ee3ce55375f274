"""The /api/v1/customs/declarations operations: what they answer, problem+json naming the field, the list's
query count, and the authorization matrix (anonymous, another tenant, viewer, partner with a read grant, API
tokens without the customs scope, a broker with a customs grant)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from cpass.accounts.tests.factories import UserFactory, make_api_token
from cpass.customs.choices import TRANSITIONS, DeclarationStatus
from cpass.customs.models import Declaration, DeclarationDocument, DeclarationEvent, DeclarationItem
from cpass.customs.tests.factories import (
    DeclarationDocumentFactory,
    DeclarationFactory,
    DeclarationItemFactory,
)
from cpass.organizations.tests.factories import EnterpriseFactory, PartnerGrantFactory
from cpass.parties.tests.factories import PartyFactory
from cpass.places.models import Location
from cpass.products.tests.factories import ProductFactory
from cpass.shipments.models import Shipment
from cpass.shipments.tests.factories import ContainerFactory, GoodsLineFactory, ShipmentFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/customs/declarations"
PUMP = "8413602100"


def call(client: Client, method: str, path: str, data: dict | None = None, **headers: Any) -> Any:
    if method == "get":
        return client.get(path, **headers)
    return getattr(client, method)(path, data=json.dumps(data or {}), content_type="application/json", **headers)


def problems(response: Any) -> dict[str, str]:
    assert response["Content-Type"] == "application/problem+json"
    return {error["field"]: error["message"] for error in response.json()["errors"]}


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
def shipment(enterprise, demo, hamburg) -> Shipment:
    """An import of gear pumps from Hamburg to Yangshan, with its parties, one goods line and a container."""
    shipment = ShipmentFactory.create(
        enterprise=enterprise,
        consignor=PartyFactory.create(enterprise=enterprise, name_local="Hamburg Pumpen GmbH"),
        consignee=PartyFactory.create(enterprise=enterprise, name_local="上海东方贸易有限公司", country="CHN"),
        incoterm="CIF",
        incoterm_place="Shanghai",
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
        eta=dt.datetime(2026, 3, 4, 6, 0, tzinfo=dt.UTC),
    )
    GoodsLineFactory.create(
        enterprise=enterprise,
        shipment=shipment,
        line_number=1,
        product=ProductFactory.create(enterprise=enterprise, hs_code=PUMP, name_zh="液压齿轮泵"),
        hs_code=PUMP,
        description="Gear pumps",
        quantity=Decimal("12"),
        trade_unit="001",
        legal_quantity_1=Decimal("12"),
        legal_unit_1="001",
        legal_quantity_2=Decimal("480"),
        legal_unit_2="035",
        value=Decimal("14400.00"),
        currency="EUR",
        origin_country="DEU",
    )
    ContainerFactory.create(enterprise=enterprise, shipment=shipment, number="MSCU1234566")
    return shipment


def test_prepare_read_change_and_delete_a_declaration(login, owner, shipment):
    client = login(owner)
    body = {"shipment_id": shipment.pk, "trade_mode": "0110", "levy_nature": "101"}
    created = call(client, "post", BASE, body, HTTP_IDEMPOTENCY_KEY="prepare-1")
    assert created.status_code == 201
    declaration = created.json()
    assert (declaration["status"], declaration["direction"], declaration["shipment"]["job_number"]) == (
        "draft",
        "import",
        shipment.job_number,
    )
    assert (declaration["trade_mode"], declaration["departure_port"], declaration["transaction_terms"]) == (
        "0110",
        "DEHAM",
        "1",
    )
    assert declaration["domestic_trader"]["name_local"] == "上海东方贸易有限公司"
    assert [c["number"] for c in declaration["containers"]] == ["MSCU1234566"]
    assert [(t["name"], t["needs_reason"]) for t in declaration["next_transitions"]] == [
        ("validate", False),
        ("cancel", True),
    ]
    replay = call(client, "post", BASE, body, HTTP_IDEMPOTENCY_KEY="prepare-1")
    assert (replay.status_code, replay["Idempotent-Replayed"], Declaration.objects.unscoped().count()) == (
        201,
        "true",
        1,
    )
    url = f"{BASE}/{declaration['id']}"
    assert client.get(url).json()["reference"] == declaration["reference"]
    changed = call(client, "patch", url, {"voyage": "FE613W", "container_ids": [], "net_weight_kg": "2000.5"})
    assert changed.status_code == 200
    assert (changed.json()["voyage"], changed.json()["containers"], changed.json()["net_weight_kg"]) == (
        "FE613W",
        [],
        "2000.5000",
    )
    cleared = call(client, "patch", url, {"overseas_trader_id": None, "self_assessment": True})
    assert (cleared.json()["overseas_trader"], cleared.json()["self_assessment"]) == (None, True)
    assert call(client, "delete", url).status_code == 204
    assert Declaration.objects.unscoped().count() == 0
    assert client.get(url).status_code == 404


def test_field_errors_are_problem_details_naming_the_field(login, owner, shipment, enterprise):
    client = login(owner)
    unknown = call(client, "post", BASE, {"shipment_id": shipment.pk, "colour": "red"})
    assert (unknown.status_code, problems(unknown)) == (422, {"colour": "Unknown field."})
    missing = call(client, "post", BASE, {"trade_mode": "0110"})
    assert problems(missing) == {"shipment_id": "This field is required."}
    absent = call(client, "post", BASE, {"shipment_id": 999999})
    assert (absent.status_code, absent["Content-Type"]) == (404, "application/problem+json")
    declaration = DeclarationFactory.create(enterprise=enterprise, shipment=shipment)
    url = f"{BASE}/{declaration.pk}"
    bad = call(
        client,
        "patch",
        url,
        {"trade_mode": "9999", "imo_number": "123", "container_ids": [999999], "gross_weight_kg": "-1"},
    )
    assert bad.status_code == 422
    fields = problems(bad)
    assert set(fields) == {"trade_mode", "imo_number", "gross_weight_kg"}
    assert fields["trade_mode"].startswith("“9999” is not a code of the trade_mode table")
    containers = call(client, "patch", url, {"container_ids": [999999]})
    assert problems(containers) == {"container_ids": "Container 999999 is not a container of this shipment."}
    heavier = call(client, "patch", url, {"net_weight_kg": "5000"})
    assert problems(heavier) == {"net_weight_kg": "The net weight cannot exceed the gross weight."}
    typed = call(client, "patch", url, {"import_export_date": "yesterday"})
    assert list(problems(typed)) == ["import_export_date"]
    assert Declaration.objects.unscoped().get(pk=declaration.pk).trade_mode == "0110"
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(status=DeclarationStatus.SUBMITTED)
    late = call(client, "patch", url, {"voyage": "X"})
    assert (late.status_code, late["Content-Type"]) == (409, "application/problem+json")
    assert "only a draft can change" in late.json()["detail"]


def test_items_are_added_changed_and_renumbered(login, owner, enterprise, demo):
    client = login(owner)
    declaration = DeclarationFactory.create(enterprise=enterprise, declaration_date=dt.date(2026, 3, 4))
    url = f"{BASE}/{declaration.pk}/items"
    first = call(
        client,
        "post",
        url,
        {"hs_code": PUMP, "name": "齿轮泵", "quantity": "10", "trade_unit": "001", "unit_price": "1200.5"},
        HTTP_IDEMPOTENCY_KEY="item-1",
    )
    assert problems(first) == {"currency": "Give the currency of the price."}
    first = call(
        client,
        "post",
        url,
        {
            "hs_code": PUMP,
            "name": "齿轮泵",
            "quantity": "10",
            "trade_unit": "001",
            "unit_price": "1200.5",
            "currency": "EUR",
        },
        HTTP_IDEMPOTENCY_KEY="item-2",
    )
    assert first.status_code == 201
    item = first.json()
    assert (item["item_number"], item["legal_unit_1"], item["legal_unit_2"], item["total_price"]) == (
        1,
        "001",
        "035",
        "12005.00",
    )
    refused = call(client, "post", url, {"hs_code": PUMP, "unit_price": "10", "currency": "ZZZ", "quantity": "-1"})
    assert refused.status_code == 422
    assert set(problems(refused)) == {"currency", "quantity"}
    more = call(client, "patch", f"{url}/{item['id']}", {"quantity": "20", "total_price": None})
    assert (more.status_code, more.json()["total_price"]) == (200, "24010.00")
    disagreeing = call(client, "patch", f"{url}/{item['id']}", {"total_price": "1.00"})
    assert list(problems(disagreeing)) == ["total_price"]
    elements = call(client, "patch", f"{url}/{item['id']}", {"elements": {"brand": "ACME"}})  # the stored code's
    assert (elements.status_code, "elements.model" in problems(elements)) == (422, True)  # as its template asks
    assert {field.split(".")[0] for field in problems(elements)} == {"elements"}
    second = call(client, "post", url, {"hs_code": PUMP, "name": "另一种泵"}).json()
    assert second["item_number"] == 2
    listed = client.get(url).json()
    assert (listed["count"], [i["item_number"] for i in listed["items"]]) == (2, [1, 2])
    assert call(client, "delete", f"{url}/{item['id']}").status_code == 204
    assert client.get(f"{url}/{second['id']}").json()["item_number"] == 1
    assert call(client, "get", f"{url}/{item['id']}").status_code == 404
    for number in range(2, 51):
        DeclarationItemFactory.create(enterprise=enterprise, declaration=declaration, item_number=number)
    full = call(client, "post", url, {"name": "the 51st"})
    assert (full.status_code, full["Content-Type"]) == (409, "application/problem+json")
    assert "at most 50 items" in full.json()["detail"]


def test_documents_are_listed_and_removed(login, owner, enterprise, demo):
    client = login(owner)
    declaration = DeclarationFactory.create(enterprise=enterprise)
    url = f"{BASE}/{declaration.pk}/documents"
    added = call(client, "post", url, {"code": "Y", "number": "CO2026-118"})
    assert (added.status_code, added.json()["code"], added.json()["number"]) == (201, "Y", "CO2026-118")
    again = call(client, "post", url, {"code": "Y", "number": "CO2026-118"})
    assert problems(again) == {"number": "This document is already listed."}
    bad = call(client, "post", url, {"code": "", "number": "no spaces allowed"})
    assert set(problems(bad)) == {"code", "number"}
    assert [d["number"] for d in client.get(url).json()["items"]] == ["CO2026-118"]
    assert call(client, "delete", f"{url}/{added.json()['id']}").status_code == 204
    assert call(client, "delete", f"{url}/{added.json()['id']}").status_code == 404
    assert DeclarationDocument.objects.unscoped().count() == 0


def test_list_filters_search_and_ordering(login, owner, enterprise):
    client = login(owner)
    shipment = ShipmentFactory.create(enterprise=enterprise, job_number="IM-2026-00777")
    draft = DeclarationFactory.create(enterprise=enterprise, shipment=shipment, reference="DC-2026-00001")
    returned = DeclarationFactory.create(
        enterprise=enterprise, status=DeclarationStatus.RETURNED, reference="DC-2026-00002", bill_number="MEDU99"
    )
    export = DeclarationFactory.create(
        enterprise=enterprise,
        direction="export",
        entry_number="224820261000012345",
        reference="DC-2026-00003",
    )
    DeclarationFactory.create()  # another enterprise's

    def ids(**params: Any) -> list[int]:
        response = client.get(BASE, params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["items"]]

    assert ids() == [export.pk, returned.pk, draft.pk]
    assert ids(status="returned") == [returned.pk]
    assert ids(direction="export") == [export.pk]
    assert ids(shipment_id=shipment.pk) == [draft.pk]
    assert ids(q="00777") == [draft.pk]
    assert ids(q="medu99") == [returned.pk]
    assert ids(q="1000012345") == [export.pk]
    assert ids(ordering="reference") == [draft.pk, returned.pk, export.pk]
    assert problems(client.get(BASE, {"status": "lost"})) == {"status": "“lost” is not a declaration status."}
    assert list(problems(client.get(BASE, {"ordering": "vessel_name"}))) == ["ordering"]
    assert list(problems(client.get(BASE, {"direction": "sideways"}))) == ["direction"]


def test_the_list_costs_the_same_queries_for_one_row_or_many(login, owner, enterprise, django_assert_max_num_queries):
    client = login(owner)

    def declaration() -> None:
        shipment = ShipmentFactory.create(enterprise=enterprise)
        made = DeclarationFactory.create(
            enterprise=enterprise,
            shipment=shipment,
            domestic_trader=PartyFactory.create(enterprise=enterprise),
            overseas_trader=PartyFactory.create(enterprise=enterprise),
            consumer_producer=PartyFactory.create(enterprise=enterprise),
            declarant=PartyFactory.create(enterprise=enterprise),
        )
        made.containers.through.objects.create(
            declaration_id=made.pk, container_id=ContainerFactory.create(enterprise=enterprise, shipment=shipment).pk
        )

    declaration()
    client.get(BASE)  # warm the session and caches
    with django_assert_max_num_queries(12) as one:
        assert client.get(BASE).json()["count"] == 1
    for _ in range(9):
        declaration()
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(BASE).json()
    assert response["count"] == 10
    assert all(row["domestic_trader"] and row["overseas_trader"] and row["shipment"] for row in response["items"])
    detail = client.get(f"{BASE}/{response['items'][0]['id']}").json()
    assert len(detail["containers"]) == 1
    assert detail["declarant"] is not None


def test_workflow_steps_and_timeline(login, owner, enterprise, make_member):
    client = login(owner)
    declaration = DeclarationFactory.create(enterprise=enterprise)
    url = f"{BASE}/{declaration.pk}"
    unnamed = call(client, "post", f"{url}/transitions", {"transition": "fly"})
    assert problems(unnamed) == {"transition": "“fly” is not a workflow step."}
    reasonless = call(client, "post", f"{url}/transitions", {"transition": "cancel"})
    assert problems(reasonless) == {"reason": "Say why (Cancel)."}
    customs = call(client, "post", f"{url}/transitions", {"transition": "accept"})
    assert (customs.status_code, customs["Content-Type"]) == (403, "application/problem+json")
    cancelled = call(
        client,
        "post",
        f"{url}/transitions",
        {"transition": "cancel", "reason": "Duplicate of DC-2026-00001"},
        HTTP_IDEMPOTENCY_KEY="cancel-1",
    )
    assert cancelled.status_code == 200
    body = cancelled.json()
    assert (body["status"], body["status_reason"], body["next_transitions"]) == (
        "cancelled",
        "Duplicate of DC-2026-00001",
        [],
    )
    again = call(client, "post", f"{url}/transitions", {"transition": "cancel", "reason": "x"})
    assert again.status_code == 409
    timeline = client.get(f"{url}/events").json()
    assert [(e["kind"], e["transition"], e["from_status"], e["to_status"]) for e in timeline["items"]] == [
        ("transition", "cancel", "draft", "cancelled")
    ]
    assert timeline["items"][0]["recorded_by"]["id"] == owner.pk
    # A manager may withdraw a declaration customs has not accepted yet; an operator sees no such step. Once
    # accepted, withdrawing is a request to customs (revision-requests), not a step.
    submitted = DeclarationFactory.create(enterprise=enterprise, status=DeclarationStatus.SUBMITTED)
    operator = login(make_member(enterprise, "operator").user)
    assert client.get(f"{BASE}/{submitted.pk}").json()["next_transitions"] == [
        {"name": "withdraw", "label": "Withdraw", "needs_reason": True}
    ]
    assert operator.get(f"{BASE}/{submitted.pk}").json()["next_transitions"] == []
    refused = call(operator, "post", f"{BASE}/{submitted.pk}/transitions", {"transition": "withdraw", "reason": "x"})
    assert refused.status_code == 403
    accepted = DeclarationFactory.create(enterprise=enterprise, status=DeclarationStatus.ACCEPTED)
    assert client.get(f"{BASE}/{accepted.pk}").json()["next_transitions"] == []


def test_labels_follow_the_request_language(login, owner, enterprise):
    client = login(owner)
    declaration = DeclarationFactory.create(enterprise=enterprise)
    english = client.get(f"{BASE}/{declaration.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = client.get(f"{BASE}/{declaration.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    with translation.override("zh-hans"):
        validate = str(TRANSITIONS["validate"].label)
    assert english["next_transitions"][0]["label"] == "Validate"
    assert chinese["next_transitions"][0]["label"] == validate


def test_the_calculation_traces_every_figure_and_names_a_missing_input(login, owner, enterprise, demo):
    client = login(owner)
    declaration = DeclarationFactory.create(
        enterprise=enterprise, transaction_terms="1", declaration_date=dt.date(2026, 3, 4)
    )
    DeclarationItemFactory.create(enterprise=enterprise, declaration=declaration, item_number=1)
    url = f"{BASE}/{declaration.pk}/calculation"
    response = client.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["direction"], body["currency"], [i["code"] for i in body["items"]]) == ("import", "CNY", [PUMP])
    item = body["items"][0]
    # 12,000 EUR at the demo customs rate 8.239 (published for 2026-02-25), CIF: no freight or insurance added.
    assert (item["dutiable_value"], item["duty"], item["vat"]) == ("98868.00", "7909.44", "13881.07")
    duty = next(f for f in item["figures"] if f["key"] == "import_duty")
    assert (duty["rate"], duty["working"], duty["formula"]["zh"]) == (
        "8%",
        "98,868.00 × 8% = 7909.44 → 7,909.44",
        "计税价格 × 比例税率",
    )
    assert "MFN" in duty["reason"]
    assert [tax["key"] for tax in body["taxes"]][:1] == ["import_duty"]
    DeclarationItemFactory.create(enterprise=enterprise, declaration=declaration, item_number=2, currency="")
    missing = client.get(url)
    assert missing.status_code == 422
    assert list(problems(missing)) == ["items[2].currency"]


def test_the_calculation_names_a_charge_by_the_field_patch_takes(login, owner, enterprise, demo):
    client = login(owner)
    declaration = DeclarationFactory.create(
        enterprise=enterprise,
        transaction_terms="3",
        declaration_date=dt.date(2026, 3, 4),
        freight_mode="total",
        freight_value=Decimal("960"),
        freight_currency="CHF",
    )
    DeclarationItemFactory.create(enterprise=enterprise, declaration=declaration, item_number=1)
    url = f"{BASE}/{declaration.pk}/calculation"
    unrated = client.get(url)
    assert unrated.status_code == 422
    assert list(problems(unrated)) == ["freight_currency"]
    assert call(client, "patch", f"{BASE}/{declaration.pk}", {"freight_currency": "EUR"}).status_code == 200
    assert client.get(url).status_code == 200


def test_the_validation_report_in_the_request_language(login, owner, enterprise, demo):
    pytest.importorskip("cpass.customs.rules")
    client = login(owner)
    declaration = DeclarationFactory.create(enterprise=enterprise, trade_mode="", declaration_date=dt.date(2026, 3, 4))
    DeclarationItemFactory.create(enterprise=enterprise, declaration=declaration, item_number=1, hs_code="")
    url = f"{BASE}/{declaration.pk}/validation"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200, english.content
    report = english.json()
    assert report["has_errors"] is True
    assert report["error_count"] == sum(1 for f in report["findings"] if f["severity"] == "error")
    fields = {finding["field"] for finding in report["findings"]}
    assert {"trade_mode", "items[1].hs_code"} <= fields
    item = next(f for f in report["findings"] if f["field"] == "items[1].hs_code")
    assert (item["item_number"], item["code"][:4]) == (1, "CUS-")
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert [f["code"] for f in chinese["findings"]] == [f["code"] for f in report["findings"]]
    assert [f["message"] for f in chinese["findings"]] != [f["message"] for f in report["findings"]]
    # A declaration with errors cannot be validated: every error on its field.
    refused = call(login(owner), "post", f"{BASE}/{declaration.pk}/transitions", {"transition": "validate"})
    assert refused.status_code == 422
    assert {"trade_mode", "items[1].hs_code"} <= set(problems(refused))
    assert Declaration.objects.unscoped().get(pk=declaration.pk).status == DeclarationStatus.DRAFT


# -- the authorization matrix -------------------------------------------------------------------------


@dataclass
class World:
    declaration: Declaration
    item: DeclarationItem
    document: DeclarationDocument


@pytest.fixture
def world(enterprise, demo) -> World:
    shipment = ShipmentFactory.create(enterprise=enterprise)
    declaration = DeclarationFactory.create(
        enterprise=enterprise, shipment=shipment, voyage="OWNED-VOYAGE", declaration_date=dt.date(2026, 3, 4)
    )
    item = DeclarationItemFactory.create(enterprise=enterprise, declaration=declaration, item_number=1)
    document = DeclarationDocumentFactory.create(enterprise=enterprise, declaration=declaration)
    return World(declaration=declaration, item=item, document=document)


def operations(w: World) -> dict[str, tuple[str, str, dict | None]]:
    d = f"{BASE}/{w.declaration.pk}"
    return {
        "list": ("get", BASE, None),
        "create": ("post", BASE, {"shipment_id": w.declaration.shipment_id}),
        "get": ("get", d, None),
        "events": ("get", f"{d}/events", None),
        "calculation": ("get", f"{d}/calculation", None),
        "items": ("get", f"{d}/items", None),
        "item_get": ("get", f"{d}/items/{w.item.pk}", None),
        "documents": ("get", f"{d}/documents", None),
        "update": ("patch", d, {"voyage": "CHANGED"}),
        "item_create": ("post", f"{d}/items", {"name": "More"}),
        "item_update": ("patch", f"{d}/items/{w.item.pk}", {"name": "Changed"}),
        "item_delete": ("delete", f"{d}/items/{w.item.pk}", None),
        "document_add": ("post", f"{d}/documents", {"code": "Y", "number": "NEW1"}),
        "document_remove": ("delete", f"{d}/documents/{w.document.pk}", None),
        "transition": ("post", f"{d}/transitions", {"transition": "cancel", "reason": "x"}),
        "delete": ("delete", d, None),
    }


def snapshot(w: World) -> tuple:
    declaration = Declaration.objects.unscoped().get(pk=w.declaration.pk)
    return (
        declaration.voyage,
        declaration.status,
        Declaration.objects.unscoped().count(),
        list(DeclarationItem.objects.unscoped().values_list("name", "item_number")),
        list(DeclarationDocument.objects.unscoped().values_list("number", flat=True)),
        DeclarationEvent.objects.unscoped().count(),
    )


READS = ("get", "events", "calculation", "items", "item_get", "documents")
WRITES = (
    "update",
    "item_create",
    "item_update",
    "item_delete",
    "document_add",
    "document_remove",
    "transition",
    "delete",
)
EXPECTED = {
    "anonymous": dict.fromkeys(("list", "create", *READS, *WRITES), 401),
    # Another enterprise's operator: our declaration looks absent; its own list is empty.
    "other_tenant": {"create": 404, **dict.fromkeys((*READS, *WRITES), 404)},
    "no_enterprise": {"create": 404, **dict.fromkeys((*READS, *WRITES), 404)},
    # A member who only reads.
    "viewer": {"list": 200, "create": 403, **dict.fromkeys(READS, 200), **dict.fromkeys(WRITES, 403)},
    # A partner with read grants on customs and shipments.
    "partner_read": {"list": 200, "create": 403, **dict.fromkeys(READS, 200), **dict.fromkeys(WRITES, 403)},
    # A broker granted shipments and documents, not customs.
    "partner_other_module": {"create": 403, **dict.fromkeys((*READS, *WRITES), 404)},
    # Our owner's API tokens: one for shipments only, one that reads customs.
    "token_shipments": dict.fromkeys(("list", "create", *READS, *WRITES), 403),
    # Reading one's declaration includes its duty figures: no reference:read scope needed for them.
    "token_customs_read": {"list": 200, "create": 403, **dict.fromkeys(READS, 200), **dict.fromkeys(WRITES, 403)},
}


def client_for(kind: str, login, enterprise, make_member, owner) -> Client:
    if kind == "anonymous":
        return Client()
    if kind == "other_tenant":
        return login(make_member(EnterpriseFactory.create(), "operator").user)
    if kind == "no_enterprise":
        return login(UserFactory.create())
    if kind.startswith("partner_"):
        partner = EnterpriseFactory.create()
        modules = ("customs", "shipments") if kind == "partner_read" else ("shipments", "documents")
        access = "read" if kind == "partner_read" else "write"
        for module in modules:
            PartnerGrantFactory.create(grantor=enterprise, grantee=partner, module=module, access=access)
        return login(make_member(partner, "owner").user)
    if kind.startswith("token_"):
        scopes = ["shipments:write"] if kind == "token_shipments" else ["customs:read", "shipments:read"]
        return Client(HTTP_AUTHORIZATION=f"Bearer {make_api_token(owner, enterprise, scopes=scopes)}")
    return login(make_member(enterprise, kind).user)


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_callers_without_the_right_change_nothing(kind, world, login, enterprise, make_member, owner):
    client = client_for(kind, login, enterprise, make_member, owner)
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


def test_the_validation_report_is_refused_like_every_read(world, login, enterprise, make_member, owner):
    pytest.importorskip("cpass.customs.rules")
    url = f"{BASE}/{world.declaration.pk}/validation"
    assert Client().get(url).status_code == 401
    assert login(make_member(EnterpriseFactory.create(), "operator").user).get(url).status_code == 404
    assert client_for("token_shipments", login, enterprise, make_member, owner).get(url).status_code == 403
    assert login(make_member(enterprise, "viewer").user).get(url).status_code == 200


@pytest.mark.parametrize("kind", ["operator", "broker"])
def test_members_and_a_broker_with_a_customs_grant_do_everything(kind, world, login, enterprise, make_member):
    if kind == "broker":
        broker = EnterpriseFactory.create()
        for module in ("customs", "shipments"):
            PartnerGrantFactory.create(grantor=enterprise, grantee=broker, module=module, access="write")
        client = login(make_member(broker, "operator").user)
    else:
        client = login(make_member(enterprise, "operator").user)
    ops = operations(world)
    # The cancellation last but one and the deletion of the new declaration last: a cancelled one no longer changes.
    order = [name for name in ops if name not in ("delete", "transition")] + ["transition"]
    statuses = {name: call(client, *ops[name]).status_code for name in order}
    assert statuses == {
        "list": 200,
        "create": 201,
        **dict.fromkeys(READS, 200),
        "update": 200,
        "item_create": 201,
        "item_update": 200,
        "item_delete": 204,
        "document_add": 201,
        "document_remove": 204,
        "transition": 200,
    }
    declaration = Declaration.objects.unscoped().get(pk=world.declaration.pk)
    assert (declaration.voyage, declaration.status) == ("CHANGED", "cancelled")
    assert list(
        DeclarationItem.objects.unscoped().filter(declaration=declaration).values_list("name", "item_number")
    ) == [("More", 1)]
    created = Declaration.objects.unscoped().exclude(pk=declaration.pk).get()
    assert created.enterprise_id == enterprise.pk
    assert call(client, "delete", f"{BASE}/{created.pk}").status_code == 204
