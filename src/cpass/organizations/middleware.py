"""Attach the Actor (user + active enterprise + grants) to each browser request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from cpass.core import context
from cpass.core.actor import Actor
from cpass.organizations.selectors import actor_for

ACTIVE_ENTERPRISE_SESSION_KEY = "cpass_active_enterprise_id"


def _session_actor(request: HttpRequest) -> Actor:
    """Anonymous visitors get an Actor with no enterprise and no role: it may do nothing."""
    user = request.user
    if not user.is_authenticated:
        return Actor(user=user, enterprise=None, role=None)  # type: ignore[arg-type]
    actor = actor_for(
        user=user,  # type: ignore[arg-type]
        enterprise_id=request.session.get(ACTIVE_ENTERPRISE_SESSION_KEY),
        request_id=getattr(request, "request_id", ""),
    )
    # Outer middleware (the access log) may read the actor after this request's audit context
    # has been reset; setting it then would leak into whatever runs next on this thread.
    if getattr(request, "_cpass_actor_scope", False):
        context.audit_actor.set((user.pk, actor.enterprise_id))
    return actor


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = SimpleLazyObject(lambda: _session_actor(request))  # type: ignore[attr-defined]
        token = context.audit_actor.set((request.user.pk, None) if request.user.is_authenticated else (None, None))
        request._cpass_actor_scope = True  # type: ignore[attr-defined]
        try:
            return self.get_response(request)
        finally:
            request._cpass_actor_scope = False  # type: ignore[attr-defined]
            context.audit_actor.reset(token)
