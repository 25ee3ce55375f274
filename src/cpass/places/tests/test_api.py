from __future__ import annotations

import pytest
from django.test import Client

from cpass.imports.models import ImportJob
from cpass.organizations.tests.test_api import token_client
from cpass.places.tests.factories import locode_csv, locode_row

pytestmark = pytest.mark.django_db

BASE = "/api/v1/places"


def fields(response) -> list[str]:
    assert response["Content-Type"] == "application/problem+json"
    return [error["field"] for error in response.json()["errors"]]


def test_search_and_detail(login, owner, places):
    client = login(owner)
    found = client.get(BASE, {"q": "shanghai", "limit": 2}).json()
    assert (found["count"], [item["unlocode"] for item in found["items"]]) == (4, ["CNSHA", "CNPVG"])
    first = found["items"][0]
    assert (first["is_seaport"], first["is_airport"], first["latitude"], first["coordinates_source"]) == (
        True,
        True,
        "31.230000",
        "unlocode",
    )
    by_country = client.get(BASE, {"country": "de", "function": "airport"}).json()
    assert [item["unlocode"] for item in by_country["items"]] == ["DEHAM", "DEMUC"]
    detail = client.get(f"{BASE}/DEMUC").json()
    assert (detail["name"], detail["name_ascii"], detail["function"]) == ("München", "Munchen", "-2345---")
    assert client.get(f"{BASE}/de muc").json()["unlocode"] == "DEMUC"


def test_not_found_and_bad_input_are_problems(login, owner, places):
    client = login(owner)
    missing = client.get(f"{BASE}/CNZZZ")
    assert (missing.status_code, missing["Content-Type"]) == (404, "application/problem+json")
    assert client.get(f"{BASE}/{'x' * 300}").status_code == 404
    long = client.get(BASE, {"q": "x" * 10_000})
    assert (long.status_code, fields(long)) == (422, ["q"])
    country = client.get(BASE, {"country": "CHN"})
    assert (country.status_code, fields(country)) == (422, ["country"])
    function = client.get(BASE, {"function": "spaceport"})
    assert (function.status_code, fields(function)) == (422, ["function"])
    odd = client.get(BASE, {"q": "'\";%_*()"})
    assert (odd.status_code, odd.json()["count"]) == (200, 0)


def test_anonymous_and_scopes(owner, enterprise, places):
    assert Client().get(BASE).status_code == 401
    assert token_client(owner, enterprise, ["reference:read"]).get(f"{BASE}/CNSHA").status_code == 200
    assert token_client(owner, enterprise, ["documents:read"]).get(f"{BASE}/CNSHA").status_code == 403


def test_search_query_count_is_flat(login, owner, places, django_assert_max_num_queries):
    client = login(owner)
    client.get(BASE, {"q": "sh", "limit": 1})
    with django_assert_max_num_queries(12) as few:
        client.get(BASE, {"q": "sh", "limit": 1})
    # Up to three letters, a page that reaches past the code and name parts reads the later words in one
    # more query; from four, they are in the same one.
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        client.get(BASE, {"q": "sh", "limit": 50})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(BASE, {"q": "shanghai", "limit": 200})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(BASE, {"limit": 200})


def test_loading_locations_is_for_platform_staff_only(login, owner, make_member, enterprise):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(client):
        data = locode_csv(locode_row("NLRTM", "Rotterdam"))
        return client.post(
            "/api/v1/imports", {"kind": "locode", "file": SimpleUploadedFile("ports.csv", data, "text/csv")}
        )

    refused = upload(login(owner))
    assert refused.status_code == 403
    assert ImportJob.objects.count() == 0
    from cpass.accounts.tests.factories import UserFactory

    staff = UserFactory.create(is_staff=True)
    accepted = upload(login(staff))
    assert accepted.status_code == 202
    assert ImportJob.objects.get().kind == "locode"


def test_staff_correct_coordinates_in_the_api_and_on_the_page(login, owner, places):
    from cpass.accounts.tests.factories import UserFactory
    from cpass.audit.models import ObjectChange

    url = f"{BASE}/CNSHB/coordinates"
    body = {"latitude": "31.405", "longitude": "121.489"}
    assert login(owner).put(url, body, content_type="application/json").status_code == 403
    staff = login(UserFactory.create(is_staff=True))
    saved = staff.put(url, body, content_type="application/json")
    assert saved.status_code == 200
    assert (saved.json()["latitude"], saved.json()["coordinates_source"]) == ("31.405000", "corrected")
    assert ObjectChange.objects.filter(object_repr__startswith="CNSHB", action="update").exists()
    for bad, field in (({"latitude": "95"}, "latitude"), ({"longitude": None}, "longitude")):
        response = staff.put(url, {**body, **bad}, content_type="application/json")
        assert (response.status_code, fields(response)) == (422, [field]), bad
    page = staff.get("/places/CNSHB/")
    assert 'data-testid="coordinates-form"' in page.content.decode()
    assert 'data-testid="coordinates-form"' not in login(owner).get("/places/CNSHB/").content.decode()
    wrong = staff.post("/places/CNSHB/", {"latitude": "north", "longitude": "121"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert wrong.status_code == 422
    assert "不是数字" in wrong.content.decode()
    cleared = staff.post("/places/CNSHB/", {"latitude": "", "longitude": ""})
    assert cleared.status_code == 302
    assert login(owner).post("/places/CNSHB/", {"latitude": "1", "longitude": "1"}).status_code == 403
