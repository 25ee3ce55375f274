"""Reads of import runs: which importers an actor may run, which runs it may see, live progress."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cpass.core.actor import Actor
from cpass.core.errors import NotFound, PermissionDenied
from cpass.core.platform import can_manage_reference
from cpass.imports.framework import Importer, importer_class, importer_classes
from cpass.imports.models import ImportJob


def may_run(actor: Actor, importer: type[Importer[Any]]) -> bool:
    if importer.scope == "platform":
        return can_manage_reference(actor)
    return actor.can(importer.module, "write")


def require_may_run(actor: Actor, kind: str) -> type[Importer[Any]]:
    importer = importer_class(kind)
    if not may_run(actor, importer):
        if importer.scope == "platform":
            raise PermissionDenied(_("Only platform staff can load reference data."))
        raise PermissionDenied(_("Your role does not allow loading %(kind)s.") % {"kind": importer.label})
    return importer


def runnable_importers(*, actor: Actor) -> list[type[Importer[Any]]]:
    return [importer for importer in importer_classes() if may_run(actor, importer)]


def import_job_list(*, actor: Actor, kind: str | None = None) -> QuerySet[ImportJob]:
    """Platform runs for platform staff; the active enterprise's runs for its members with the module."""
    visible = Q(pk__in=[])
    if can_manage_reference(actor):
        visible |= Q(enterprise__isnull=True)
    if actor.enterprise_id is not None:
        kinds = [i.kind for i in importer_classes() if i.scope == "enterprise" and actor.can(i.module, "read")]
        visible |= Q(enterprise_id=actor.enterprise_id, kind__in=kinds)
    jobs = ImportJob.objects.filter(visible).select_related("created_by")
    if kind:
        jobs = jobs.filter(kind=kind)
    return jobs


def import_job_get(*, actor: Actor, job_id: int) -> ImportJob:
    job = import_job_list(actor=actor).filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("There is no such import."))
    return job


def progress_key(job_id: int) -> str:
    return f"cpass:import-progress:{job_id}"


def import_job_progress(job: ImportJob) -> dict[str, Any]:
    """Rows read so far and the fraction of the file (None when unknown), from the shared cache."""
    if job.finished:
        return {"rows": job.rows, "fraction": 1.0}
    live = cache.get(progress_key(job.pk)) or {}
    return {"rows": live.get("rows", 0), "fraction": live.get("fraction")}
