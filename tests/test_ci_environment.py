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
