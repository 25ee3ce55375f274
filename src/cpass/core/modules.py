"""The business modules of C-pass: what partner grants and API token scopes are given for.

A module is a slice of an enterprise's data (documents, later master data, shipments,
customs...). A partner grant gives another enterprise read or read-write access to one
module; an API token's scopes name modules too. New apps add their module here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Module:
    key: str
    label: str | Promise
    #: Whether an enterprise may delegate this module to a partner enterprise.
    delegable: bool = True


MODULES: dict[str, Module] = {
    module.key: module
    for module in [
        Module("account", _("My account"), delegable=False),
        Module("organization", _("Enterprise and members"), delegable=False),
        Module("audit", _("Change and access logs"), delegable=False),
        Module("reference", _("Reference data (tariff, codes, ports, rates)"), delegable=False),
        Module("documents", _("Documents")),
        Module("parties", _("Parties")),
        Module("products", _("Products")),
        Module("shipments", _("Shipments")),
        Module("customs", _("Customs declarations")),
    ]
}


def delegable_modules() -> list[Module]:
    return [m for m in MODULES.values() if m.delegable]


def module_choices(*, delegable_only: bool = False) -> list[tuple[str, str | Promise]]:
    modules = delegable_modules() if delegable_only else list(MODULES.values())
    return [(m.key, m.label) for m in modules]
