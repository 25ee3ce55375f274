"""API shapes of documents."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.urls import reverse
from ninja import Schema

from cpass.core.api import InputSchema, one_of, ordering_of
from cpass.documents.models import Document, DocumentCategory
from cpass.documents.selectors import DOCUMENT_ORDERING

DocumentCategoryValue = Annotated[str, one_of(DocumentCategory)]
DocumentOrdering = Annotated[str, ordering_of(DOCUMENT_ORDERING)]


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
    category: DocumentCategoryValue
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
    category: DocumentCategoryValue | None = None
    description: str | None = None
