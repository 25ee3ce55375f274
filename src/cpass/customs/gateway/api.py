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
from ninja import Router, Status
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
    GatewayReceiptDismissIn,
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


@router.post(
    "/declarations/{int:declaration_id}/submissions/resend",
    response={202: None},
    summary="Send a submitted declaration again after its gateway could not be reached",
)
@idempotent
def gateway_submission_resend(request: HttpRequest, declaration_id: int) -> Status[None]:
    """The same message under the same id, in the background (202); follow it in `…/submissions`. 409 when the
    declaration is not submitted or its message has already reached the gateway."""
    services.declaration_resend(actor=scoped_actor(request, "customs", "write"), declaration_id=declaration_id)
    return Status(202, None)


@router.get("/receipts/quarantine", response=list[GatewayReceiptOut], summary="Quarantined receipts (platform staff)")
@paginate(Pagination)
def gateway_quarantine_list(request: HttpRequest) -> QuerySet[GatewayReceipt]:
    """Receipts that could not be applied (no declaration matched, unknown code, a step the status does not
    allow…), newest first, with why (`state_reason`)."""
    return selectors.quarantined_receipts(actor=scoped_actor(request, "customs", "write"))


@router.post(
    "/receipts/{int:receipt_id}/reapply", response=GatewayReceiptOut, summary="Apply a quarantined receipt again"
)
@idempotent
def gateway_receipt_reapply(request: HttpRequest, receipt_id: int) -> GatewayReceipt:
    """All or nothing: when it still cannot apply, nothing changes and the 409 says why."""
    return services.receipt_reapply(actor=scoped_actor(request, "customs", "write"), receipt_id=receipt_id)


@router.post("/receipts/{int:receipt_id}/dismiss", response=GatewayReceiptOut, summary="Dismiss a quarantined receipt")
@idempotent
def gateway_receipt_dismiss(request: HttpRequest, receipt_id: int, payload: GatewayReceiptDismissIn) -> GatewayReceipt:
    """The receipt will never apply; the reason is kept with who decided."""
    return services.receipt_dismiss(
        actor=scoped_actor(request, "customs", "write"), receipt_id=receipt_id, reason=payload.reason
    )


@router.get("/declarations/{int:declaration_id}/receipts", response=list[GatewayReceiptOut])
@paginate(Pagination)
def gateway_receipt_list(request: HttpRequest, declaration_id: int) -> QuerySet[GatewayReceipt]:
    """Customs' receipts for this declaration, newest first, with what became of each."""
    return selectors.declaration_receipts(actor=scoped_actor(request, "customs", "read"), declaration_id=declaration_id)
