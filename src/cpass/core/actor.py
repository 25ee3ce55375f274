"""Who is acting: the explicit value every selector and service takes.

An Actor bundles the user, the active enterprise and its role there, the partner grants
that other enterprises have given the active enterprise, and (for API tokens) the scopes
the token carries. Tenancy decisions are made from this value only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from cpass.accounts.models import User
    from cpass.organizations.models import Enterprise

Action = Literal["read", "write", "manage"]

#: What each membership role may do inside its own enterprise's data.
ROLE_ACTIONS: Mapping[str, frozenset[str]] = {
    "owner": frozenset({"read", "write", "manage", "own"}),
    "admin": frozenset({"read", "write", "manage"}),
    "operator": frozenset({"read", "write"}),
    "viewer": frozenset({"read"}),
}


@dataclass(frozen=True)
class Actor:
    user: User
    enterprise: Enterprise | None
    role: str | None
    #: owner enterprise id -> module key -> "read" | "write", granted to the active enterprise.
    grants: Mapping[int, Mapping[str, str]] = field(default_factory=dict)
    #: None for a browser session (the role decides); a set of "module:action" for API tokens.
    scopes: frozenset[str] | None = None
    request_id: str = ""

    @property
    def enterprise_id(self) -> int | None:
        return self.enterprise.pk if self.enterprise is not None else None

    def has_scope(self, module: str, action: str) -> bool:
        if self.scopes is None:
            return True
        if action == "read":
            return f"{module}:read" in self.scopes or f"{module}:write" in self.scopes
        return f"{module}:write" in self.scopes

    def role_allows(self, action: str) -> bool:
        return self.role is not None and action in ROLE_ACTIONS.get(self.role, frozenset())

    def can(self, module: str, action: str) -> bool:
        """May this actor do `action` on `module` data of its own active enterprise?"""
        return self.enterprise is not None and self.role_allows(action) and self.has_scope(module, action)

    def enterprise_ids_for(self, module: str, action: str) -> list[int]:
        """Enterprises whose `module` data this actor may `action`: its own plus partner grants."""
        if self.enterprise is None or not self.role_allows(action) or not self.has_scope(module, action):
            return []
        ids = [self.enterprise.pk]
        if action in {"read", "write"}:
            for owner_id, modules in self.grants.items():
                level = modules.get(module)
                if level == "write" or (level == "read" and action == "read"):
                    ids.append(owner_id)
        return ids
