"""Writes of documents: upload, change the description, delete. Write access is checked through for_actor."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cpass.core.actor import Actor
from cpass.core.errors import ValidationFailed
from cpass.documents.models import Document, DocumentCategory
from cpass.documents.selectors import document_get


def _clean_title(title: str) -> str:
    value = (title or "").strip()
    if not value:
        raise ValidationFailed.on("title", _("Enter a title for the document."))
    if len(value) > 200:
        raise ValidationFailed.on("title", _("The title can have at most 200 characters."))
    return value


def _clean_category(category: str) -> str:
    if category not in DocumentCategory.values:
        raise ValidationFailed.on("category", _("Choose a category from the list."))
    return category


def _file_facts(file: UploadedFile) -> tuple[str, str, int, str]:
    """Original name, content type, size and SHA-256 of an upload, refusing empty and oversized files."""
    if file is None:
        raise ValidationFailed.on("file", _("Choose a file to upload."))
    size = file.size or 0
    if size == 0:
        raise ValidationFailed.on("file", _("The file is empty."))
    limit = settings.CPASS_MAX_UPLOAD_BYTES
    if size > limit:
        raise ValidationFailed.on(
            "file",
            _("The file is %(size).1f MB; the largest allowed is %(limit).1f MB.")
            % {"size": size / 1_048_576, "limit": limit / 1_048_576},
        )
    # Browsers on Windows may send a full path; keep only the last part.
    name = PurePath((file.name or "").replace("\\", "/")).name.strip()[:255] or "document"
    content_type = (file.content_type or "").split(";")[0].strip().lower()
    if not content_type or content_type == "application/octet-stream":
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return name, content_type[:100], size, digest.hexdigest()


def document_create(
    *, actor: Actor, enterprise_id: int, title: str, category: str, file: UploadedFile, description: str = ""
) -> Document:
    """Upload a file for `enterprise_id`: the actor's own enterprise or a client that gave write access."""
    if enterprise_id not in actor.enterprise_ids_for("documents", "write"):
        raise ValidationFailed.on("enterprise_id", _("You may not upload documents for this enterprise."))
    values = {"title": _clean_title(title), "category": _clean_category(category)}
    original_name, content_type, size, sha256 = _file_facts(file)
    document = Document(
        enterprise_id=enterprise_id,
        description=(description or "").strip(),
        original_name=original_name,
        content_type=content_type,
        size=size,
        sha256=sha256,
        uploaded_by=actor.user,
        **values,
    )
    document.file.save(original_name, file, save=False)
    try:
        with transaction.atomic():
            document.save()
            # Re-read through tenancy inside the transaction: nobody writes what they could not see.
            document = document_get(actor=actor, document_id=document.pk, action="write")
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def document_update(
    *,
    actor: Actor,
    document_id: int,
    title: str | None = None,
    category: str | None = None,
    description: str | None = None,
) -> Document:
    """Change a document's title, category or description (the file itself is immutable)."""
    document = document_get(actor=actor, document_id=document_id, action="write")
    document = Document.objects.for_actor(actor, "write").select_for_update().get(pk=document.pk)
    if title is not None:
        document.title = _clean_title(title)
    if category is not None:
        document.category = _clean_category(category)
    if description is not None:
        document.description = description.strip()
    document.save()
    return document_get(actor=actor, document_id=document.pk, action="write")


@transaction.atomic
def document_delete(*, actor: Actor, document_id: int) -> None:
    """Delete the document; its stored file goes once the transaction has committed."""
    document = document_get(actor=actor, document_id=document_id, action="write")
    name, storage = document.file.name, document.file.storage
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))
