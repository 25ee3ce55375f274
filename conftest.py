"""Fixtures shared by every test: people, enterprises, members and their Actors."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
import redis
from django.test import Client
from django.utils import translation

from cpass.accounts.models import User
from cpass.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from cpass.core.actor import Actor
from cpass.organizations.models import Enterprise, Membership
from cpass.organizations.selectors import actor_for
from cpass.organizations.tests.factories import EnterpriseFactory, MembershipFactory
from tests.support import load_builtin_code_tables, running_in_ci, skip_or_fail


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """On SQLite, the test database is a new file per run, in WAL mode as in production, not Django's default
    shared in-memory one. That one makes the live server share a single connection between its request threads
    (two requests from the browser at once then interleave their transactions: a session saved by one was
    "deleted before the request completed" by the other's rollback), and a shared cache refuses a second writer
    at once ("database table is locked") where a file waits its busy timeout."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The test database as migrations leave it, even when a reused one was emptied by a transactional test."""
    with django_db_blocker.unblock():
        load_builtin_code_tables()


@pytest.fixture(autouse=True)
def _media_and_static(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded files go to a per-test folder; static files are served from the finders
    (production's manifest storage needs `collectstatic`, which tests don't run)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts and ends in the default language: a page or API call in Chinese activates it for the
    thread, and a later test that reads a message would otherwise read it in Chinese."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture
def enterprise(db: None) -> Enterprise:
    return EnterpriseFactory.create(name="Shanghai Trading Co., Ltd.")


@pytest.fixture
def other_enterprise(db: None) -> Enterprise:
    return EnterpriseFactory.create(name="Other Tenant Ltd.")


@pytest.fixture
def make_member(db: None) -> Callable[..., Membership]:
    def make(enterprise: Enterprise, role: str = "operator", user: User | None = None) -> Membership:
        return MembershipFactory.create(enterprise=enterprise, role=role, user=user or UserFactory.create())

    return make


@pytest.fixture
def owner(enterprise: Enterprise, make_member: Callable[..., Membership]) -> User:
    return make_member(enterprise, "owner").user


@pytest.fixture
def make_actor() -> Callable[..., Actor]:
    def make(user: User, enterprise: Enterprise | None = None, scopes: frozenset[str] | None = None) -> Actor:
        return actor_for(user=user, enterprise_id=enterprise.pk if enterprise else None, scopes=scopes)

    return make


@pytest.fixture
def login() -> Callable[[User], Client]:
    """A Django test client signed in as `user` (bypassing the login form and 2FA)."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def redis_url() -> str:
    """The configured Redis URL, reachable; tests that need Redis take this fixture."""
    url = os.environ.get("CPASS_REDIS_URL", "")
    if not url:
        if not running_in_ci():
            pytest.skip("CPASS_REDIS_URL is not set")
        # CI has Redis on the machine for both passes; the SQLite pass uses a spare database.
        url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        skip_or_fail(f"Redis at {url} does not answer: {exc}")
    return url
