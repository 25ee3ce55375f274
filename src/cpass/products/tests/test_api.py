from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from cpass.organizations.tests.factories import EnterpriseFactory, PartnerGrantFactory
from cpass.organizations.tests.test_api import problem_fields, send, token_client
from cpass.products.models import Product, ProductImage
from cpass.products.tests.conftest import PUMP, PUMP_2, PUMP_VALUES
from cpass.products.tests.factories import ProductFactory, ProductImageFactory, png_bytes

pytestmark = pytest.mark.django_db

BASE = "/api/v1/products"
PUMP_BODY = {
    "sku": "HGP-40",
    "name_zh": "齿轮泵",
    "name_en": "Hydraulic gear pump",
    "origin_country": "DEU",
    "net_weight_kg": "12.5",
    "gross_weight_kg": "14",
    "unit_price": "850",
    "currency": "EUR",
    "hs_code": PUMP,
    "element_values": PUMP_VALUES,
}


def test_crud_classification_specification(cn_tariff, login, owner, enterprise):  # type: ignore[no-untyped-def]
    client = login(owner)
    created = client.post(BASE, json.dumps(PUMP_BODY), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["enterprise"]["id"], body["hs_code"], body["net_weight_kg"]) == (enterprise.pk, PUMP, "12.5000")
    replay = client.post(BASE, json.dumps(PUMP_BODY), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert replay["Idempotent-Replayed"] == "true"
    pid = body["id"]
    spec = client.get(f"{BASE}/{pid}/specification").json()
    assert (spec["specification"], spec["complete"]) == ("4|3|液压系统用|Bosch Rexroth|HGP-40", True)
    assert [e["key"] for e in spec["elements"]] == ["brand_type", "export_preference", "use", "brand", "model"]
    assert spec["elements"][0]["choices"] == ["0", "1", "4"]

    no_reason = send(client, "post", f"{BASE}/{pid}/classification", {"code": PUMP_2})
    assert no_reason.status_code == 422
    assert "reason" in problem_fields(no_reason)
    changed = send(
        client, "post", f"{BASE}/{pid}/classification", {"code": PUMP_2, "reason": "Vane pump", "source": "assistant"}
    )
    assert changed.status_code == 200, changed.content
    history = client.get(f"{BASE}/{pid}/classification-history").json()
    assert [(h["previous_code"], h["new_code"], h["source"]) for h in history["items"]] == [
        (PUMP, PUMP_2, "assistant"),
        ("", PUMP, "manual"),
    ]
    patched = send(client, "patch", f"{BASE}/{pid}", {"brand": "Rexroth", "unit_price": None})
    assert (patched.json()["brand"], patched.json()["unit_price"]) == ("Rexroth", None)
    bad = send(client, "patch", f"{BASE}/{pid}", {"gross_weight_kg": "10", "colour": "red"})
    assert bad.status_code == 422
    assert "colour" in problem_fields(bad)
    bad = send(client, "patch", f"{BASE}/{pid}", {"gross_weight_kg": "10"})
    assert problem_fields(bad)["net_weight_kg"].startswith("The net weight (12.5 kg) cannot exceed")
    assert client.delete(f"{BASE}/{pid}").status_code == 204
    assert client.get(f"{BASE}/{pid}").status_code == 404


def test_list_filters(cn_tariff, login, owner, enterprise):  # type: ignore[no-untyped-def]
    ProductFactory.create(enterprise=enterprise, sku="A-1", name_zh="红酒", hs_code="2204210000", origin_country="FRA")
    ProductFactory.create(enterprise=enterprise, sku="B-2", name_zh="咖啡豆", origin_country="BRA")
    ProductFactory.create(sku="HIDDEN")
    client = login(owner)
    assert client.get(BASE).json()["count"] == 2
    assert [p["sku"] for p in client.get(BASE, {"q": "红酒"}).json()["items"]] == ["A-1"]
    assert [p["sku"] for p in client.get(BASE, {"hs_prefix": "2204"}).json()["items"]] == ["A-1"]
    assert [p["sku"] for p in client.get(BASE, {"classified": "false"}).json()["items"]] == ["B-2"]
    assert [p["sku"] for p in client.get(BASE, {"origin": "bra"}).json()["items"]] == ["B-2"]
    assert client.get(BASE, {"hs_prefix": "84x"}).status_code == 422


def test_images_api(cn_tariff, login, owner, enterprise):  # type: ignore[no-untyped-def]
    product = ProductFactory.create(enterprise=enterprise)
    client = login(owner)
    url = f"{BASE}/{product.pk}/images"
    fake = client.post(url, {"image": SimpleUploadedFile("x.png", b"not an image", "image/png")})
    assert fake.status_code == 422
    assert "not an image" in problem_fields(fake)["image"]
    added = client.post(url, {"image": SimpleUploadedFile("p.png", png_bytes(), "image/png")})
    assert added.status_code == 201, added.content
    image = added.json()
    served = client.get(image["url"])
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    assert [i["id"] for i in client.get(url).json()] == [image["id"]]
    assert client.delete(f"{url}/{image['id']}").status_code == 204
    assert client.get(image["url"]).status_code == 404


def test_export_and_template(cn_tariff, login, owner, enterprise):  # type: ignore[no-untyped-def]
    ProductFactory.create(enterprise=enterprise, sku="A-1")
    ProductFactory.create(sku="HIDDEN")
    client = login(owner)
    response = client.get(f"{BASE}/export")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["A-1"]
    template = client.get(f"{BASE}/template")
    assert load_workbook(io.BytesIO(b"".join(template.streaming_content))).sheetnames[0]


def test_partner_access_and_scopes(cn_tariff, enterprise, owner, make_member):  # type: ignore[no-untyped-def]
    product = ProductFactory.create(enterprise=enterprise, sku="CLIENT-1")
    broker = EnterpriseFactory.create(name="Broker")
    broker_user = make_member(broker, "owner").user
    client = token_client(broker_user, broker, ["products:write"])
    assert client.get(f"{BASE}/{product.pk}").status_code == 404
    assert client.get(BASE).json()["count"] == 0
    PartnerGrantFactory.create(grantor=enterprise, grantee=broker, module="products", access="write")
    assert client.get(BASE).json()["count"] == 1
    body = send(client, "post", f"{BASE}/{product.pk}/classification", {"code": PUMP, "element_values": PUMP_VALUES})
    assert body.status_code == 200, body.content
    created = send(client, "post", BASE, {**PUMP_BODY, "sku": "BY-BROKER", "enterprise_id": enterprise.pk})
    assert created.status_code == 201
    assert Product.objects.unscoped().get(sku="BY-BROKER").enterprise_id == enterprise.pk
    read_only = token_client(owner, enterprise, ["products:read"])
    assert send(read_only, "patch", f"{BASE}/{product.pk}", {"brand": "x"}).status_code == 403
    assert token_client(owner, enterprise, ["documents:read"]).get(BASE).status_code == 403


def _operations(product_id: int, image_id: int) -> list[tuple[str, str, dict | None]]:  # type: ignore[type-arg]
    """Every product operation on one product: (method, path, JSON body or None)."""
    one = f"{BASE}/{product_id}"
    return [
        ("get", one, None),
        ("patch", one, {"brand": "x"}),
        ("post", f"{one}/classification", {"code": PUMP, "element_values": PUMP_VALUES}),
        ("get", f"{one}/classification-history", None),
        ("get", f"{one}/specification", None),
        ("get", f"{one}/images", None),
        ("get", f"{one}/images/{image_id}", None),
        ("delete", f"{one}/images/{image_id}", None),
        ("delete", one, None),
    ]


def _call(client, method, path, body):  # type: ignore[no-untyped-def]
    if body is None:
        return getattr(client, method)(path)
    return send(client, method, path, body)


def test_authorization_matrix(cn_tariff, enterprise, owner, make_member):  # type: ignore[no-untyped-def]
    """Anonymous 401; another tenant 404; a viewer reads but writes nothing (403); nothing leaks or changes."""
    image = ProductImageFactory.create(enterprise=enterprise, product__sku="SECRET-SKU")
    product = image.product
    before = list(Product.objects.unscoped().values())
    outsider = make_member(EnterpriseFactory.create(), "owner").user
    viewer = make_member(enterprise, "viewer").user
    for method, path, body in _operations(product.pk, image.pk):
        assert _call(Client(), method, path, body).status_code == 401, path
        foreign = _call(
            token_client(outsider, outsider.memberships.get().enterprise, ["products:write"]), method, path, body
        )
        assert foreign.status_code == 404, (method, path)
        assert b"SECRET-SKU" not in foreign.content
        read_only = _call(token_client(viewer, enterprise, ["products:write"]), method, path, body)
        expected = 403 if method != "get" else 200
        assert read_only.status_code == expected, (method, path, read_only.content)
    assert list(Product.objects.unscoped().values()) == before
    assert ProductImage.objects.unscoped().count() == 1
    assert Client().post(BASE, json.dumps(PUMP_BODY), content_type="application/json").status_code == 401
    viewer_create = send(token_client(viewer, enterprise, ["products:write"]), "post", BASE, PUMP_BODY)
    assert viewer_create.status_code == 422
    assert "enterprise_id" in problem_fields(viewer_create)
    assert not Product.objects.unscoped().filter(sku="HGP-40").exists()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x" * 10_000}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"q": "'; DROP TABLE products_product; --\x1a"}, "q"),
        ({"origin": "'; --"}, "origin"),
        ({"hs_prefix": "8413%"}, "hs_prefix"),
        ({"ordering": "enterprise__memberships__user__password"}, "ordering"),
    ],
)
def test_absurd_list_queries_are_422_naming_the_field(cn_tariff, login, owner, params, field):  # type: ignore[no-untyped-def]
    for path in (BASE, f"{BASE}/export"):
        response = login(owner).get(path, params)
        assert response.status_code == 422, (path, response.content)
        assert field in problem_fields(response)


def test_sql_and_like_characters_are_searched_literally(cn_tariff, login, owner, enterprise):  # type: ignore[no-untyped-def]
    ProductFactory.create(enterprise=enterprise, sku="100%_COTTON", name_en="T-shirt 100% cotton")
    ProductFactory.create(enterprise=enterprise, sku="PLAIN", name_en="Plain")
    client = login(owner)
    assert [p["sku"] for p in client.get(BASE, {"q": "100%"}).json()["items"]] == ["100%_COTTON"]
    assert client.get(BASE, {"q": "' OR 1=1 --"}).json()["count"] == 0
    assert client.get(BASE, {"q": "%"}).json()["count"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name_en": "Pump\x00"}, "name_en"),
        ({"brand": "x" * 10_000}, "brand"),
        ({"origin_country": "DE\x00"}, "origin_country"),
        ({"currency": "€€€", "unit_price": "1"}, "currency"),
        ({"unit_price": "1e400", "currency": "USD"}, "unit_price"),
        ({"element_values": {**PUMP_VALUES, "model": "HGP\x0040"}}, "elements.model"),
        ({"sku": ""}, "sku"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_create_bodies_are_422_naming_the_field(cn_tariff, login, owner, body, field):  # type: ignore[no-untyped-def]
    response = send(login(owner), "post", BASE, {**PUMP_BODY, **body})
    assert response.status_code == 422, response.content
    assert field in problem_fields(response)
    assert not Product.objects.unscoped().exists()


def test_reason_with_control_characters_is_refused(cn_tariff, login, owner, enterprise):  # type: ignore[no-untyped-def]
    product = ProductFactory.create(enterprise=enterprise, hs_code=PUMP, element_values=PUMP_VALUES)
    client = login(owner)
    refused = send(client, "post", f"{BASE}/{product.pk}/classification", {"code": PUMP_2, "reason": "vane\x00"})
    assert refused.status_code == 422
    assert "reason" in problem_fields(refused)
    product.refresh_from_db()
    assert product.hs_code == PUMP
