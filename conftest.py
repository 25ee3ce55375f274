"""Fixtures shared by every test: people, enterprises, members and their Actors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from cpass.accounts.models import User
from cpass.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from cpass.core.actor import Actor
from cpass.organizations.models import Enterprise, Membership
from cpass.organizations.selectors import actor_for
from cpass.organizations.tests.factories import EnterpriseFactory, MembershipFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded files go to a per-test folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture
def enterprise(db: None) -> Enterprise:
    return EnterpriseFactory(name="Shanghai Trading Co., Ltd.")


@pytest.fixture
def other_enterprise(db: None) -> Enterprise:
    return EnterpriseFactory(name="Other Tenant Ltd.")


@pytest.fixture
def make_member(db: None) -> Callable[..., Membership]:
    def make(enterprise: Enterprise, role: str = "operator", user: User | None = None) -> Membership:
        return MembershipFactory(enterprise=enterprise, role=role, user=user or UserFactory())

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
