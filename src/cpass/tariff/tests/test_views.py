"""The tariff pages: browse, line detail, lookup; the upload page of the tariff importers renders."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cpass.tariff.models import TariffLine

pytestmark = pytest.mark.django_db


def test_browse_from_sections_to_lines(login: Any, owner: Any, demo: None) -> None:
    client = login(owner)
    index = client.get("/tariff/").content.decode()
    assert "Vegetable products" in index
    assert "Load a tariff file" not in index
    heading = client.get("/tariff/", {"node": "8413"}).content.decode()
    lines = heading.split('data-testid="tariff-lines"')[1]
    assert lines.count("8413602100") == 2
    dated = client.get("/tariff/", {"node": "8413", "on": "2024-06-01"}).content.decode()
    assert dated.split('data-testid="tariff-lines"')[1].count("2024-12-31") == 1
    bad = client.get("/tariff/", {"code": "84x"}).content.decode()
    assert "“84x”: a code prefix has digits only." in bad
    assert client.get("/tariff/", {"node": "ZZ"}).status_code == 404
    assert Client().get("/tariff/").status_code == 302


def test_line_page_shows_rates_units_conditions_and_history(login: Any, owner: Any, demo: None) -> None:
    client = login(owner)
    coffee = TariffLine.objects.get(code="0901110000")
    page = client.get(f"/tariff/lines/{coffee.pk}/").content.decode()
    assert "035</span> Kilogram" in page
    assert "CN-ASEAN" in page
    assert "P.R/Q.S" in page
    assert "Brand type" in page
    pump = TariffLine.objects.get(code="8413602100", valid_from="2024-01-01")
    history = client.get(f"/tariff/lines/{pump.pk}/").content.decode().split('data-testid="versions"')[1]
    assert "2024-12-31" in history
    assert "this version" in history
    assert client.get("/tariff/lines/99999999/").status_code == 404


def test_lookup_page_shows_the_quote_or_the_error_inline(login: Any, owner: Any, demo: None) -> None:
    client = login(owner)
    assert 'data-testid="import-rate"' not in client.get("/tariff/lookup/").content.decode()
    asked = {"code": "8413602100", "date": "2025-03-01", "origin": "KOR"}
    quote = client.get("/tariff/lookup/", {**asked, "proof_of_origin": "on"})
    body = quote.content.decode()
    assert quote.status_code == 200
    assert "The conventional rate under CN-KR, 2.4%, is lower than the MFN rate 8%" in body
    unclaimed = client.get("/tariff/lookup/", asked).content.decode()
    assert "none is claimed, so it is not used" in unclaimed
    old = client.get("/tariff/lookup/", {"code": "8413602100", "date": "2020-01-01"}).content.decode()
    assert 'class="errorlist"><li>Line 8413602100 is not valid on 2020-01-01' in old
    unknown = client.get("/tariff/lookup/", {"code": "0101210000"}).content.decode()
    assert "CN has no tariff line 0101210000." in unknown


def test_lookup_code_field_suggests_lines_of_the_chosen_jurisdiction(login: Any, owner: Any, demo: None) -> None:
    """The code field's typeahead sends the jurisdiction select's value, not a fixed CN."""
    page = login(owner).get("/tariff/lookup/").content.decode()
    field = page.split('name="code"')[1].split(">")[0]
    assert 'hx-get="/classification/typeahead/?field=code"' in field
    assert 'hx-include="#id_jurisdiction"' in field
    assert 'id="id_jurisdiction"' in page


def test_pages_in_chinese(login: Any, owner: Any, demo: None) -> None:
    client = login(owner)
    client.cookies["cpass_language"] = "zh-hans"
    page = client.get("/tariff/lookup/", {"code": "8413602100", "date": "2025-03-01", "origin": "KOR"}).content.decode()
    assert "税则查询" in page
    assert "液压齿轮泵" in page


def test_staff_see_the_load_link_and_the_tariff_upload_page_renders(login: Any, staff: Any) -> None:
    """No jurisdiction yet: the form must still render (options are checked on upload, not on render)."""
    client = login(staff)
    assert "Load a tariff file" in client.get("/tariff/").content.decode()
    for kind in ("tariff", "declaration-elements", "hs-nomenclature", "us-hts"):
        response = client.get("/imports/new/", {"kind": kind})
        assert response.status_code == 200, kind
    refused = client.post(
        "/imports/new/?kind=tariff",
        {"file": _upload(), "option_jurisdiction": "CN", "all_or_nothing": "on"},
    )
    assert refused.status_code == 200
    assert "There is no jurisdiction “CN” (known: none yet)." in refused.content.decode()


def _upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("t.csv", b"code,mfn,valid_from\n8413602100,8%,2025-01-01\n", content_type="text/csv")
