"""`{% load customs_declarations %}`: the status badge colour of a declaration and the shipment page's declarations
section (`{% shipment_declarations shipment %}`), so the shipment page lists its declarations without the
shipments app knowing about customs."""

from __future__ import annotations

from typing import Any

from django import template

from cpass.core.actor import Actor
from cpass.customs import selectors
from cpass.customs.choices import DeclarationStatus
from cpass.shipments.models import Shipment

register = template.Library()

#: The colour of each status's badge (the pill classes of cpass.css).
STATUS_CLASS = {
    DeclarationStatus.DRAFT: "",
    DeclarationStatus.VALIDATED: "blue",
    DeclarationStatus.SUBMITTED: "blue",
    DeclarationStatus.ACCEPTED: "ok",
    DeclarationStatus.RETURNED: "err",
    DeclarationStatus.INSPECTION: "warn",
    DeclarationStatus.ASSESSED: "warn",
    DeclarationStatus.PAID: "blue",
    DeclarationStatus.RELEASED: "ok",
    DeclarationStatus.CLOSED: "",
    DeclarationStatus.CANCELLED: "err",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASS.get(status, "")  # type: ignore[call-overload,no-any-return]


@register.inclusion_tag("customs/declarations/_shipment_declarations.html", takes_context=True)
def shipment_declarations(context: template.Context, shipment: Shipment) -> dict[str, Any]:
    """The shipment's declarations the person may read, and the "Prepare declaration" button for one who may
    write the shipment's enterprise's declarations; nothing for a person without customs access."""
    request = context.get("request")
    actor: Actor | None = getattr(request, "actor", None)
    if actor is None or shipment.enterprise_id not in actor.enterprise_ids_for("customs", "read"):
        return {"visible": False}
    declarations = list(selectors.declaration_list(actor=actor, shipment_id=shipment.pk).order_by("reference"))
    return {
        "visible": True,
        "shipment": shipment,
        "declarations": declarations,
        "can_prepare": shipment.enterprise_id in actor.enterprise_ids_for("customs", "write"),
        "csrf_token": context.get("csrf_token"),
    }
