"""The navigation of the page shell: only what exists and what the actor may open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cpass.core.actor import Actor
from cpass.core.platform import can_manage_reference, can_read_reference
from cpass.organizations.choices import Role
from cpass.organizations.selectors import memberships_for_user, pending_invitations_for_user


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    module: str
    action: str = "read"


#: Apps add their top-level pages here, in display order.
NAV_ITEMS: list[NavItem] = [
    NavItem("documents:list", _("Documents"), "documents"),
    NavItem("reference:index", _("Reference data"), "reference"),
    NavItem("organizations:detail", _("Enterprise"), "organization"),
    NavItem("audit:changes", _("Change log"), "audit", "manage"),
    NavItem("imports:list", _("Imports"), "imports", "write"),
]


def _visible(item: NavItem, actor: Actor) -> bool:
    if item.module == "imports":
        from cpass.imports.selectors import runnable_importers

        return bool(runnable_importers(actor=actor))
    if item.module == "reference":
        return can_manage_reference(actor) if item.action == "manage" else can_read_reference(actor)
    if item.module in {"organization", "audit"}:
        return actor.can(item.module, item.action)
    return bool(actor.enterprise_ids_for(item.module, item.action))


def shell_context(request: HttpRequest) -> dict[str, Any]:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    path = request.path
    nav = []
    for item in NAV_ITEMS:
        if _visible(item, actor):
            url = reverse(item.url_name)
            nav.append({"url": url, "label": item.label, "active": path.startswith(url)})
    return {
        "actor": actor,
        "actor_role_label": Role(actor.role).label if actor.role else "",
        "nav_items": nav,
        "my_memberships": list(memberships_for_user(user=actor.user)),
        "pending_invitation_count": pending_invitations_for_user(user=actor.user).count(),
    }
