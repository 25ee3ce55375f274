"""Documents attached to shipments: upload-and-attach, attach an existing one, detach; the documents grants decide
who sees the files; pages and API."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cpass.core.errors import NotFound, ValidationFailed
from cpass.documents.models import Document
from cpass.documents.tests.factories import DocumentFactory
from cpass.organizations.tests.factories import EnterpriseFactory, MembershipFactory, PartnerGrantFactory
from cpass.shipments import selectors, services
from cpass.shipments.models import ShipmentDocument
from cpass.shipments.tests.factories import ShipmentFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name: str = "invoice.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_upload_attach_and_detach(actor, enterprise):
    shipment = ShipmentFactory.create(enterprise=enterprise)
    link = services.shipment_document_upload(
        actor=actor, shipment_id=shipment.pk, title="Commercial invoice CI-7", category="invoice", file=upload()
    )
    assert (link.document.enterprise_id, link.document.title, link.attached_by) == (
        enterprise.pk,
        "Commercial invoice CI-7",
        actor.user,
    )
    existing = DocumentFactory.create(enterprise=enterprise, title="Bill of lading")
    services.shipment_document_attach(actor=actor, shipment_id=shipment.pk, document_id=existing.pk)
    services.shipment_document_attach(actor=actor, shipment_id=shipment.pk, document_id=existing.pk)
    assert [d.title for d in selectors.shipment_documents(actor=actor, shipment=shipment)] == [
        "Bill of lading",
        "Commercial invoice CI-7",
    ]
    assert selectors.attachable_documents(actor=actor, shipment=shipment) == []
    services.shipment_document_detach(actor=actor, shipment_id=shipment.pk, document_id=existing.pk)
    assert Document.objects.unscoped().filter(pk=existing.pk).exists()
    with pytest.raises(NotFound):
        services.shipment_document_detach(actor=actor, shipment_id=shipment.pk, document_id=existing.pk)


def test_a_bad_upload_leaves_nothing_behind(actor, enterprise):
    shipment = ShipmentFactory.create(enterprise=enterprise)
    with pytest.raises(ValidationFailed) as exc:
        services.shipment_document_upload(
            actor=actor, shipment_id=shipment.pk, title="", category="nonsense", file=upload()
        )
    assert "title" in exc.value.errors
    assert not Document.objects.unscoped().exists()
    assert not ShipmentDocument.objects.unscoped().exists()


def test_another_enterprise_document_cannot_be_attached(actor, enterprise):
    shipment = ShipmentFactory.create(enterprise=enterprise)
    foreign = DocumentFactory.create()
    with pytest.raises(ValidationFailed) as exc:
        services.shipment_document_attach(actor=actor, shipment_id=shipment.pk, document_id=foreign.pk)
    assert list(exc.value.errors) == ["document_id"]


def test_a_partner_sees_attached_files_only_with_a_documents_grant(actor, enterprise, make_actor):
    shipment = ShipmentFactory.create(enterprise=enterprise)
    services.shipment_document_attach(
        actor=actor, shipment_id=shipment.pk, document_id=DocumentFactory.create(enterprise=enterprise).pk
    )
    broker = EnterpriseFactory.create()
    user = MembershipFactory.create(enterprise=broker, role="owner").user
    PartnerGrantFactory.create(grantor=enterprise, grantee=broker, module="shipments", access="write")
    partner = make_actor(user, broker)
    assert list(selectors.shipment_documents(actor=partner, shipment=shipment)) == []
    PartnerGrantFactory.create(grantor=enterprise, grantee=broker, module="documents", access="read")
    partner = make_actor(user, broker)
    assert len(selectors.shipment_documents(actor=partner, shipment=shipment)) == 1


def test_the_documents_tab_uploads_and_lists(login, owner, enterprise):
    shipment = ShipmentFactory.create(enterprise=enterprise)
    client = login(owner)
    url = f"/shipments/{shipment.pk}/"
    page = client.get(url + "?tab=documents")
    assert page.status_code == 200
    assert b"No documents attached yet." in page.content
    bad = client.post(url + "documents/upload/", {"u-title": "", "u-category": "invoice", "u-file": upload()})
    assert bad.status_code == 422
    assert b"This field is required." in bad.content
    good = client.post(
        url + "documents/upload/", {"u-title": "Packing list", "u-category": "packing_list", "u-file": upload()}
    )
    assert good.status_code == 302
    page = client.get(url + "?tab=documents", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "Packing list" in page.content.decode()
    document = Document.objects.unscoped().get()
    assert client.post(url + f"documents/{document.pk}/detach/").status_code == 302
    assert not ShipmentDocument.objects.unscoped().exists()


def test_the_api_uploads_attaches_lists_and_detaches(login, owner, enterprise):
    shipment = ShipmentFactory.create(enterprise=enterprise)
    client = login(owner)
    base = f"/api/v1/shipments/{shipment.pk}/documents"
    created = client.post(base, {"title": "Invoice", "category": "invoice", "file": upload()})
    assert created.status_code == 201, created.content
    other = DocumentFactory.create(enterprise=enterprise, title="Certificate of origin")
    attached = client.post(base + "/attach", json.dumps({"document_id": other.pk}), content_type="application/json")
    assert attached.status_code == 201
    assert sorted(item["title"] for item in client.get(base).json()) == ["Certificate of origin", "Invoice"]
    refused = client.post(base + "/attach", json.dumps({"document_id": 999999}), content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "document_id"
    assert client.delete(f"{base}/{other.pk}").status_code == 204
    assert client.get(f"/api/v1/shipments/{ShipmentFactory.create().pk}/documents").status_code == 404
