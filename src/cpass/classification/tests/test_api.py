from __future__ import annotations

import json

import pytest

from cpass.classification.tests.factories import ConfirmedClassificationFactory
from cpass.organizations.tests.factories import EnterpriseFactory
from cpass.organizations.tests.test_api import problem_fields, token_client

pytestmark = pytest.mark.django_db

BASE = "/api/v1/classification"


def test_hs_search(nomenclature, login, owner):
    client = login(owner)
    body = client.get(f"{BASE}/hs-search", {"q": "8413.60"}).json()
    assert [hit["code"] for hit in body] == ["841360", "8413602100"]
    assert body[1] == {
        "code": "8413602100",
        "level": "national",
        "jurisdiction": "CN",
        "description_en": "Gear pumps for liquids, fuel injection",
        "description_zh": "燃油、润滑油、冷却剂用齿轮泵",
        "description": "Gear pumps for liquids, fuel injection",
        "path": [
            {
                "code": "84",
                "level": "chapter",
                "description_en": body[1]["path"][0]["description_en"],
                "description_zh": "核反应堆、锅炉、机器、机械器具及其零件",
            },
            {
                "code": "8413",
                "level": "heading",
                "description_en": body[1]["path"][1]["description_en"],
                "description_zh": "液体泵，不论是否装有计量装置；液体提升机",
            },
            {
                "code": "841360",
                "level": "subheading",
                "description_en": body[1]["path"][2]["description_en"],
                "description_zh": "其他回转式排液泵",
            },
        ],
        "matched_terms": [],
        "score": 1.0,
    }
    zh = client.get(f"{BASE}/hs-search", {"q": "冰箱", "limit": 1}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert [(hit["code"], hit["description"]) for hit in zh] == [("841821", "家用压缩式冰箱")]


@pytest.mark.parametrize(
    ("params", "field"), [({}, "q"), ({"q": "x" * 10_000}, "q"), ({"q": "pump", "limit": 0}, "limit")]
)
def test_hs_search_bad_queries_are_problems(nomenclature, login, owner, params, field):
    response = login(owner).get(f"{BASE}/hs-search", params)
    assert response.status_code == 422
    assert field in problem_fields(response)


def test_hs_search_with_token_needs_reference_scope(nomenclature, owner, enterprise):
    assert (
        token_client(owner, enterprise, ["reference:read"]).get(f"{BASE}/hs-search", {"q": "pumps"}).status_code == 200
    )
    assert (
        token_client(owner, enterprise, ["documents:read"]).get(f"{BASE}/hs-search", {"q": "pumps"}).status_code == 403
    )


def test_anonymous_is_401(nomenclature, client):
    assert client.get(f"{BASE}/hs-search", {"q": "pumps"}).status_code == 401


def test_suggest(nomenclature, owner, enterprise):
    ConfirmedClassificationFactory.create(
        enterprise=enterprise, description="Compression fridge for homes", code="8418211000"
    )
    client = token_client(owner, enterprise, ["reference:read", "products:read"])
    response = client.post(
        f"{BASE}/suggest",
        json.dumps({"text": "household refrigerator", "limit": 3}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert response.status_code == 200
    top = response.json()["suggestions"][0]
    assert (top["code"], top["national_lines"][0]["code"]) == ("841821", "8418211000")
    assert top["similar_products"][0]["description"] == "Compression fridge for homes"
    assert {"household", "refrigerator"} <= set(top["matched_terms"])
    assert len(response.json()["suggestions"]) <= 3
    assert (response.json()["translations"], top["translations"]) == ([], [])
    chinese = client.post(
        f"{BASE}/suggest", json.dumps({"text": "家用冰箱", "limit": 1}), content_type="application/json"
    ).json()
    assert chinese["translations"] == [
        {"zh": "家用", "en": "household domestic"},
        {"zh": "冰箱", "en": "refrigerators"},
    ]
    assert chinese["suggestions"][0]["code"] == "841821"
    assert chinese["suggestions"][0]["translations"] == chinese["translations"]


def test_suggest_never_shows_another_enterprises_examples(nomenclature, owner, enterprise):
    ConfirmedClassificationFactory.create(
        enterprise=EnterpriseFactory.create(), description="SECRET-MARKER fridge", code="8418211000"
    )
    client = token_client(owner, enterprise, ["reference:read", "products:read"])
    response = client.post(
        f"{BASE}/suggest", json.dumps({"text": "SECRET-MARKER fridge"}), content_type="application/json"
    )
    assert response.status_code == 200
    assert "SECRET-MARKER" not in response.content.decode()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x" * 10_000}, "text"),
        ({"text": "pump", "colour": "red"}, "colour"),
        ({"text": "pump", "jurisdiction": "??"}, "jurisdiction"),
    ],
)
def test_suggest_bad_bodies(nomenclature, login, owner, body, field):
    response = login(owner).post(f"{BASE}/suggest", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert field in problem_fields(response)


@pytest.mark.parametrize("text", ["gear\x00pump", "pump'; DELETE FROM x; --", 'NEAR("pump" *)', "pump\u200b\ufeff"])
def test_suggest_odd_characters_are_text(nomenclature, login, owner, text):
    response = login(owner).post(f"{BASE}/suggest", json.dumps({"text": text}), content_type="application/json")
    assert response.status_code == 200
    assert response.json()["suggestions"][0]["code"].startswith("8413")


def test_suggest_lone_surrogate_is_a_problem(nomenclature, login, owner):
    response = login(owner).post(f"{BASE}/suggest", '{"text": "\\ud800 pump"}', content_type="application/json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_hs_search_nul_byte_in_query(nomenclature, login, owner):
    response = login(owner).get(f"{BASE}/hs-search", {"q": "pump\x00"})
    assert response.status_code == 200
    assert "841370" in [hit["code"] for hit in response.json()]
