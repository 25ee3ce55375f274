"""The OpenAPI document lists the values of the choice fields (enums) and the list orderings (patterns); the
services check the values themselves. These tests hold the two together: every listed value of a list filter
is accepted, an unlisted one is refused with the service's own message, and an ordering the pattern admits
works. (Responses are checked against the document's enums by tests/test_api_fuzz.py.)"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from cpass.accounts.models import User
from cpass.accounts.services import token_scope_choices
from cpass.accounts.tests.factories import bearer, make_api_token
from cpass.config.api import api
from cpass.organizations.models import Enterprise
from cpass.shipments.choices import ShipmentStatus

pytestmark = pytest.mark.django_db

DOCUMENT = api.get_openapi_schema()


def _choices(schema: dict[str, Any]) -> dict[str, Any]:
    """The string alternative of a parameter's schema (optional parameters are anyOf string, null)."""
    for alternative in schema.get("anyOf", [schema]):
        if alternative.get("type") == "string":
            return dict(alternative)
    return {}


def _filter_cases() -> list[Any]:
    """(path, parameter, value) for every listed value of every query parameter of the GET operations that
    need nothing else: each enum value, and each ordering field ascending and descending."""
    cases = []
    for path, operations in DOCUMENT["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path:
            continue
        parameters = get.get("parameters", [])
        if any(p["required"] for p in parameters if p["in"] == "query"):
            continue
        for parameter in parameters:
            string = _choices(parameter["schema"])
            values = [value for value in string.get("enum", []) if value]
            if "pattern" in string and parameter["name"] == "ordering":
                fields = re.fullmatch(r"\^-\?\((.*?)\)\(.*", string["pattern"])
                assert fields, string["pattern"]
                names = [name.replace("\\", "") for name in fields.group(1).split("|")]
                values = [prefix + name for name in names for prefix in ("", "-")]
            cases += [
                pytest.param(path, parameter["name"], value, id=f"{path}?{parameter['name']}={value}")
                for value in values
            ]
    return cases


FILTER_CASES = _filter_cases()


@pytest.fixture
def api_client(owner: User, enterprise: Enterprise) -> Client:
    return Client(headers=bearer(make_api_token(owner, enterprise, scopes=token_scope_choices())))


def test_the_document_lists_choices_and_orderings() -> None:
    parameters = {p["name"]: p for p in DOCUMENT["paths"]["/api/v1/shipments"]["get"]["parameters"]}
    assert _choices(parameters["status"]["schema"])["enum"] == ShipmentStatus.values
    ordering = re.compile(_choices(parameters["ordering"]["schema"])["pattern"])
    assert ordering.fullmatch("-eta,job_number")
    assert not ordering.fullmatch("eta;drop")
    transition = DOCUMENT["components"]["schemas"]["DeclarationTransitionIn"]["properties"]["transition"]
    assert "submit" in transition["enum"]
    assert "release" not in transition["enum"]  # customs' step, from a receipt
    assert len(FILTER_CASES) > 60


@pytest.mark.parametrize(("path", "name", "value"), FILTER_CASES)
def test_every_listed_filter_value_is_accepted(api_client: Client, path: str, name: str, value: str) -> None:
    response = api_client.get(path, {name: value})
    assert response.status_code == 200, response.content[:300]


def test_an_unlisted_value_gets_the_services_message(api_client: Client) -> None:
    response = api_client.get("/api/v1/shipments", {"status": "shipped"}, headers={"accept-language": "zh-hans"})
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"] == [{"field": "status", "message": "“shipped”不是货运业务状态。"}]
