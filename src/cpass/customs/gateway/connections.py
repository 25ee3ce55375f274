"""The customs gateway connections C-pass knows, by name, and which one a declaration goes through.

An enterprise chooses its connection (CustomsConnection); without a choice it uses the platform's default,
CPASS_CUSTOMS_GATEWAY ("sandbox" unless configured). A declaration is sent through the connection of the enterprise
that submits it (a broker filing for its client files through its own), and keeps that name (Declaration.gateway),
so its receipts are read by the same adapter. A real gateway is added here as one more entry (see
docs/customs/gateway.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cpass.core.actor import Actor
from cpass.core.errors import ValidationFailed
from cpass.customs.choices import MessageFormat
from cpass.customs.gateway.base import Gateway
from cpass.customs.gateway.sandbox import SandboxGateway
from cpass.customs.models import CustomsConnection, Declaration

CONNECTIONS: dict[str, Gateway] = {
    gateway.name: gateway
    for gateway in [
        SandboxGateway("sandbox", MessageFormat.SINGLE_WINDOW_XML),
        SandboxGateway("sandbox-edifact", MessageFormat.EDIFACT),
    ]
}


def gateway_named(name: str) -> Gateway:
    """The connection called `name`; ValidationFailed on "gateway" when there is none."""
    gateway = CONNECTIONS.get(name)
    if gateway is None:
        raise ValidationFailed.on("gateway", _("There is no customs gateway called “%(name)s”.") % {"name": name[:20]})
    return gateway


def platform_default() -> Gateway:
    """The connection of every enterprise that has not chosen one."""
    return gateway_named(settings.CPASS_CUSTOMS_GATEWAY)


def _chosen_name(connections: QuerySet[CustomsConnection], enterprise_id: int | None) -> str:
    if enterprise_id is None:
        return ""
    return next(iter(connections.filter(enterprise_id=enterprise_id).values_list("gateway", flat=True)), "")


def _chosen_or_default(name: str) -> Gateway:
    """The chosen connection, or the platform's default when none was chosen. A chosen connection that is no
    longer configured is an error on "gateway", never a silent switch to another channel."""
    return gateway_named(name) if name else platform_default()


def chosen_gateway_name(*, actor: Actor) -> str:
    """The name the actor's active enterprise chose ("" when it uses the platform's default), read through
    tenancy."""
    return _chosen_name(CustomsConnection.objects.for_actor(actor, "read"), actor.enterprise_id)


def actor_gateway(*, actor: Actor) -> Gateway:
    """The connection the actor's active enterprise files through."""
    return _chosen_or_default(chosen_gateway_name(actor=actor))


def gateway_for(declaration: Declaration) -> Gateway:
    """The connection a submitted declaration goes through: the one it was submitted with (set at submission),
    else the owner's. For the gateway's background work, by id: unscoped."""
    if declaration.gateway:
        return gateway_named(declaration.gateway)
    return _chosen_or_default(_chosen_name(CustomsConnection.objects.unscoped(), declaration.enterprise_id))
