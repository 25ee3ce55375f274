"""Reads for people: sessions, API tokens and two-factor state."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpass.accounts.models import ApiToken, User, UserSession


def user_sessions_list(*, user: User) -> QuerySet[UserSession]:
    """The user's browser sessions that are still alive, most recently used first."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=user, session_key__in=live).order_by("-last_seen_at", "-pk")


def api_tokens_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens that have not been revoked (expired ones included, so they can be told apart)."""
    return (
        ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("enterprise")
        .order_by("-created_at", "-pk")
    )


def confirmed_totp_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def has_two_factor(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_remaining(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
