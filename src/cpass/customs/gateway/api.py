"""The customs gateway's API operations (the lead mounts this router under /api/v1/customs/gateway or similar).

`GET /connection` and `PUT /connection` read and choose the gateway the active enterprise's declarations are
sent through (choosing: owner or administrator, token scope customs:write).

`POST /receipts` is the inbound end for receipts. Only platform staff may post (a session of a staff user, or a
staff user's API token with the customs:write scope): receipts change any enterprise's declarations, so no tenant
user may send one. There is no separate gateway credential yet; a dedicated staff service account with a
short-lived token is the safest arrangement available (docs/customs/gateway.md). `GET /declarations/{id}/…` are
for tenant users, through tenancy: another enterprise's declaration is a 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import paginate

from cpass.core.api import Pagination, scoped_actor
from cpass.core.errors import PermissionDenied
from cpass.core.idempotency import idempotent
from cpass.customs.gateway import selectors, services
from cpass.customs.gateway.base import Gateway
from cpass.customs.gateway.schemas import (
    CustomsConnectionIn,
    CustomsConnectionOut,
    GatewayOut,
    GatewayReceiptIngestIn,
    GatewayReceiptOut,
    GatewaySubmissionOut,
)
from cpass.customs.models import GatewayReceipt, GatewaySubmission

router = Router()


def _gateway_out(gateway: Gateway) -> GatewayOut:
    return GatewayOut(
        name=gateway.name,
        label=str(gateway.label),
        message_format=gateway.message_format,
        is_sandbox=gateway.is_sandbox,
    )


def _connection_out(setting: selectors.ConnectionSetting) -> CustomsConnectionOut:
    return CustomsConnectionOut(
        gateway=_gateway_out(setting.gateway) if setting.gateway is not None else None,
        chosen=setting.chosen,
        platform_default=_gateway_out(setting.default),
        available=[_gateway_out(gateway) for gateway in setting.available],
    )


@router.get("/connection", response=CustomsConnectionOut, summary="The enterprise's customs connection")
def customs_connection_get(request: HttpRequest) -> CustomsConnectionOut:
    """The gateway the active enterprise's declarations are sent through, and the connections it may choose."""
    return _connection_out(selectors.customs_connection(actor=scoped_actor(request, "customs", "read")))


@router.put("/connection", response=CustomsConnectionOut, summary="Choose the enterprise's customs connection")
def customs_connection_put(request: HttpRequest, payload: CustomsConnectionIn) -> CustomsConnectionOut:
    """Owner or administrator. Declarations submitted from now on go through it; those already submitted keep
    theirs. An empty `gateway` goes back to the platform's default."""
    actor = scoped_actor(request, "customs", "write")
    services.customs_connection_set(actor=actor, gateway=payload.gateway)
    return _connection_out(selectors.customs_connection(actor=actor))


@router.post("/receipts", response=GatewayReceiptOut, summary="Take in a customs receipt (platform staff)")
@idempotent
def gateway_receipt_ingest(request: HttpRequest, payload: GatewayReceiptIngestIn) -> GatewayReceipt:
    """Stored, deduplicated, ordered and applied; `state` says what became of it (applied, duplicate, stale,
    quarantined). A receipt that cannot be read or applied is quarantined, never an error."""
    actor = scoped_actor(request, "customs", "write")
    if not actor.user.is_staff:
        raise PermissionDenied(_("Only platform staff may post receipts."))
    return services.receipt_ingest(
        gateway=payload.gateway, message_format=payload.message_format, payload=payload.payload
    )


@router.get("/declarations/{int:declaration_id}/submissions", response=list[GatewaySubmissionOut])
@paginate(Pagination)
def gateway_submission_list(request: HttpRequest, declaration_id: int) -> QuerySet[GatewaySubmission]:
    """The messages sent to customs for this declaration, newest first."""
    return selectors.declaration_submissions(
        actor=scoped_actor(request, "customs", "read"), declaration_id=declaration_id
    )


@router.get("/declarations/{int:declaration_id}/receipts", response=list[GatewayReceiptOut])
@paginate(Pagination)
def gateway_receipt_list(request: HttpRequest, declaration_id: int) -> QuerySet[GatewayReceipt]:
    """Customs' receipts for this declaration, newest first, with what became of each."""
    return selectors.declaration_receipts(actor=scoped_actor(request, "customs", "read"), declaration_id=declaration_id)
