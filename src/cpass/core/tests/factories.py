"""Test helpers shared by the API tests: personal API tokens with chosen scopes."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone

from cpass.accounts.models import ApiToken, User
from cpass.core.api import token_hash
from cpass.organizations.models import Enterprise


def make_api_token(
    user: User,
    enterprise: Enterprise,
    *,
    scopes: list[str] | None = None,
    expires_in: timedelta = timedelta(days=30),
    revoked: bool = False,
) -> str:
    """Create an API token and return its secret (what a client sends as `Bearer <secret>`)."""
    secret = f"cp_{secrets.token_urlsafe(24)}"
    ApiToken.objects.create(
        user=user,
        enterprise=enterprise,
        name="test token",
        prefix=secret[:8],
        token_hash=token_hash(secret),
        scopes=scopes if scopes is not None else ["audit:read"],
        expires_at=timezone.now() + expires_in,
        revoked_at=timezone.now() if revoked else None,
    )
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
