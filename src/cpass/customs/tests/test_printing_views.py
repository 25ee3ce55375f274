"""The PDF pages and API operations: inline PDFs with their file names, the language, and the authorization
matrix (anonymous, another tenant, no enterprise, viewer, partner with and without the module's grant, token
scopes); 503 when PDFs cannot be made here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cpass.accounts.tests.factories import UserFactory, make_api_token
from cpass.customs.printing import pdf as pdf_module
from cpass.customs.printing import render
from cpass.customs.printing.pdf import Pdf
from cpass.customs.tests import test_printing as _printing
from cpass.organizations.choices import Access
from cpass.organizations.tests.factories import EnterpriseFactory, PartnerGrantFactory

pytestmark = pytest.mark.django_db

# The documents' fixtures (a declaration with items, a shipment with goods and containers, the calculation).
calculation = _printing.calculation
declaration = _printing.declaration
shipment = _printing.shipment


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """WeasyPrint replaced by a recorder (the reads, tenancy and HTML stay real): what each PDF was asked."""
    calls: list[dict[str, Any]] = []

    def write_pdf(html: str, *, files: Any, filename: str) -> Pdf:
        calls.append({"html": html, "filename": filename})
        return Pdf(content=b"%PDF-1.7 test", pages=1, filename=filename)

    monkeypatch.setattr(render, "_write_pdf", write_pdf)
    return calls


def draft_url(declaration_id: int) -> str:
    return f"/customs/declarations/{declaration_id}/draft.pdf"


# -- pages ------------------------------------------------------------------------------------------


def test_pages_show_real_pdfs_inline(login, owner, declaration, shipment, calculation):
    client = login(owner)
    for url, name in [
        (draft_url(declaration.pk), "DC-2026-00042-draft.pdf"),
        (f"/shipments/{shipment.pk}/invoice.pdf", "IM-2026-00042-invoice.pdf"),
        (f"/shipments/{shipment.pk}/packing-list.pdf", "IM-2026-00042-packing-list.pdf"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'inline; filename="{name}"'
        assert response.content.startswith(b"%PDF-")
        assert response["Content-Length"] == str(len(response.content))


def test_language_of_the_page_and_the_override(login, owner, shipment, rendered):
    client = login(owner)
    url = f"/shipments/{shipment.pk}/invoice.pdf"
    assert client.get(url).status_code == 200
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="zh-Hans").status_code == 200
    assert client.get(url + "?lang=zh").status_code == 200
    assert client.get(url + "?lang=en", HTTP_ACCEPT_LANGUAGE="zh-Hans").status_code == 200
    languages = [call["html"].split('<html lang="', 1)[1].split('"', 1)[0] for call in rendered]
    assert languages == ["en", "zh-Hans", "zh-Hans", "en"]
    refused = client.get(url + "?lang=fr")
    assert refused.status_code == 422
    assert "Choose the document&#x27;s language: en or zh-hans." in refused.content.decode()
    assert len(rendered) == 4


def test_page_authorization(client, login, owner, enterprise, declaration, shipment, make_member, rendered):
    urls = [draft_url(declaration.pk), f"/shipments/{shipment.pk}/invoice.pdf"]
    for url in urls:
        anonymous = client.get(url)
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith("/accounts/login/")
    stranger = make_member(EnterpriseFactory.create(), "owner").user
    viewer = make_member(enterprise, "viewer").user
    homeless = UserFactory.create()
    for url in urls:
        assert login(stranger).get(url).status_code == 404
        assert login(homeless).get(url).status_code == 404
        assert login(viewer).get(url).status_code == 200  # printing is reading
    assert len(rendered) == 2


def test_partner_prints_what_its_grants_cover(login, enterprise, declaration, shipment, make_member, rendered):
    broker = EnterpriseFactory.create(name="Broker Ltd.")
    PartnerGrantFactory.create(grantor=enterprise, grantee=broker, module="shipments", access=Access.READ)
    member = make_member(broker, "operator").user
    client = login(member)
    assert client.get(f"/shipments/{shipment.pk}/packing-list.pdf").status_code == 200
    assert client.get(draft_url(declaration.pk)).status_code == 404  # no customs grant
    PartnerGrantFactory.create(grantor=enterprise, grantee=broker, module="customs", access=Access.READ)
    assert login(member).get(draft_url(declaration.pk)).status_code == 200


def test_page_without_pango_says_pdfs_are_unavailable(login, owner, shipment, monkeypatch):
    def no_pango() -> Any:
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf_module, "_import_weasyprint", no_pango)
    response = login(owner).get(f"/shipments/{shipment.pk}/invoice.pdf")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "PDFs are unavailable" in page
    assert "the PDF renderer (WeasyPrint with the Pango library) is not installed" in page


def test_only_get(login, owner, shipment, rendered):
    assert login(owner).post(f"/shipments/{shipment.pk}/invoice.pdf").status_code == 405


# -- API ------------------------------------------------------------------------------------------------


def bearer(user, enterprise, scopes: list[str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_api_token(user, enterprise, scopes=scopes)}"}


def test_api_returns_the_pdf(owner, enterprise, declaration, shipment, rendered):
    client = Client()
    customs = bearer(owner, enterprise, ["customs:read"])
    shipments = bearer(owner, enterprise, ["shipments:read"])
    draft = client.get(f"/api/v1/customs/declarations/{declaration.pk}/draft.pdf?lang=zh-hans", headers=customs)
    assert draft.status_code == 200
    assert (draft["Content-Type"], draft["Content-Disposition"]) == (
        "application/pdf",
        'inline; filename="DC-2026-00042-draft.pdf"',
    )
    assert draft.content == b"%PDF-1.7 test"
    invoice = client.get(f"/api/v1/shipments/{shipment.pk}/invoice.pdf", headers=shipments)
    packing = client.get(f"/api/v1/shipments/{shipment.pk}/packing-list.pdf", headers=shipments)
    assert (invoice.status_code, packing.status_code) == (200, 200)
    assert [call["filename"] for call in rendered] == [
        "DC-2026-00042-draft.pdf",
        "IM-2026-00042-invoice.pdf",
        "IM-2026-00042-packing-list.pdf",
    ]
    assert '<html lang="zh-Hans">' in rendered[0]["html"]


def test_api_authorization(owner, enterprise, declaration, shipment, make_member, rendered):
    client = Client()
    invoice = f"/api/v1/shipments/{shipment.pk}/invoice.pdf"
    draft = f"/api/v1/customs/declarations/{declaration.pk}/draft.pdf"
    assert client.get(invoice).status_code == 401
    wrong_scope = client.get(draft, headers=bearer(owner, enterprise, ["shipments:read"]))
    assert wrong_scope.status_code == 403
    assert wrong_scope["Content-Type"] == "application/problem+json"
    assert client.get(invoice, headers=bearer(owner, enterprise, ["customs:read"])).status_code == 403
    other = EnterpriseFactory.create()
    stranger = make_member(other, "owner").user
    foreign = client.get(invoice, headers=bearer(stranger, other, ["shipments:read", "customs:read"]))
    assert foreign.status_code == 404
    assert foreign.json()["title"] == "Not found"
    assert client.get(draft, headers=bearer(stranger, other, ["customs:read"])).status_code == 404
    bad_language = client.get(invoice + "?lang=de", headers=bearer(owner, enterprise, ["shipments:read"]))
    assert bad_language.status_code == 422
    assert bad_language.json()["errors"] == [
        {"field": "lang", "message": "Choose the document's language: en or zh-hans."}
    ]
    assert rendered == []


def test_api_without_pango_is_a_503_problem(owner, enterprise, shipment, monkeypatch):
    def no_pango() -> Any:
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf_module, "_import_weasyprint", no_pango)
    response = Client().get(
        f"/api/v1/shipments/{shipment.pk}/packing-list.pdf", headers=bearer(owner, enterprise, ["shipments:read"])
    )
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "PDFs are unavailable"
    assert "WeasyPrint with the Pango library" in body["detail"]


def test_openapi_documents_the_pdf_responses(owner, login):
    schema = login(owner).get("/api/v1/openapi.json").json()
    for route in (
        "/api/v1/customs/declarations/{declaration_id}/draft.pdf",
        "/api/v1/shipments/{shipment_id}/invoice.pdf",
        "/api/v1/shipments/{shipment_id}/packing-list.pdf",
    ):
        operation = schema["paths"][route]["get"]
        assert operation["responses"]["200"]["content"] == {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}}
        }, route
        assert set(operation["responses"]) >= {"200", "404", "503"}
        problem = operation["responses"]["503"]["content"]["application/problem+json"]["schema"]
        assert {"type", "title", "status", "detail"} <= set(problem["properties"])
        assert [p["name"] for p in operation["parameters"]][-1] == "lang"
