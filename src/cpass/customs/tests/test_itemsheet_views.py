"""The item sheet's pages and API operations: template, upload (then the import's page), exports, and who may do
what (anonymous, another tenant, a viewer, a token without the customs scope)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from cpass.accounts.tests.factories import make_api_token
from cpass.customs.choices import DeclarationStatus
from cpass.customs.itemsheet.excel import LIST_COLUMNS
from cpass.customs.itemsheet.importers import COLUMN_TITLES
from cpass.customs.models import Declaration, DeclarationItem
from cpass.customs.tests.factories import DeclarationFactory, DeclarationItemFactory
from cpass.customs.tests.test_itemsheet_import import csv_bytes, row, xlsx_bytes
from cpass.imports.models import ImportJob, ImportStatus

pytestmark = pytest.mark.django_db
API = "/api/v1/customs/declarations"


@pytest.fixture
def declaration(enterprise, demo) -> Declaration:
    return DeclarationFactory.create(enterprise=enterprise, declaration_date=dt.date(2026, 3, 2))


@pytest.fixture
def client(login, owner) -> Client:
    return login(owner)


def _csv(rows: list[dict[str, str]]) -> SimpleUploadedFile:
    return SimpleUploadedFile("items.csv", csv_bytes(rows), content_type="text/csv")


def _sheet(response: Any) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(values) for values in book.worksheets[0].iter_rows(values_only=True)]


def test_the_template_has_the_header_lists_and_instructions(client, declaration) -> None:
    response = client.get(f"/customs/declarations/{declaration.pk}/items/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'filename="{declaration.reference}-items-template.xlsx"')
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    assert [cell.value for cell in sheet[1]] == [title.title for title in COLUMN_TITLES]
    assert book.sheetnames[1:] == ["Codes", "Instructions"]
    codes = book["Codes"]
    assert "035" in [cell.value for cell in codes["A"]]
    assert "EUR" in [cell.value for cell in codes["C"]]
    lists = {str(validation.sqref): validation.formula1 for validation in sheet.data_validations.dataValidation}
    assert any(formula.startswith("=Codes!$A$2") for formula in lists.values())
    instructions = [cell.value for cell in book["Instructions"]["B"]]
    assert any(declaration.reference in str(text) for text in instructions)


def test_the_template_in_chinese(client, declaration) -> None:
    url = f"/customs/declarations/{declaration.pk}/items/template.xlsx"
    with translation.override("zh-hans"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.worksheets[0]["A1"].value == "商品编号 / Commodity code"
    assert book.worksheets[0]["D1"].value == "规格型号(申报要素) / Specification (declaration elements)"


def test_upload_then_the_job_page_and_the_items(client, declaration, django_capture_on_commit_callbacks) -> None:
    page = client.get(f"/customs/declarations/{declaration.pk}/items/import")
    assert page.status_code == 200
    assert f"/customs/declarations/{declaration.pk}/items/template.xlsx" in page.content.decode()
    data = xlsx_bytes([row(name=f"泵 {n}") for n in range(60)])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/customs/declarations/{declaration.pk}/items/import",
            {"file": SimpleUploadedFile("items.xlsx", data)},
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{job.pk}/"
    job.refresh_from_db()
    assert (job.status, job.written, job.kind) == (ImportStatus.LOADED, 60, "declaration_items")
    assert client.get(response["Location"]).status_code == 200
    assert DeclarationItem.objects.unscoped().filter(declaration=declaration).count() == 50
    part = Declaration.objects.unscoped().get(split_from=declaration)
    assert DeclarationItem.objects.unscoped().filter(declaration=part).count() == 10

    export = client.get(f"/customs/declarations/{declaration.pk}/items/export.xlsx")
    rows = _sheet(export)
    assert rows[0] == [title.title for title in COLUMN_TITLES]
    assert len(rows) == 51
    assert rows[1][:5] == ["8413602100", None, "泵 0", "4|3|液压系统用|齿轮式|Bosch Rexroth|HGP-40|||", 10]


def test_an_exported_file_loads_back(client, declaration, enterprise, django_capture_on_commit_callbacks) -> None:
    DeclarationItemFactory.create(enterprise=enterprise, declaration=declaration, item_number=1, legal_quantity_2=12.5)
    export = client.get(f"/customs/declarations/{declaration.pk}/items/export.xlsx")
    data = b"".join(export.streaming_content)
    other = DeclarationFactory.create(enterprise=enterprise, declaration_date=declaration.declaration_date)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/customs/declarations/{other.pk}/items/import", {"file": SimpleUploadedFile("x.xlsx", data)})
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.LOADED, job.issues
    copied = DeclarationItem.objects.unscoped().get(declaration=other)
    original = DeclarationItem.objects.unscoped().get(declaration=declaration)
    fields = ("hs_code", "name", "quantity", "legal_quantity_2", "unit_price", "total_price", "currency")
    assert [getattr(copied, f) for f in fields] == [getattr(original, f) for f in fields]


def test_a_bad_upload_is_shown_on_the_form(client, declaration) -> None:
    response = client.post(
        f"/customs/declarations/{declaration.pk}/items/import", {"file": SimpleUploadedFile("items.txt", b"x")}
    )
    assert response.status_code == 400
    assert "is not a CSV, XLSX or JSON file" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_declaration_list_exports_with_its_filters(client, declaration, enterprise, other_enterprise) -> None:
    DeclarationFactory.create(enterprise=enterprise, status=DeclarationStatus.RELEASED)
    DeclarationFactory.create(enterprise=other_enterprise)
    DeclarationItemFactory.create(enterprise=enterprise, declaration=declaration)
    rows = _sheet(client.get("/customs/declarations/export.xlsx?status=draft"))
    assert rows[0] == [column.title for column in LIST_COLUMNS]
    assert [r[0] for r in rows[1:]] == [declaration.reference]
    assert rows[1][LIST_COLUMNS.index(next(c for c in LIST_COLUMNS if c.name == "item_count"))] == 1
    assert len(_sheet(client.get("/customs/declarations/export.xlsx"))) == 3
    refused = client.get("/customs/declarations/export.xlsx?status=nonsense")
    assert refused.status_code == 400
    assert "is not a declaration status" in refused.content.decode()


# -- the API -------------------------------------------------------------------------------------------


def test_api_template_import_and_export(client, declaration, django_capture_on_commit_callbacks) -> None:
    template = client.get(f"{API}/{declaration.pk}/items/template.xlsx")
    assert template.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{API}/{declaration.pk}/items/import",
            {"file": _csv([row(), row(quantity="-2")])},
            HTTP_IDEMPOTENCY_KEY="k-1",
        )
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["kind"], body["options"]) == ("declaration_items", {"declaration": str(declaration.pk)})
    job = ImportJob.objects.get(pk=body["id"])
    assert job.status == ImportStatus.REJECTED
    assert job.issues[0]["line"] == 3
    assert not DeclarationItem.objects.unscoped().exists()
    export = client.get(f"{API}/export.xlsx?direction=import")
    assert export.status_code == 200
    refused = client.get(f"{API}/export.xlsx?status=nonsense")
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"


# -- authorization ---------------------------------------------------------------------------------------

PAGES = ("items/template.xlsx", "items/export.xlsx", "items/import")


@pytest.mark.parametrize("suffix", PAGES)
def test_anonymous_is_sent_to_sign_in(declaration, suffix) -> None:
    response = Client().get(f"/customs/declarations/{declaration.pk}/{suffix}")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Client().get(f"{API}/{declaration.pk}/{suffix}").status_code in (401, 405)


@pytest.mark.parametrize("suffix", PAGES)
def test_another_enterprises_declaration_is_not_found(client, other_enterprise, demo, suffix) -> None:
    foreign = DeclarationFactory.create(enterprise=other_enterprise)
    assert client.get(f"/customs/declarations/{foreign.pk}/{suffix}").status_code == 404
    if suffix != "items/import":
        assert client.get(f"{API}/{foreign.pk}/{suffix}").status_code == 404
    response = client.post(f"{API}/{foreign.pk}/items/import", {"file": _csv([row()])})
    assert response.status_code == 404
    assert not ImportJob.objects.exists()


def test_a_viewer_reads_but_may_not_import(declaration, enterprise, make_member, login) -> None:
    viewer = login(make_member(enterprise, "viewer").user)
    assert viewer.get(f"/customs/declarations/{declaration.pk}/items/template.xlsx").status_code == 200
    assert viewer.get(f"/customs/declarations/{declaration.pk}/items/export.xlsx").status_code == 200
    assert viewer.get(f"/customs/declarations/{declaration.pk}/items/import").status_code == 403
    page = viewer.post(
        f"/customs/declarations/{declaration.pk}/items/import",
        {"file": _csv([row()])},
    )
    assert page.status_code == 403
    api = viewer.post(f"{API}/{declaration.pk}/items/import", {"file": _csv([row()])})
    assert api.status_code == 403
    assert not ImportJob.objects.exists()


def test_a_token_needs_the_customs_scope(declaration, enterprise, owner) -> None:
    reader = Client(HTTP_AUTHORIZATION=f"Bearer {make_api_token(owner, enterprise, scopes=['customs:read'])}")
    assert reader.get(f"{API}/{declaration.pk}/items/template.xlsx").status_code == 200
    refused = reader.post(f"{API}/{declaration.pk}/items/import", {"file": _csv([row()])})
    assert refused.status_code == 403
    other = Client(HTTP_AUTHORIZATION=f"Bearer {make_api_token(owner, enterprise, scopes=['products:read'])}")
    assert other.get(f"{API}/{declaration.pk}/items/export.xlsx").status_code == 403
    assert not ImportJob.objects.exists()
