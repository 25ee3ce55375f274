"""Scheduled housekeeping of the audit data (Huey periodic tasks; both are idempotent)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cpass.audit.services import access_log_purge
from cpass.core.idempotency import idempotency_records_purge


@db_periodic_task(crontab(hour="3", minute="17"))
def access_log_purge_task() -> int:
    """Daily: drop access-log rows older than CPASS_ACCESS_LOG_RETENTION_DAYS."""
    return access_log_purge()


@db_periodic_task(crontab(minute="41"))
def idempotency_record_purge_task() -> int:
    """Hourly: drop stored Idempotency-Key answers older than 24 hours."""
    return idempotency_records_purge()
