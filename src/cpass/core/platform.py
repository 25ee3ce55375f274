"""Who may read and change platform-wide reference data (code tables, tariff, ports, rates, lists).

Reference data belongs to no enterprise: every signed-in person reads it (an API token needs the
`reference:read` scope); only platform staff change it (a token needs `reference:write` too).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from cpass.core.actor import Actor
from cpass.core.errors import PermissionDenied


def can_read_reference(actor: Actor) -> bool:
    return actor.user.is_authenticated and actor.has_scope("reference", "read")


def can_manage_reference(actor: Actor) -> bool:
    return actor.user.is_authenticated and actor.user.is_staff and actor.has_scope("reference", "write")


def require_reference_read(actor: Actor) -> None:
    if not can_read_reference(actor):
        raise PermissionDenied(_("This API token lacks the reference:read scope."))


def require_platform_staff(actor: Actor) -> None:
    """Changing reference data: platform staff only."""
    if not can_manage_reference(actor):
        raise PermissionDenied(_("Only platform staff can change reference data."))
