from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cpass.documents.models import Document
from cpass.documents.tests.factories import DocumentFactory
from cpass.organizations.tests.factories import EnterpriseFactory, PartnerGrantFactory
from cpass.organizations.tests.test_api import token_client

pytestmark = pytest.mark.django_db

BASE = "/api/v1/documents"


def test_list_paginated_filtered_ordered(login, enterprise, other_enterprise, make_member):
    DocumentFactory.create(enterprise=enterprise, title="B own")
    DocumentFactory.create(enterprise=other_enterprise, title="A client")
    DocumentFactory.create(enterprise=EnterpriseFactory.create(), title="Hidden")
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, access="read")
    client = login(make_member(enterprise, "viewer").user)
    body = client.get(BASE, {"ordering": "title", "limit": 1}).json()
    assert (body["count"], [d["title"] for d in body["items"]]) == (2, ["A client"])
    assert [d["title"] for d in client.get(BASE, {"ordering": "title", "offset": 1}).json()["items"]] == ["B own"]
    filtered = client.get(BASE, {"enterprise": enterprise.pk}).json()
    assert [d["enterprise"]["id"] for d in filtered["items"]] == [enterprise.pk]
    bad = client.get(BASE, {"ordering": "sha256"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "ordering"


def test_list_query_count_does_not_grow(login, enterprise, owner, django_assert_max_num_queries):
    client = login(owner)
    for _ in range(3):
        DocumentFactory.create(enterprise=enterprise, uploaded_by=owner)
    client.get(BASE)
    with django_assert_max_num_queries(10) as few:
        client.get(BASE)
    for _ in range(20):
        DocumentFactory.create(enterprise=enterprise, uploaded_by=owner)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(BASE).json()["count"] == 23


def test_upload_and_crud(login, enterprise, other_enterprise, make_member):
    client = login(make_member(enterprise, "operator").user)
    created = client.post(
        BASE,
        {
            "title": "Invoice INV-9",
            "category": "invoice",
            "file": SimpleUploadedFile("inv.pdf", b"%PDF inv", "application/pdf"),
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["enterprise"]["id"], body["original_name"], body["size"]) == (enterprise.pk, "inv.pdf", 8)
    doc_id = body["id"]
    assert client.get(f"{BASE}/{doc_id}").json()["title"] == "Invoice INV-9"
    patched = client.patch(
        f"{BASE}/{doc_id}", data=json.dumps({"title": "INV-9 final"}), content_type="application/json"
    )
    assert (patched.status_code, patched.json()["title"]) == (200, "INV-9 final")
    bad = client.patch(f"{BASE}/{doc_id}", data=json.dumps({"category": "x"}), content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"field": "category", "message": "Choose a category from the list."}]
    download = client.get(body["download_url"])
    assert (download.status_code, b"".join(download.streaming_content)) == (200, b"%PDF inv")
    assert download["Content-Disposition"] == 'attachment; filename="inv.pdf"'
    assert client.delete(f"{BASE}/{doc_id}").status_code == 204
    assert client.get(f"{BASE}/{doc_id}").status_code == 404
    foreign = client.post(
        BASE,
        {
            "title": "X",
            "category": "other",
            "enterprise_id": other_enterprise.pk,
            "file": SimpleUploadedFile("x.txt", b"x"),
        },
    )
    assert foreign.status_code == 422
    assert foreign.json()["errors"] == [
        {"field": "enterprise_id", "message": "You may not upload documents for this enterprise."}
    ]
    missing = client.post(BASE, {"title": "X", "category": "other"})
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["file"]


def test_foreign_document_is_404(login, enterprise, other_enterprise, owner):
    foreign = DocumentFactory.create(enterprise=other_enterprise)
    client = login(owner)
    assert client.get(f"{BASE}/{foreign.pk}").status_code == 404
    assert client.get(f"{BASE}/{foreign.pk}/download").status_code == 404
    assert client.patch(f"{BASE}/{foreign.pk}", data="{}", content_type="application/json").status_code == 404
    assert client.delete(f"{BASE}/{foreign.pk}").status_code == 404
    assert Document.objects.unscoped().filter(pk=foreign.pk).exists()


def test_read_grant_partner_cannot_change(login, enterprise, other_enterprise, make_member):
    doc = DocumentFactory.create(enterprise=other_enterprise)
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, access="read")
    client = login(make_member(enterprise, "admin").user)
    assert client.get(f"{BASE}/{doc.pk}").status_code == 200
    refused = client.delete(f"{BASE}/{doc.pk}")
    assert (refused.status_code, refused.json()["detail"]) == (403, "You may read this document but not change it.")


def test_token_scopes(enterprise, owner):
    DocumentFactory.create(enterprise=enterprise)
    reader = token_client(owner, enterprise, ["documents:read"])
    assert reader.get(BASE).json()["count"] == 1
    refused = reader.post(BASE, {"title": "X", "category": "other", "file": SimpleUploadedFile("x.txt", b"x")})
    assert refused.status_code == 403
    no_scope = token_client(owner, enterprise, ["organization:read"])
    assert no_scope.get(BASE).status_code == 403
