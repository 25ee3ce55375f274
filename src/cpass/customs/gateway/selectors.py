"""Reads of the customs gateway: the enterprise's connection, a declaration's submissions and receipts (through
tenancy), the quarantine (staff)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cpass.core.actor import Actor
from cpass.core.errors import NotFound, PermissionDenied
from cpass.customs.choices import ReceiptState
from cpass.customs.gateway.base import Gateway
from cpass.customs.gateway.connections import (
    CONNECTIONS,
    actor_gateway,
    chosen_gateway_name,
    gateway_named,
    platform_default,
)
from cpass.customs.models import Declaration, GatewayReceipt, GatewaySubmission


def _declaration(actor: Actor, declaration_id: int) -> Declaration:
    declaration = Declaration.objects.for_actor(actor, "read").filter(pk=declaration_id).first()
    if declaration is None:
        raise NotFound(_("No such declaration, or you have no access to it."))
    return declaration


def declaration_submissions(*, actor: Actor, declaration_id: int) -> QuerySet[GatewaySubmission]:
    """The messages sent for a declaration the actor may read, newest first."""
    declaration = _declaration(actor, declaration_id)
    return GatewaySubmission.objects.for_actor(actor, "read").filter(declaration=declaration).order_by("-created_at")


def declaration_receipts(*, actor: Actor, declaration_id: int) -> QuerySet[GatewayReceipt]:
    """The receipts of a declaration the actor may read (receipts are platform rows; the declaration decides)."""
    declaration = _declaration(actor, declaration_id)
    return GatewayReceipt.objects.filter(declaration=declaration).order_by("-issued_at", "-sequence", "-pk")


def declaration_gateway(*, actor: Actor, declaration: Declaration) -> Gateway:
    """The connection a declaration went through, or, before it is submitted, the one the actor's enterprise would
    send it through; for pages that show its name and the sandbox mark. ValidationFailed on "gateway" when that
    connection is no longer configured."""
    if declaration.gateway:
        return gateway_named(declaration.gateway)
    return actor_gateway(actor=actor)


@dataclass(frozen=True)
class ConnectionSetting:
    """An enterprise's customs connection: the one in effect, the one chosen ("" = the platform's default, which
    is `default`), every connection it may choose, and whether the actor may change the choice."""

    gateway: Gateway | None
    chosen: str
    default: Gateway
    available: list[Gateway]
    can_change: bool

    @property
    def usable(self) -> bool:
        """False when the chosen connection is no longer configured: submitting fails until another is chosen."""
        return self.gateway is not None


def customs_connection(*, actor: Actor) -> ConnectionSetting:
    """The active enterprise's customs connection (anyone who may read its declarations may see it)."""
    if not actor.can("customs", "read"):
        raise PermissionDenied(_("You cannot see this enterprise's customs settings."))
    chosen = chosen_gateway_name(actor=actor)
    default = platform_default()
    return ConnectionSetting(
        gateway=CONNECTIONS.get(chosen) if chosen else default,
        chosen=chosen,
        default=default,
        available=list(CONNECTIONS.values()),
        can_change=actor.can("customs", "manage"),
    )


def _require_staff(actor: Actor, *, absent: bool = False) -> None:
    """Platform staff only; for a page about one receipt, anyone else finds no such receipt (404), as the
    tenant-isolation walker expects of every object URL."""
    if not (actor.user.is_authenticated and actor.user.is_staff and actor.has_scope("customs", "read")):
        if absent:
            raise NotFound(_("No such receipt."))
        raise PermissionDenied(_("Only platform staff see the receipt quarantine."))


def quarantined_receipts(*, actor: Actor) -> QuerySet[GatewayReceipt]:
    """Receipts waiting for staff, newest first."""
    _require_staff(actor)
    return (
        GatewayReceipt.objects.filter(state=ReceiptState.QUARANTINED)
        .select_related("declaration")
        .order_by("-created_at", "-pk")
    )


def receipt_get_for_staff(*, actor: Actor, receipt_id: int) -> GatewayReceipt:
    _require_staff(actor, absent=True)
    receipt = GatewayReceipt.objects.select_related("declaration").filter(pk=receipt_id).first()
    if receipt is None:
        raise NotFound(_("No such receipt."))
    return receipt
