from __future__ import annotations

import json

import pytest

from cpass.organizations.tests.test_api import token_client
from cpass.reference.models import CodeEntry

pytestmark = pytest.mark.django_db

BASE = "/api/v1/reference"


def test_tables_and_entries(login, owner):
    client = login(owner)
    tables = client.get(f"{BASE}/tables", {"limit": 200}).json()
    assert tables["count"] >= 16
    unit = next(t for t in tables["items"] if t["key"] == "unit")
    assert (unit["name_zh"], unit["entry_count"] > 100) == ("计量单位", True)
    assert (unit["source"], unit["source_en"]) == (unit["source_en"], unit["source_en"])
    assert "海关统计计量单位" in unit["source_zh"]
    in_chinese = client.get(f"{BASE}/tables/unit", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert in_chinese["source"] == unit["source_zh"]
    found = client.get(f"{BASE}/tables/country/entries", {"q": "中国"}).json()
    assert "CHN" in [e["code"] for e in found["items"]]
    one = client.get(f"{BASE}/tables/unit/entries/035", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert (one["name"], one["name_en"], one["attributes"], one["table"]) == (
        "千克",
        "Kilogram",
        {"rec20": "KGM"},
        "unit",
    )
    assert client.get(f"{BASE}/tables/unit/entries/035").json()["name"] == "Kilogram"
    assert client.get(f"{BASE}/tables/trade_mode/entries/9710", {"on": "2020-06-30"}).status_code == 404
    assert client.get(f"{BASE}/tables/trade_mode/entries/9710", {"on": "2020-07-01"}).status_code == 200
    assert client.get(f"{BASE}/tables/nope/entries").status_code == 404
    versions = client.get(f"{BASE}/tables/trade_mode/entries/9810/versions").json()
    assert [v["valid_from"] for v in versions] == ["2020-07-01"]
    bad = client.get(f"{BASE}/tables/country/entries", {"on": "31-12-2026"})
    assert bad.status_code == 422
    long = client.get(f"{BASE}/tables/country/entries", {"q": "x" * 10_000})
    assert (long.status_code, long.json()["errors"][0]["field"]) == (422, "q")


def test_list_query_count_is_flat(login, owner, django_assert_max_num_queries):
    client = login(owner)
    client.get(f"{BASE}/tables/country/entries", {"limit": 5})
    with django_assert_max_num_queries(12) as few:
        client.get(f"{BASE}/tables/country/entries", {"limit": 5})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"{BASE}/tables/country/entries", {"limit": 200})


def test_staff_create_and_patch(login, staff):
    client = login(staff)
    created = client.post(
        f"{BASE}/tables/unit/entries",
        data=json.dumps({"code": "209", "name_en": "Keg", "name_zh": "小桶", "attributes": {"rec20": "C62"}}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-209",
    )
    assert created.status_code == 201
    body = created.json()
    replay = client.post(
        f"{BASE}/tables/unit/entries",
        data=json.dumps({"code": "209", "name_en": "Keg", "name_zh": "小桶", "attributes": {"rec20": "C62"}}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-209",
    )
    assert (replay.status_code, replay["Idempotent-Replayed"]) == (201, "true")
    assert CodeEntry.objects.filter(table__key="unit", code="209").count() == 1
    patched = client.patch(
        f"{BASE}/entries/{body['id']}", data=json.dumps({"valid_to": "2030-12-31"}), content_type="application/json"
    )
    assert (patched.status_code, patched.json()["valid_to"]) == (200, "2030-12-31")
    bad = client.post(
        f"{BASE}/tables/unit/entries",
        data=json.dumps({"code": "2x", "name_en": "X", "name_zh": "某"}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in bad.json()["errors"]] == ["code"]
    extra = client.patch(
        f"{BASE}/entries/{body['id']}", data=json.dumps({"code": "210"}), content_type="application/json"
    )
    assert (extra.status_code, extra.json()["errors"][0]["field"]) == (422, "code")


def test_non_staff_writes_are_403(login, owner):
    client = login(owner)
    refused = client.post(
        f"{BASE}/tables/unit/entries",
        data=json.dumps({"code": "211", "name_en": "X", "name_zh": "某"}),
        content_type="application/json",
    )
    assert (refused.status_code, refused.json()["detail"]) == (403, "Only platform staff can change reference data.")
    entry = CodeEntry.objects.get(table__key="unit", code="035")
    patch = client.patch(f"{BASE}/entries/{entry.pk}", data='{"name_en": "X"}', content_type="application/json")
    assert patch.status_code == 403
    assert not CodeEntry.objects.filter(code="211").exists()


def test_token_scope(owner, enterprise):
    reader = token_client(owner, enterprise, ["reference:read"])
    assert reader.get(f"{BASE}/tables").status_code == 200
    no_scope = token_client(owner, enterprise, ["documents:read"])
    assert no_scope.get(f"{BASE}/tables").status_code == 403
