"""CI runs the suite twice; these make sure the second pass really ran on PostgreSQL and Redis."""

import os

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_database_is_the_configured_one() -> None:
    url = os.environ.get("CPASS_DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
    if expected == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version_num")
            assert int(cursor.fetchone()[0]) >= 150000


def test_redis_backs_cache_and_queue_when_configured() -> None:
    if os.environ.get("CPASS_REDIS_URL"):
        assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
        assert settings.HUEY["huey_class"] == "huey.RedisHuey"
    else:
        assert settings.HUEY["huey_class"] == "huey.SqliteHuey"


@pytest.mark.django_db(transaction=True)
def test_live_server_threads_have_their_own_connections(live_server) -> None:  # type: ignore[no-untyped-def]
    """The browser tests' server gives each request its own connection, as production does: on Django's shared
    in-memory SQLite database it would hand all of them the test's one, and two requests at once would
    interleave their transactions (the root conftest's `django_db_modify_db_settings`)."""
    assert live_server.thread.connections_override == {}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
