"""Every API operation, fed generated requests (schemathesis, from the OpenAPI document): never a server error,
and every answer as the document says (status, content type, body schema). Valid and invalid inputs both.

One test per operation, each in its own rolled-back transaction, signed in as the owner of an enterprise with a
shipment, a declaration with an item, a party and a product, through a token with every scope. Operations that
end the session of the test itself (revoking its token) are run like the others: the next test starts afresh.
CPASS_API_FUZZ_EXAMPLES (default 3) sets how many generated requests each operation gets beyond the boundary
cases. For a longer run against a running server: `schemathesis run http://127.0.0.1:8000/api/v1/openapi.json
-H "Authorization: Bearer <token>"` (docs/api.md, "Fuzzing").
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cpass.accounts.models import User
from cpass.accounts.services import token_scope_choices
from cpass.accounts.tests.factories import bearer, make_api_token
from cpass.config.api import api
from cpass.customs.tests.factories import DeclarationFactory, DeclarationItemFactory
from cpass.organizations.models import Enterprise
from cpass.parties.tests.factories import PartyFactory
from cpass.products.tests.factories import ProductFactory
from cpass.shipments.tests.factories import ContainerFactory, GoodsLineFactory, ShipmentFactory

EXAMPLES = int(os.environ.get("CPASS_API_FUZZ_EXAMPLES", "3"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# The document as /api/v1/openapi.json serves it, made here rather than requested: collection runs outside the
# tests' settings. Requests then go to the WSGI application in-process, on the test database.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _connection_kept_across_requests() -> Iterator[None]:
    """The WSGI application would close the database connection after each request (`close_old_connections`),
    ending the test's transaction on PostgreSQL; Django's test client turns that off the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_headers(owner: User, enterprise: Enterprise) -> dict[str, str]:
    shipment = ShipmentFactory.create(enterprise=enterprise)
    GoodsLineFactory.create(shipment=shipment)
    ContainerFactory.create(shipment=shipment)
    declaration = DeclarationFactory.create(enterprise=enterprise, shipment=shipment)
    DeclarationItemFactory.create(declaration=declaration)
    PartyFactory.create(enterprise=enterprise)
    ProductFactory.create(enterprise=enterprise)
    return bearer(make_api_token(owner, enterprise, scopes=token_scope_choices()))


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_operation_answers_as_documented(case: Any, fuzz_headers: dict[str, str]) -> None:
    response = case.call(headers=fuzz_headers)
    case.validate_response(response, checks=CHECKS)
