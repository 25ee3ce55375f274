"""Retention jobs, run for real through Huey's SQLite and Redis storages (not immediate mode)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from huey import Huey, RedisHuey, SqliteHuey
from huey.contrib.djhuey import HUEY

from cpass.accounts.models import User
from cpass.audit.models import AccessLog
from cpass.audit.services import access_log_purge
from cpass.audit.tasks import access_log_purge_task, idempotency_record_purge_task
from cpass.core.models import IdempotencyRecord


def _log(days_ago: int) -> AccessLog:
    return AccessLog.objects.create(
        time=timezone.now() - timedelta(days=days_ago), method="GET", path=f"/{days_ago}/", status=200, duration_ms=1
    )


def _on(huey: Huey, task_wrapper):  # type: ignore[no-untyped-def]
    """The project's task function, registered on a test-owned `huey`."""
    return huey.task()(task_wrapper.func)


def _run_through(huey: Huey, task) -> object:  # type: ignore[no-untyped-def]
    """Enqueue the task, then dequeue and execute it like a consumer would."""
    task()
    assert huey.pending_count() == 1
    message = huey.dequeue()
    assert message is not None
    return huey.execute(message)


@pytest.mark.django_db
def test_purge_keeps_rows_inside_retention(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CPASS_ACCESS_LOG_RETENTION_DAYS = 30
    keep = _log(29)
    for days in (31, 40, 400):
        _log(days)
    assert access_log_purge(batch_size=2) == 3
    assert list(AccessLog.objects.all()) == [keep]
    assert access_log_purge() == 0


@pytest.mark.django_db
def test_purge_through_sqlite_huey(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.CPASS_ACCESS_LOG_RETENTION_DAYS = 10
    _log(11)
    kept = _log(1)
    huey = SqliteHuey(name="cpass-test", filename=str(tmp_path / "huey.sqlite3"), immediate=False)
    task = _on(huey, access_log_purge_task)
    assert _run_through(huey, task) == 1
    assert list(AccessLog.objects.all()) == [kept]
    assert _run_through(huey, task) == 0


@pytest.mark.redis
@pytest.mark.django_db
def test_purge_through_redis_huey(settings, redis_url: str) -> None:  # type: ignore[no-untyped-def]
    settings.CPASS_ACCESS_LOG_RETENTION_DAYS = 10
    _log(11)
    huey = RedisHuey(name=f"cpass-test-{timezone.now().timestamp()}", url=redis_url, immediate=False)
    try:
        assert _run_through(huey, _on(huey, access_log_purge_task)) == 1
        assert AccessLog.objects.count() == 0
    finally:
        huey.storage.flush_all()


@pytest.mark.django_db
def test_idempotency_purge_through_sqlite_huey(owner: User, tmp_path: Path) -> None:
    for key in ("old", "new"):
        IdempotencyRecord.objects.create(
            user=owner, key=key, method="POST", path="/x", request_hash="h", status=201, content_type="", body=b""
        )
    IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    huey = SqliteHuey(name="cpass-test", filename=str(tmp_path / "huey.sqlite3"), immediate=False)
    assert _run_through(huey, _on(huey, idempotency_record_purge_task)) == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_tasks_are_scheduled_periodically() -> None:
    periodic = set(HUEY._registry._periodic_tasks)
    assert {access_log_purge_task.task_class, idempotency_record_purge_task.task_class} <= periodic
