"""The customs gateway connections C-pass knows, by name, and which one a declaration goes through.

An enterprise chooses its connection (CustomsConnection); without a choice it uses the platform's default,
CPASS_CUSTOMS_GATEWAY ("sandbox" unless configured). A declaration is sent through the connection of the enterprise
that submits it (a broker filing for its client files through its own), and keeps that name (Declaration.gateway),
so its receipts are read by the same adapter. A real gateway is added here as one more entry (see
docs/customs/gateway.md).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

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


def chosen_gateway_name(enterprise_id: int | None) -> str:
    """The name the enterprise chose ("" when it uses the platform's default)."""
    if enterprise_id is None:
        return ""
    chosen = CustomsConnection.objects.unscoped().filter(enterprise_id=enterprise_id).values_list("gateway", flat=True)
    return next(iter(chosen), "")


def enterprise_gateway(enterprise_id: int | None) -> Gateway:
    """The connection the enterprise files through. A chosen connection that is no longer configured is an error
    on "gateway", never a silent switch to another channel."""
    name = chosen_gateway_name(enterprise_id)
    return gateway_named(name) if name else platform_default()


def gateway_for(declaration: Declaration) -> Gateway:
    """The connection a submitted declaration goes through: the one it was submitted with (set at submission),
    else the owner's."""
    return gateway_named(declaration.gateway) if declaration.gateway else enterprise_gateway(declaration.enterprise_id)
