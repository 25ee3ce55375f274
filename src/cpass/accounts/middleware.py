"""Per-request account behaviour: two-factor state, session tracking, preferences and the verification gate."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django_otp.middleware import OTPMiddleware as BaseOTPMiddleware

from cpass.accounts.models import UserSession
from cpass.accounts.services import user_set_language

#: How often last_seen_at is refreshed; avoids a write on every request.
_LAST_SEEN_RESOLUTION = timedelta(minutes=5)

#: What an unverified user may still open (URL names, namespaces, path prefixes).
_GATE_OPEN_URL_NAMES = {
    "accounts:verify_email",
    "accounts:verify_pending",
    "accounts:resend_verification",
    "accounts:logout",
    "accounts:settings_email",
    "set_language",
}
_GATE_OPEN_NAMESPACES = {"privacy"}
_GATE_OPEN_PREFIXES = ("/i18n/", "/api/", settings.STATIC_URL)


class OTPMiddleware(BaseOTPMiddleware):
    """django-otp's middleware, except it leaves `User.is_verified` (e-mail verified) alone.

    Two-factor state is `request.user.otp_device` (None until a code was checked in this session).
    """

    @staticmethod
    def _init_user_fields(user: Any) -> None:
        user.otp_device = None


class SessionTrackingMiddleware:
    """Refresh UserSession.last_seen_at at most every few minutes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        key = request.session.session_key if hasattr(request, "session") else None
        if user is not None and user.is_authenticated and key:
            now = timezone.now()
            UserSession.objects.filter(session_key=key, last_seen_at__lt=now - _LAST_SEEN_RESOLUTION).update(
                last_seen_at=now
            )
        return self.get_response(request)


class UserPreferencesMiddleware:
    """Use the signed-in user's time zone, and remember the language they pick in the language switch."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))  # type: ignore[union-attr]
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
            cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            if cookie and cookie != user.language:  # type: ignore[union-attr]
                user_set_language(user=user, language=cookie)  # type: ignore[arg-type]
        try:
            response = self.get_response(request)
        finally:
            timezone.deactivate()
        # The language switch (Django's set_language) answers with the new cookie: save it at once.
        morsel = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
        user = getattr(request, "user", None)
        if morsel is not None and morsel.value and user is not None and user.is_authenticated:
            user_set_language(user=user, language=morsel.value)  # type: ignore[arg-type]
        return response


def _gate_open(request: HttpRequest) -> bool:
    if request.path.startswith(_GATE_OPEN_PREFIXES):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return True  # let the normal 404 happen
    return match.view_name in _GATE_OPEN_URL_NAMES or bool(set(match.namespaces) & _GATE_OPEN_NAMESPACES)


class EmailVerificationMiddleware:
    """Until the e-mail address is verified, a signed-in user sees only the "check your inbox" page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified and not _gate_open(request):
            return render(request, "accounts/verify_pending.html", verify_pending_context(request))
        return self.get_response(request)


def verify_pending_context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "address": user.pending_email or user.email,  # type: ignore[union-attr]
        "resend_seconds": settings.CPASS_VERIFICATION_RESEND_SECONDS,
    }
