"""Files an enterprise keeps on the platform (单证): theirs to upload, download and delete."""

from __future__ import annotations

import re
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cpass.core.models import TenantOwned


class DocumentCategory(models.TextChoices):
    CONTRACT = "contract", _("Contract")
    INVOICE = "invoice", _("Commercial invoice")
    PACKING_LIST = "packing_list", _("Packing list")
    BILL_OF_LADING = "bill_of_lading", _("Bill of lading / air waybill")
    CERTIFICATE = "certificate", _("Certificate (origin, inspection, licence)")
    OTHER = "other", _("Other")


def document_upload_to(instance: Document, filename: str) -> str:
    """A random stored name per upload: the person's file name is kept in `original_name` only,
    so it can never collide, overwrite another file or carry path tricks onto the disk."""
    suffix = PurePosixPath(filename).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,10}", suffix):
        suffix = ""
    return f"documents/{instance.enterprise_id}/{uuid.uuid4().hex}{suffix}"


class Document(TenantOwned):
    """An uploaded file owned by one enterprise; partners see it through a `documents` grant."""

    tenant_module = "documents"

    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=32, choices=DocumentCategory.choices)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(_("file"), upload_to=document_upload_to)
    original_name = models.CharField(max_length=255, verbose_name=_("file name"))
    content_type = models.CharField(max_length=100, verbose_name=_("file type"))
    size = models.PositiveBigIntegerField(verbose_name=_("size"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )

    class Meta:
        ordering = ["-created_at"]
        # Lists show an enterprise's newest documents first.
        indexes = [models.Index(fields=["enterprise", "-created_at"], name="documents_newest_idx")]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title
