"""The import run as a Huey task: thin and idempotent (a run already taken does nothing)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from cpass.imports.services import import_job_run


@db_task()
def import_job_run_task(job_id: int) -> None:
    import_job_run(job_id)
