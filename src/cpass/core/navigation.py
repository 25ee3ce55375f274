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
    NavItem("shipments:list", _("Shipments"), "shipments"),
    NavItem("customs:declaration_list", _("Declarations"), "customs"),
    NavItem("documents:list", _("Documents"), "documents"),
    NavItem("parties:list", _("Parties"), "parties"),
    NavItem("products:list", _("Products"), "products"),
    NavItem("customs:calculator", _("Duty calculator"), "reference"),
    NavItem("reference:index", _("Reference data"), "reference"),
    NavItem("organizations:detail", _("Enterprise"), "organization"),
    NavItem("audit:changes", _("Change log"), "audit", "manage"),
    NavItem("imports:list", _("Imports"), "imports", "write"),
]


@dataclass(frozen=True)
class ReferenceSection:
    """A card of the reference-data hub (/reference/): platform-wide data every enterprise reads."""

    url_name: str
    label: str | Promise
    description: str | Promise
    staff_only: bool = False


REFERENCE_SECTIONS: list[ReferenceSection] = [
    ReferenceSection(
        "tariff:browse",
        _("Tariff"),
        _(
            "HS nomenclature and national tariff lines: duty, VAT and consumption tax rates, units, supervision "
            "conditions and declaration elements, by date and origin."
        ),
    ),
    ReferenceSection(
        "classification:search",
        _("HS search"),
        _("Find a commodity code by code or by words in English or Chinese."),
    ),
    ReferenceSection(
        "classification:assistant",
        _("Classification assistant"),
        _("Describe a product and get the five most likely codes, with the reasons."),
    ),
    ReferenceSection(
        "places:list",
        _("Ports and places"),
        _("UN/LOCODE locations: sea ports, airports, rail and road terminals, with coordinates."),
    ),
    ReferenceSection(
        "fx:list",
        _("Exchange rates"),
        _("Daily rates by source, and the customs rate each jurisdiction applies on a date."),
    ),
    ReferenceSection(
        "parties:restricted_lists",
        _("Restricted-party lists"),
        _("The denied-party lists every party is screened against."),
        staff_only=True,
    ),
    ReferenceSection(
        "customs-gateway:quarantine",
        _("Customs receipt quarantine"),
        _("Gateway receipts that matched no declaration or could not be applied, for staff to handle."),
        staff_only=True,
    ),
]


def reference_sections(actor: Actor) -> list[dict[str, Any]]:
    """The hub's cards the actor may open, with their URLs."""
    staff = can_manage_reference(actor)
    return [
        {"url": reverse(section.url_name), "label": section.label, "description": section.description}
        for section in REFERENCE_SECTIONS
        if staff or not section.staff_only
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
