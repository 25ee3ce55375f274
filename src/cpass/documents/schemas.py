"""API shapes of documents."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from ninja import Schema

from cpass.core.api import InputSchema
from cpass.documents.models import Document


class DocumentEnterpriseOut(Schema):
    id: int
    name: str


class DocumentUploaderOut(Schema):
    id: int
    name: str


class DocumentOut(Schema):
    id: int
    enterprise: DocumentEnterpriseOut
    title: str
    category: str
    description: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: DocumentUploaderOut | None
    created_at: datetime
    updated_at: datetime
    download_url: str

    @staticmethod
    def resolve_download_url(obj: Document) -> str:
        return reverse("api-1:document_download", kwargs={"document_id": obj.pk})


class DocumentUpdateIn(InputSchema):
    title: str | None = None
    category: str | None = None
    description: str | None = None
