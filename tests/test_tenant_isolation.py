"""The tenant-isolation walker: every URL pattern and API operation, called by a member of
tenant A with the identifiers of tenant B's objects, must answer 404 (or refuse the method),
leak none of B's data and change nothing of B's.

It discovers what to walk: every registered URL pattern (pages and /api/v1 operations) and every
tenant-owned model (TenantOwned subclasses, each built with its app's factory). A new module's
URLs and models are covered without editing this file; a tenant-owned model without a factory
fails the test.
"""

from __future__ import annotations

import importlib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import factory
import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from cpass.accounts.models import ApiToken, User, UserSession
from cpass.accounts.tests.factories import UserFactory, make_api_token
from cpass.core.models import TenantOwned
from cpass.core.modules import MODULES
from cpass.imports.models import ImportJob
from cpass.organizations.models import Enterprise, Invitation
from cpass.organizations.tests.factories import EnterpriseFactory, MembershipFactory, PartnerGrantFactory

#: Tenant B's rows get primary keys from here on, so no id of tenant A can coincide with them.
FOREIGN_PK_START = 7_000_001
MARKER = "TENANTBSECRET"
UNSAFE_METHODS = ("post", "patch", "put", "delete")
OPERATORS = "operators/"

#: Patterns whose parameters are not object identifiers, and why they are walked differently.
NOT_OBJECT_IDENTIFIERS = {
    # Signed or random tokens: possession is the credential; a guessed value is just invalid.
    "accounts/verify/<str:token>/",
    "accounts/password-reset/<uidb64>/<token>/",
    "enterprise/invitation/<str:token>/",
}


@dataclass
class ForeignWorld:
    """Tenant B: an enterprise with every kind of row, all invisible to tenant A."""

    objects: list[models.Model] = field(default_factory=list)

    def pks_for(self, kwarg: str) -> list[int]:
        stem = re.sub(r"(_id|_pk|id|pk)$", "", kwarg).rstrip("_").replace("_", "")
        if stem:
            matching = [
                o.pk
                for o in self.objects
                if stem in o._meta.model_name or o._meta.model_name in stem  # type: ignore[operator]
            ]
            if matching:
                return matching
        return sorted({o.pk for o in self.objects})

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        by_model: dict[type[models.Model], list[int]] = {}
        for obj in self.objects:
            by_model.setdefault(type(obj), []).append(obj.pk)
        return {
            model._meta.label: list(model._base_manager.filter(pk__in=pks).order_by("pk").values())
            for model, pks in by_model.items()
        }


def _factory_for(model: type[models.Model]) -> type[factory.django.DjangoModelFactory]:
    module = importlib.import_module(f"{model._meta.app_config.module.__name__}.tests.factories")  # type: ignore[union-attr]
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, factory.django.DjangoModelFactory)
            and getattr(value._meta, "model", None) is model
        ):
            return value
    raise AssertionError(f"{model._meta.label} is tenant-owned but {module.__name__} has no factory for it")


def _tenant_owned_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if issubclass(m, TenantOwned)]


def _build_foreign_world() -> ForeignWorld:
    pks = itertools.count(FOREIGN_PK_START)
    world = ForeignWorld()
    b_enterprise = EnterpriseFactory.create(pk=next(pks), name=f"{MARKER} Enterprise")
    b_owner = UserFactory.create(pk=next(pks), name=f"{MARKER} Owner", email="owner@tenantbsecret.example")
    third = EnterpriseFactory.create(pk=next(pks), name=f"{MARKER} Partner")
    world.objects += [
        b_enterprise,
        b_owner,
        MembershipFactory.create(pk=next(pks), enterprise=b_enterprise, user=b_owner, role="owner"),
        Invitation.objects.create(
            pk=next(pks),
            enterprise=b_enterprise,
            email="invitee@tenantbsecret.example",
            role="operator",
            token_hash="b" * 64,
            invited_by=b_owner,
            expires_at=timezone.now() + timedelta(days=3),
        ),
        PartnerGrantFactory.create(pk=next(pks), grantor=b_enterprise, grantee=third, access="write"),
        ApiToken.objects.create(
            pk=next(pks),
            user=b_owner,
            enterprise=b_enterprise,
            name=f"{MARKER} token",
            prefix="cp_bsecret",
            token_hash="c" * 64,
            scopes=[],
            expires_at=timezone.now() + timedelta(days=30),
        ),
        UserSession.objects.create(pk=next(pks), user=b_owner, session_key="b" * 40, user_agent=MARKER),
        # B's own import run, and a platform run only platform staff may see.
        ImportJob.objects.create(
            pk=next(pks),
            kind="products",
            enterprise=b_enterprise,
            created_by=b_owner,
            original_name=f"{MARKER}.xlsx",
            size=1,
            file="imports/tenant-b.xlsx",
        ),
        ImportJob.objects.create(
            pk=next(pks),
            kind="tariff",
            created_by=b_owner,
            original_name=f"{MARKER}.csv",
            size=1,
            file="imports/platform.csv",
        ),
    ]
    for model in _tenant_owned_models():
        model_factory = _factory_for(model)
        text_fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.CharField | models.TextField) and not f.choices and f.name in ("title", "name")
        ]
        extra = {name: f"{MARKER} {model._meta.model_name}" for name in text_fields}
        world.objects.append(model_factory(pk=next(pks), enterprise=b_enterprise, **extra))
    return world


def _walk(resolvers: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolvers:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # regex routes: only the admin site, walked separately below
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        else:
            yield route, entry


def _parameterised_routes() -> list[str]:
    return sorted({route for route, _ in _walk(get_resolver().url_patterns) if "<" in route})


def _fill(route: str, world: ForeignWorld) -> list[str]:
    names = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    choices = []
    for converter, name in names:
        if converter in ("int", ""):
            choices.append([str(pk) for pk in world.pks_for(name)] if converter == "int" else ["not-a-valid-token"])
        elif name.endswith("type"):
            choices.append(sorted({o._meta.label_lower for o in world.objects}))
        else:
            choices.append([str(pk) for pk in world.pks_for(name)])
    paths = []
    for combination in itertools.product(*choices):
        path = route
        for value in combination:
            path = re.sub(r"<(?:\w+:)?\w+>", value, path, count=1)
        paths.append("/" + path)
    return paths


@pytest.fixture
def tenant_a(db: None) -> tuple[User, Enterprise, str]:
    enterprise = EnterpriseFactory.create(name="Tenant A Trading")
    user = MembershipFactory.create(enterprise=enterprise, role="owner").user
    secret = make_api_token(user, enterprise, scopes=[f"{key}:write" for key in MODULES], name="all scopes")
    return user, enterprise, secret


def _assert_no_leak(response: Any, where: str) -> None:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert MARKER.lower().encode() not in body.lower(), f"{where} leaks tenant B"


@pytest.mark.django_db
def test_no_url_or_api_operation_reaches_another_tenant(tenant_a: tuple[User, Enterprise, str]) -> None:
    user, _enterprise, secret = tenant_a
    world = _build_foreign_world()
    before = world.snapshot()
    browser = Client()
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    api_client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    routes = _parameterised_routes()
    assert any(r.startswith("api/v1/") for r in routes)
    assert any(not r.startswith("api/v1/") for r in routes)
    for route in routes:
        client = api_client if route.startswith("api/v1/") else browser
        for path in _fill(route, world):
            response = client.get(path)
            _assert_no_leak(response, f"GET {path}")
            if route.startswith(OPERATORS):
                # The admin site is for platform staff with two-factor only: everyone else goes to its login.
                assert response.status_code == 302, path
                assert response["Location"].startswith("/operators/login/"), path
                continue
            if route not in NOT_OBJECT_IDENTIFIERS:
                assert response.status_code in (404, 405), f"GET {path} answered {response.status_code}"
            for method in UNSAFE_METHODS:
                response = getattr(client, method)(path, data={}, content_type="application/json")
                _assert_no_leak(response, f"{method.upper()} {path}")
                if route not in NOT_OBJECT_IDENTIFIERS:
                    assert response.status_code >= 400, f"{method.upper()} {path} answered {response.status_code}"
    assert world.snapshot() == before, "a request changed tenant B's data"


@pytest.mark.django_db
def test_anonymous_visitors_reach_no_tenant_data(tenant_a: tuple[User, Enterprise, str]) -> None:
    world = _build_foreign_world()
    anonymous = Client()
    for route in _parameterised_routes():
        for path in _fill(route, world):
            response = anonymous.get(path)
            _assert_no_leak(response, f"anonymous GET {path}")
            if route.startswith("api/v1/"):
                assert response.status_code in (401, 404, 405), f"anonymous GET {path}: {response.status_code}"
            elif route.startswith(OPERATORS):
                assert response.status_code == 302, path
            elif route not in NOT_OBJECT_IDENTIFIERS:
                assert response.status_code in (302, 404, 405), f"anonymous GET {path}: {response.status_code}"
    operators = anonymous.get("/operators/")
    assert operators.status_code == 302
