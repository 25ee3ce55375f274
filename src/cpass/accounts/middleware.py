"""The record of signed-in browser sessions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from cpass.accounts.models import UserSession

#: How often last_seen_at is refreshed; avoids a write on every request.
_LAST_SEEN_RESOLUTION = timedelta(minutes=5)


class SessionTrackingMiddleware:
    """Refresh UserSession.last_seen_at; end sessions the user revoked from another device."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        key = request.session.session_key if hasattr(request, "session") else None
        if user is not None and user.is_authenticated and key:
            now = timezone.now()
            UserSession.objects.filter(
                session_key=key, last_seen_at__lt=now - _LAST_SEEN_RESOLUTION
            ).update(last_seen_at=now)
        return self.get_response(request)
