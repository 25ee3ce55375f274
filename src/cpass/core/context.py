"""Context variables for audit capture only (STYLE: signals only for audit).

Business code receives the Actor explicitly; these variables exist so the change log can
say who changed a row and in which request, whatever code path saved it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

request_id: ContextVar[str] = ContextVar("cpass_request_id", default="")
#: (user id, enterprise id) of whoever is acting in this request or task.
audit_actor: ContextVar[tuple[int | None, int | None]] = ContextVar("cpass_audit_actor", default=(None, None))


@contextmanager
def acting_as(user_id: int | None, enterprise_id: int | None) -> Iterator[None]:
    token = audit_actor.set((user_id, enterprise_id))
    try:
        yield
    finally:
        audit_actor.reset(token)


def current() -> dict[str, Any]:
    user_id, enterprise_id = audit_actor.get()
    return {"user_id": user_id, "enterprise_id": enterprise_id, "request_id": request_id.get()}
