from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cpass.documents.models import Document
from cpass.documents.tests.factories import DocumentFactory
from cpass.organizations.tests.factories import PartnerGrantFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_list_shows_own_and_granted_with_filters(login, enterprise, other_enterprise, make_member):
    DocumentFactory.create(enterprise=enterprise, title="Own contract", category="contract")
    DocumentFactory.create(enterprise=other_enterprise, title="Client invoice")
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, access="read")
    client = login(make_member(enterprise, "viewer").user)
    body = text(client.get(reverse("documents:list")))
    assert "Own contract" in body
    assert "Client invoice" in body
    assert reverse("documents:create") not in body
    filtered = text(client.get(reverse("documents:list"), {"enterprise": other_enterprise.pk}))
    assert ("Own contract" in filtered, "Client invoice" in filtered) == (False, True)
    searched = text(client.get(reverse("documents:list"), {"q": "contract", "category": "contract"}))
    assert ("Own contract" in searched, "Client invoice" in searched) == (True, False)


def test_list_paginates(login, enterprise, owner):
    for i in range(27):
        DocumentFactory.create(enterprise=enterprise, title=f"Doc {i:02d}")
    client = login(owner)
    first = text(client.get(reverse("documents:list"), {"ordering": "title"}))
    second = text(client.get(reverse("documents:list"), {"ordering": "title", "page": 2}))
    assert ("Doc 00" in first, "Doc 25" in first) == (True, False)
    assert ("Doc 25" in second, "Doc 00" in second) == (True, False)
    assert "Page 1 of 2" in first


def test_upload_detail_edit_delete(login, enterprise, make_member):
    client = login(make_member(enterprise, "operator").user)
    response = client.post(
        reverse("documents:create"),
        {
            "enterprise_id": enterprise.pk,
            "title": "Bill of lading COSU123",
            "category": "bill_of_lading",
            "file": SimpleUploadedFile("bl.pdf", b"%PDF bl", "application/pdf"),
        },
    )
    document = Document.objects.unscoped().get(title="Bill of lading COSU123")
    assert response["Location"] == reverse("documents:detail", args=[document.pk])
    detail = client.get(reverse("documents:detail", args=[document.pk]))
    assert detail.status_code == 200
    assert "bl.pdf" in text(detail)
    edit = client.post(reverse("documents:edit", args=[document.pk]), {"title": "", "category": "other"})
    assert edit.status_code == 422
    assert "This field is required." in text(edit)
    assert (
        client.post(reverse("documents:edit", args=[document.pk]), {"title": "BL", "category": "other"}).status_code
        == 302
    )
    document.refresh_from_db()
    assert (document.title, document.category) == ("BL", "other")
    assert client.post(reverse("documents:delete", args=[document.pk])).status_code == 302
    assert not Document.objects.unscoped().filter(pk=document.pk).exists()


def test_upload_errors_inline(login, enterprise, other_enterprise, owner, settings):
    settings.CPASS_MAX_UPLOAD_BYTES = 1_048_576
    client = login(owner)
    big = SimpleUploadedFile("big.bin", b"x" * 1_200_000, "application/octet-stream")
    response = client.post(
        reverse("documents:create"), {"enterprise_id": enterprise.pk, "title": "Big", "category": "other", "file": big}
    )
    assert response.status_code == 422
    assert "The file is 1.1 MB; the largest allowed is 1.0 MB." in text(response)
    foreign = client.post(
        reverse("documents:create"),
        {
            "enterprise_id": other_enterprise.pk,
            "title": "X",
            "category": "other",
            "file": SimpleUploadedFile("a.txt", b"a"),
        },
    )
    assert foreign.status_code == 422
    assert Document.objects.unscoped().count() == 0


def test_viewer_cannot_upload_edit_or_delete(login, enterprise, make_member):
    document = DocumentFactory.create(enterprise=enterprise)
    client = login(make_member(enterprise, "viewer").user)
    assert client.get(reverse("documents:create")).status_code == 403
    assert client.get(reverse("documents:edit", args=[document.pk])).status_code == 403
    assert client.post(reverse("documents:delete", args=[document.pk])).status_code == 403
    assert reverse("documents:edit", args=[document.pk]) not in text(
        client.get(reverse("documents:detail", args=[document.pk]))
    )


def test_foreign_document_is_404_everywhere(login, enterprise, other_enterprise, owner):
    foreign = DocumentFactory.create(enterprise=other_enterprise)
    client = login(owner)
    for name in ("detail", "edit", "download"):
        assert client.get(reverse(f"documents:{name}", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("documents:delete", args=[foreign.pk])).status_code == 404


def test_download_is_an_attachment(login, enterprise, owner):
    document = DocumentFactory.create(enterprise=enterprise, original_name="发票 invoice.pdf")
    response = login(owner).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E5%8F%91%E7%A5%A8%20invoice.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
