from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cpass.core.errors import NotFound, PermissionDenied, ValidationFailed
from cpass.documents import services
from cpass.documents.models import Document
from cpass.documents.tests.factories import DocumentFactory
from cpass.organizations.tests.factories import PartnerGrantFactory

pytestmark = pytest.mark.django_db

CONTENT = b"%PDF-1.4 packing list"


def upload(name="packing list.pdf", content=CONTENT, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def create(actor, enterprise_id, **overrides):
    values = {"title": "Packing list PL-1", "category": "packing_list", "file": upload()}
    values.update(overrides)
    return services.document_create(actor=actor, enterprise_id=enterprise_id, **values)


def test_document_create_records_file_facts(enterprise, make_member, make_actor):
    user = make_member(enterprise, "operator").user
    document = create(make_actor(user, enterprise), enterprise.pk, file=upload(name="C:\\Users\\li\\packing list.pdf"))
    assert (document.original_name, document.content_type, document.size) == (
        "packing list.pdf",
        "application/pdf",
        len(CONTENT),
    )
    assert document.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert document.uploaded_by == user
    assert document.file.name.startswith(f"documents/{enterprise.pk}/")
    assert document.file.name.endswith(".pdf")
    assert "packing" not in document.file.name
    assert document.file.read() == CONTENT


def test_document_create_guesses_missing_content_type(enterprise, owner, make_actor):
    document = create(
        make_actor(owner, enterprise), enterprise.pk, file=upload(name="a.txt", content=b"hi", content_type="")
    )
    assert document.content_type == "text/plain"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": " "}, "title", "Enter a title for the document."),
        ({"category": "secret"}, "category", "Choose a category from the list."),
        ({"file": upload(content=b"")}, "file", "The file is empty."),
        ({"file": upload(content=b"x" * 2048)}, "file", "The file is 0.0 MB; the largest allowed is 0.0 MB."),
    ],
)
def test_document_create_rejects_bad_input(enterprise, owner, make_actor, settings, overrides, field, message):
    settings.CPASS_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationFailed) as exc:
        create(make_actor(owner, enterprise), enterprise.pk, **overrides)
    assert {k: [str(m) for m in v] for k, v in exc.value.errors.items()} == {field: [message]}
    assert Document.objects.unscoped().count() == 0


def test_document_create_refuses_viewer_foreign_and_read_grant(enterprise, other_enterprise, make_member, make_actor):
    viewer = make_member(enterprise, "viewer").user
    with pytest.raises(ValidationFailed, match="You may not upload documents for this enterprise."):
        create(make_actor(viewer, enterprise), enterprise.pk)
    operator = make_member(enterprise, "operator").user
    with pytest.raises(ValidationFailed, match="You may not upload documents for this enterprise."):
        create(make_actor(operator, enterprise), other_enterprise.pk)
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, access="read")
    with pytest.raises(ValidationFailed, match="You may not upload documents for this enterprise."):
        create(make_actor(operator, enterprise), other_enterprise.pk)
    assert Document.objects.unscoped().count() == 0


def test_partner_with_write_grant_uploads_for_client(enterprise, other_enterprise, make_member, make_actor):
    PartnerGrantFactory.create(grantor=other_enterprise, grantee=enterprise, access="write")
    operator = make_member(enterprise, "operator").user
    document = create(make_actor(operator, enterprise), other_enterprise.pk)
    assert document.enterprise_id == other_enterprise.pk


def test_document_update(enterprise, make_member, make_actor):
    document = DocumentFactory.create(enterprise=enterprise)
    operator = make_member(enterprise, "operator").user
    updated = services.document_update(
        actor=make_actor(operator, enterprise), document_id=document.pk, title=" New title ", description="Signed"
    )
    assert (updated.title, updated.description, updated.category) == ("New title", "Signed", "invoice")
    with pytest.raises(ValidationFailed, match="Choose a category"):
        services.document_update(actor=make_actor(operator, enterprise), document_id=document.pk, category="x")


def test_document_update_refusals(enterprise, other_enterprise, make_member, make_actor):
    own = DocumentFactory.create(enterprise=enterprise)
    foreign = DocumentFactory.create(enterprise=other_enterprise)
    viewer = make_member(enterprise, "viewer").user
    with pytest.raises(PermissionDenied, match="You may read this document but not change it."):
        services.document_update(actor=make_actor(viewer, enterprise), document_id=own.pk, title="X")
    owner = make_member(enterprise, "owner").user
    with pytest.raises(NotFound):
        services.document_update(actor=make_actor(owner, enterprise), document_id=foreign.pk, title="X")
    foreign.refresh_from_db()
    assert foreign.title != "X"


def test_document_delete_removes_file(
    enterprise, other_enterprise, owner, make_actor, django_capture_on_commit_callbacks
):
    document = DocumentFactory.create(enterprise=enterprise)
    foreign = DocumentFactory.create(enterprise=other_enterprise)
    storage, name = document.file.storage, document.file.name
    with pytest.raises(NotFound):
        services.document_delete(actor=make_actor(owner, enterprise), document_id=foreign.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(actor=make_actor(owner, enterprise), document_id=document.pk)
    assert not Document.objects.unscoped().filter(pk=document.pk).exists()
    assert not storage.exists(name)
    assert Document.objects.unscoped().filter(pk=foreign.pk).exists()
