"""Idempotency-Key on a real operation: a retried upload creates one document, not two."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cpass.documents.models import Document


@pytest.mark.django_db
def test_retried_upload_with_the_same_key_creates_one_document(owner, enterprise, login) -> None:  # type: ignore[no-untyped-def]
    client = login(owner)

    def upload() -> object:
        return client.post(
            "/api/v1/documents",
            data={
                "enterprise_id": enterprise.pk,
                "title": "Commercial invoice 8841",
                "category": "invoice",
                "file": SimpleUploadedFile("ci-8841.pdf", b"%PDF-1.4 invoice", content_type="application/pdf"),
            },
            HTTP_IDEMPOTENCY_KEY="upload-ci-8841",
        )

    first, second = upload(), upload()
    assert first.status_code == 201, first.content
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert Document.objects.unscoped().filter(enterprise=enterprise).count() == 1
