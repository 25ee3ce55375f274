"""Writes to the audit logs."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from ua_parser import parse

from cpass.audit.models import AccessLog


@lru_cache(maxsize=2048)
def _parse_user_agent(user_agent: str) -> tuple[str, str, str]:
    result = parse(user_agent).with_defaults()
    browser = result.user_agent.family
    if result.user_agent.major and result.user_agent.family != "Other":
        browser = f"{browser} {result.user_agent.major}"
    return browser[:64], result.os.family[:64], result.device.family[:64]


def access_log_record(
    *,
    time: datetime,
    method: str,
    path: str,
    status: int,
    user_id: int | None,
    enterprise_id: int | None,
    ip_address: str,
    user_agent: str,
    duration_ms: int,
    request_id: str,
) -> AccessLog:
    """Record one request; the user agent is parsed into browser, OS and device here."""
    browser, operating_system, device = _parse_user_agent(user_agent) if user_agent else ("", "", "")
    return AccessLog.objects.create(
        time=time,
        method=method[:10],
        path=path,
        status=status,
        user_id=user_id,
        enterprise_id=enterprise_id,
        ip_address=ip_address or None,
        user_agent=user_agent,
        browser=browser,
        operating_system=operating_system,
        device=device,
        duration_ms=duration_ms,
        request_id=request_id,
    )


def access_log_purge(*, retention_days: int | None = None, batch_size: int = 5000) -> int:
    """Delete access-log rows older than the retention period, in batches; returns how many.

    One short transaction per batch keeps locks brief on a large table; running it twice is harmless.
    """
    days = settings.CPASS_ACCESS_LOG_RETENTION_DAYS if retention_days is None else retention_days
    cutoff = timezone.now() - timedelta(days=days)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(
                AccessLog.objects.filter(time__lt=cutoff).order_by("pk").values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return deleted
            deleted += AccessLog.objects.filter(pk__in=ids).delete()[0]
