"""The customs gateway connections C-pass knows, by name, and which one an enterprise's declarations use.

For now every enterprise uses CPASS_CUSTOMS_GATEWAY ("sandbox" by default); a declaration keeps the name of the
connection it was sent through (Declaration.gateway), so its receipts are read by the same adapter. A real gateway
is added here as one more entry (see docs/customs/gateway.md).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cpass.core.errors import ValidationFailed
from cpass.customs.choices import MessageFormat
from cpass.customs.gateway.base import Gateway
from cpass.customs.gateway.sandbox import SandboxGateway
from cpass.customs.models import Declaration

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


def gateway_for(declaration: Declaration) -> Gateway:
    """The connection a declaration goes through: the one it was sent with, else the platform's default."""
    return gateway_named(declaration.gateway or settings.CPASS_CUSTOMS_GATEWAY)
