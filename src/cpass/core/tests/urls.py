"""Test-only URLconf: the real URLs plus a small probe API built with the same core plumbing.

Used through `@pytest.mark.urls("cpass.core.tests.urls")` to exercise request bodies (JSON
errors, size limit, unknown fields, Idempotency-Key) that the GET-only audit API has none of.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import path
from ninja import Router, Schema
from ninja.responses import Status

from cpass.config.urls import urlpatterns as site_urlpatterns
from cpass.core.api import CpassAPI, InputSchema, SessionActorAuth, TokenAuth, request_actor
from cpass.core.errors import ValidationFailed
from cpass.core.idempotency import idempotent

#: Every call that reached the probe operation (the side effect idempotency must not repeat).
CALLS: list[dict[str, object]] = []


class ProbeIn(InputSchema):
    name: str
    quantity: int


class ProbeOut(Schema):
    number: int
    name: str
    quantity: int
    user_id: int


router = Router()


@router.post("/probes", response={201: ProbeOut})
@idempotent
def probe_create(request: HttpRequest, payload: ProbeIn) -> Status:
    if payload.quantity < 0:
        raise ValidationFailed.on("quantity", "Must not be negative.")
    CALLS.append(payload.dict())
    body = {**payload.dict(), "number": len(CALLS), "user_id": request_actor(request).user.pk}
    return Status(201, body)


probe_api = CpassAPI(
    title="probe",
    auth=[TokenAuth(), SessionActorAuth()],
    urls_namespace="api-probe",
    docs_url=None,
    openapi_url=None,
)
probe_api.add_router("", router)

urlpatterns = [path("api/probe/", probe_api.urls), *site_urlpatterns]
