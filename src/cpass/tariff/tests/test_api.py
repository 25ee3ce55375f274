"""/api/v1/tariff: reads for any verified person (tokens need reference:read), problem+json naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cpass.organizations.tests.test_api import problem_fields, token_client
from cpass.tariff.models import TariffLine

pytestmark = pytest.mark.django_db

BASE = "/api/v1/tariff"


def test_anonymous_and_tokens_without_the_reference_scope_are_refused(owner: Any, enterprise: Any, demo: None) -> None:
    assert Client().get(f"{BASE}/jurisdictions").status_code == 401
    assert token_client(owner, enterprise, ["documents:read"]).get(f"{BASE}/jurisdictions").status_code == 403
    allowed = token_client(owner, enterprise, ["reference:read"]).get(f"{BASE}/jurisdictions")
    assert [j["code"] for j in allowed.json()] == ["CN", "US"]


def test_browse_the_nomenclature(login: Any, owner: Any, demo: None) -> None:
    client = login(owner)
    sections = client.get(f"{BASE}/hs").json()
    assert (sections["count"], sections["items"][15]["code"]) == (21, "XVI")
    chapters = client.get(f"{BASE}/hs", {"parent": "XVI"}).json()
    assert [(c["code"], c["parent"], c["level"]) for c in chapters["items"]] == [
        ("84", "XVI", "chapter"),
        ("85", "XVI", "chapter"),
    ]
    heading = client.get(f"{BASE}/hs/8413", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert [n["code"] for n in heading["path"]] == ["XVI", "84", "8413"]
    assert [n["code"] for n in heading["children"]] == ["841360"]
    assert heading["node"]["description"] == heading["node"]["description_zh"]
    assert client.get(f"{BASE}/hs/9999").status_code == 404
    long = client.get(f"{BASE}/hs", {"q": "x" * 10_000})
    assert (long.status_code, problem_fields(long)) == (422, {"q": "Search text is limited to 200 characters."})


def test_line_list_filters_and_detail(login: Any, owner: Any, demo: None) -> None:
    client = login(owner)
    listed = client.get(f"{BASE}/lines", {"jurisdiction": "CN", "prefix": "8413", "on": "2025-06-01"}).json()
    assert [(line["code"], line["valid_from"]) for line in listed["items"]] == [("8413602100", "2025-01-01")]
    chapter = client.get(f"{BASE}/lines", {"chapter": "87", "limit": 2}).json()
    assert (chapter["count"], len(chapter["items"])) == (5, 2)
    bad = client.get(f"{BASE}/lines", {"chapter": "8x"})
    assert (bad.status_code, list(problem_fields(bad))) == (422, ["chapter"])
    assert client.get(f"{BASE}/lines", {"jurisdiction": "ZZ"}).status_code == 404
    line = TariffLine.objects.get(code="8413602100", valid_from="2025-01-01")
    detail = client.get(f"{BASE}/lines/{line.pk}").json()
    assert [(v["valid_from"], v["valid_to"]) for v in detail["versions"]] == [
        ("2024-01-01", "2024-12-31"),
        ("2025-01-01", None),
    ]
    kr = next(r for r in detail["rates"] if r["agreement"] == "CN-KR")
    assert (kr["kind"], kr["origin_countries"], kr["ad_valorem"], kr["text"]) == (
        "conventional",
        ["KOR"],
        "2.4000",
        "2.4%",
    )
    assert detail["elements"]["code_prefix"] == "8413"
    assert client.get(f"{BASE}/lines/99999999").status_code == 404


def test_lookup_answers_in_one_call(login: Any, owner: Any, demo: None) -> None:
    client = login(owner)
    asked = {"code": "8413602100", "date": "2025-03-01", "origin": "JPN", "proof_of_origin": "true"}
    quote = client.get(f"{BASE}/lookup", asked).json()
    assert (quote["jurisdiction"], quote["origin"], quote["basis"], quote["import_rate"]["text"]) == (
        "CN",
        "JPN",
        "conventional",
        "5.3%",
    )
    assert quote["line"]["valid_from"] == "2025-01-01"
    assert [c["eligible"] for c in quote["candidates"] if c["rate"]["agreement"] == "RCEP"] == [True, False]
    assert quote["vat_rate"] == "13.00"
    unclaimed = client.get(f"{BASE}/lookup", {**asked, "proof_of_origin": "false"}).json()
    assert (unclaimed["basis"], unclaimed["import_rate"]["text"]) == ("mfn", "8%")
    assert "none is claimed" in unclaimed["reason"]
    assert [e["key"] for e in quote["elements"]["elements"]][:2] == ["brand_type", "export_preference"]
    beer = client.get(f"{BASE}/lookup", {"code": "2203000000", "date": "2025-03-01"}).json()
    assert [(c["specific_amount"], c["specific_unit"]) for c in beer["consumption"]] == [("250.0000", "070")]


def test_lookup_errors_name_the_field(login: Any, owner: Any, demo: None) -> None:
    client = login(owner)
    old = client.get(f"{BASE}/lookup", {"code": "8413602100", "date": "2020-01-01"})
    assert old.status_code == 422
    assert problem_fields(old) == {
        "date": "Line 8413602100 is not valid on 2020-01-01; its versions are valid 2024-01-01–2024-12-31, "
        "2025-01-01–open."
    }
    assert list(problem_fields(client.get(f"{BASE}/lookup", {"code": "8413602100", "origin": "XX"}))) == ["origin"]
    assert list(problem_fields(client.get(f"{BASE}/lookup", {"code": "84136021"}))) == ["code"]
    assert list(problem_fields(client.get(f"{BASE}/lookup", {"code": "8413602100", "date": "1.1.2025"}))) == ["date"]
    assert client.get(f"{BASE}/lookup", {"code": "0101210000"}).status_code == 404
    assert client.get(f"{BASE}/lookup").status_code == 422


def test_element_template_of_a_heading(login: Any, owner: Any, demo: None) -> None:
    client = login(owner)
    template = client.get(f"{BASE}/elements", {"code": "8413", "on": "2025-06-01"}).json()
    assert (template["jurisdiction"], template["code_prefix"]) == ("CN", "8413")
    assert client.get(f"{BASE}/elements", {"code": "0101"}).status_code == 404
    assert list(problem_fields(client.get(f"{BASE}/elements", {"code": "8"}))) == ["code"]


def test_line_list_query_count_is_flat(login: Any, owner: Any, demo: None, django_assert_max_num_queries: Any) -> None:
    client = login(owner)
    client.get(f"{BASE}/lines", {"limit": 2})
    with django_assert_max_num_queries(12) as few:
        client.get(f"{BASE}/lines", {"limit": 2})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"{BASE}/lines", {"limit": 200})
