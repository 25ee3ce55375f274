"""An import run: who loaded which file through which importer, and what came of it."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cpass.core.models import TimeStampedModel


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    LOADED = "loaded", _("Loaded")
    PARTLY_LOADED = "partly_loaded", _("Loaded, bad rows skipped")
    REJECTED = "rejected", _("Rejected, nothing saved")
    FAILED = "failed", _("Failed, nothing saved")


FINISHED = {ImportStatus.LOADED, ImportStatus.PARTLY_LOADED, ImportStatus.REJECTED, ImportStatus.FAILED}


def import_upload_to(instance: ImportJob, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:6]
    return f"imports/{instance.kind}/{uuid.uuid4().hex}{suffix}"


class ImportJob(TimeStampedModel):
    """One file through one importer. Platform reference data has no enterprise (staff only);
    enterprise data (products) belongs to the enterprise it was loaded into."""

    kind = models.CharField(_("kind"), max_length=40)
    enterprise = models.ForeignKey(
        "organizations.Enterprise", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    file = models.FileField(_("file"), upload_to=import_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    options = models.JSONField(_("options"), default=dict, blank=True)
    all_or_nothing = models.BooleanField(_("all or nothing"), default=True)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    written = models.PositiveIntegerField(_("written"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    issue_count = models.PositiveIntegerField(_("issues"), default=0)
    #: The first issues, each {"line", "column", "message"} (cpass.imports.framework.MAX_ISSUES).
    issues = models.JSONField(_("issues"), default=list, blank=True)
    #: Why the whole file was refused, when it was.
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["enterprise", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED
