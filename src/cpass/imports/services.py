"""Writes of import runs: accept an upload (checked, stored, queued on commit) and run it in the worker."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cpass.core.actor import Actor
from cpass.core.context import acting_as
from cpass.core.errors import ServiceError, ValidationFailed
from cpass.imports.framework import FileRejected, file_format, run_import
from cpass.imports.models import ImportJob, ImportStatus
from cpass.imports.selectors import progress_key, require_may_run

logger = logging.getLogger(__name__)

#: Seconds between progress writes to the cache during a run.
PROGRESS_INTERVAL = 0.5


def import_job_create(
    *, actor: Actor, kind: str, file: UploadedFile | None, options: dict[str, str], all_or_nothing: bool = True
) -> ImportJob:
    """Check the actor, the file and the options, store the file and queue the run after commit."""
    importer = require_may_run(actor, kind)
    if file is None or not file.size:
        raise ValidationFailed.on("file", _("Choose a non-empty file to load."))
    limit = settings.CPASS_MAX_IMPORT_BYTES
    if file.size > limit:
        raise ValidationFailed.on(
            "file",
            _("The file is %(size).1f MB; the limit here is %(limit).1f MB (use the command line for more).")
            % {"size": file.size / 1_048_576, "limit": limit / 1_048_576},
        )
    name = (file.name or "").replace("\\", "/").rsplit("/", 1)[-1][:255]
    fmt = file_format(name)
    if fmt not in importer.formats:
        raise FileRejected.because(
            _("%(kind)s files must be %(formats)s.")
            % {"kind": importer.label, "formats": ", ".join(f.upper() for f in importer.formats)}
        )
    clean_options = {key: str(value) for key, value in options.items() if str(value).strip()}
    importer(actor=actor, options=clean_options)  # validates the options now, before anything is stored
    job = ImportJob.objects.create(
        kind=kind,
        enterprise=actor.enterprise if importer.scope == "enterprise" else None,
        created_by=actor.user,
        file=file,
        original_name=name,
        size=file.size,
        options=clean_options,
        all_or_nothing=all_or_nothing,
    )
    from cpass.imports.tasks import import_job_run_task

    transaction.on_commit(lambda: import_job_run_task(job.pk))
    return job


def _claim(job_id: int) -> bool:
    """Move a queued run to running; False if another worker (or a retry) already took it."""
    return bool(
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
            status=ImportStatus.RUNNING, started_at=timezone.now()
        )
    )


def import_job_run(job_id: int) -> ImportJob | None:
    """Run a queued import once (idempotent: a run already taken is left alone)."""
    if not _claim(job_id):
        return None
    job = ImportJob.objects.select_related("created_by", "enterprise").get(pk=job_id)
    last_write = 0.0

    def progress(rows: int, fraction: float | None) -> None:
        nonlocal last_write
        now = time.monotonic()
        if now - last_write >= PROGRESS_INTERVAL or fraction == 1.0:
            cache.set(progress_key(job_id), {"rows": rows, "fraction": fraction}, timeout=3600)
            last_write = now

    # The report (row errors, column titles, the failure) is written in the uploader's language, not the
    # worker's: the page and the API show it as stored.
    language = job.created_by.language if job.created_by is not None else settings.LANGUAGE_CODE
    with translation.override(language):
        fields: dict[str, Any] = {}
        try:
            actor = _run_actor(job)
            importer = require_may_run(actor, job.kind)(actor=actor, options=job.options)
            with job.file.open("rb") as stream, acting_as(job.created_by_id, job.enterprise_id):
                result = run_import(
                    importer,
                    stream,
                    filename=job.original_name,
                    size=job.size,
                    all_or_nothing=job.all_or_nothing,
                    progress=progress,
                )
            if not result.committed:
                status = ImportStatus.REJECTED
            elif result.issue_count:
                status = ImportStatus.PARTLY_LOADED
            else:
                status = ImportStatus.LOADED
            fields = {
                "status": status,
                "rows": result.rows,
                "written": result.written,
                "skipped": result.skipped,
                "issue_count": result.issue_count,
                "issues": [issue.as_dict() for issue in result.issues],
            }
        except ServiceError as exc:
            messages = [str(message) for field_messages in exc.errors.values() for message in field_messages]
            fields = {"status": ImportStatus.FAILED, "error": " ".join(messages) or str(exc.detail)}
        except Exception:
            logger.exception("import %s (%s) failed", job_id, job.kind)
            fields = {"status": ImportStatus.FAILED, "error": _("The import failed unexpectedly; nothing was saved.")}
            raise
        finally:
            fields["finished_at"] = timezone.now()
            ImportJob.objects.filter(pk=job_id).update(**fields)
            cache.delete(progress_key(job_id))
    job.refresh_from_db()
    return job


def _run_actor(job: ImportJob) -> Actor:
    """The uploader as they are now: a person who lost the right since uploading cannot load."""
    from cpass.organizations.selectors import actor_for

    if job.created_by is None or not job.created_by.is_active:
        raise ValidationFailed.on("created_by", _("The person who uploaded this file can no longer load it."))
    actor = actor_for(user=job.created_by, enterprise_id=job.enterprise_id)
    if job.enterprise_id is not None and actor.enterprise_id != job.enterprise_id:
        raise ValidationFailed.on("created_by", _("The person who uploaded this file is no longer a member."))
    return actor
