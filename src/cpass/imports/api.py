"""/api/v1/imports: the importers an actor may run, upload a file (queued), follow the run and its issues."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from cpass.core.api import Pagination, request_actor
from cpass.core.errors import ValidationFailed
from cpass.core.idempotency import idempotent
from cpass.imports import selectors, services
from cpass.imports.framework import Importer
from cpass.imports.models import ImportJob
from cpass.imports.schemas import ImporterOut, ImportJobOut

router = Router()


def _importer_out(importer: type[Importer[Any]]) -> dict[str, Any]:
    return {
        "kind": importer.kind,
        "label": str(importer.label),
        "scope": importer.scope,
        "formats": list(importer.formats),
        "columns": [{"name": c.name, "required": c.required, "help": str(c.help)} for c in importer.columns],
        "options": [
            {"name": o.name, "label": str(o.label), "required": o.required, "default": o.default}
            for o in importer.options
        ],
        "format_doc": importer.format_doc,
    }


def _job_out(job: ImportJob) -> ImportJob:
    job.progress = selectors.import_job_progress(job)  # type: ignore[attr-defined]
    return job


@router.get("/importers", response=list[ImporterOut], summary="The importers I may run, with their columns")
def importer_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_importer_out(i) for i in selectors.runnable_importers(actor=request_actor(request))]


@router.get("", response=list[ImportJobOut], summary="Import runs I can see")
@paginate(Pagination)
def import_job_list(request: HttpRequest, kind: str | None = None) -> list[ImportJob]:
    return [_job_out(job) for job in selectors.import_job_list(actor=request_actor(request), kind=kind)]


@router.post("", response={202: ImportJobOut}, summary="Upload a file to load (multipart); the run is queued")
@idempotent
def import_job_create(
    request: HttpRequest,
    kind: Form[str],
    file: UploadedFile = File(...),  # noqa: B008
    options: Form[str] = "{}",
    all_or_nothing: Form[bool] = True,
) -> Status[ImportJob]:
    """`options` is a JSON object of the importer's options, e.g. {"jurisdiction": "CN"}."""
    try:
        parsed = json.loads(options or "{}")
    except json.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, dict):
        raise ValidationFailed.on("options", _("Options must be a JSON object of names to values."))
    job = services.import_job_create(
        actor=request_actor(request),
        kind=kind,
        file=file,
        options={str(k): str(v) for k, v in parsed.items()},
        all_or_nothing=all_or_nothing,
    )
    return Status(202, _job_out(job))


@router.get("/{int:job_id}", response=ImportJobOut, summary="One import run: status, progress, counts, issues")
def import_job_get(request: HttpRequest, job_id: int) -> ImportJob:
    return _job_out(selectors.import_job_get(actor=request_actor(request), job_id=job_id))
