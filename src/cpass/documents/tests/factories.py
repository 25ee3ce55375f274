from __future__ import annotations

import hashlib

import factory
from django.core.files.base import ContentFile

from cpass.documents.models import Document, DocumentCategory
from cpass.organizations.tests.factories import EnterpriseFactory

_CONTENT = b"%PDF-1.4\n% C-pass test document\n"


class DocumentFactory(factory.django.DjangoModelFactory[Document]):
    class Meta:
        model = Document

    enterprise = factory.SubFactory(EnterpriseFactory)
    title = factory.Sequence(lambda n: f"Commercial invoice {n}")
    category = DocumentCategory.INVOICE
    file = factory.LazyFunction(lambda: ContentFile(_CONTENT, name="invoice.pdf"))
    original_name = "invoice.pdf"
    content_type = "application/pdf"
    size = len(_CONTENT)
    sha256 = hashlib.sha256(_CONTENT).hexdigest()
