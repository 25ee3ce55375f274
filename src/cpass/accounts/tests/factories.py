from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from cpass.accounts.models import ApiToken, User
from cpass.core.api import token_hash
from cpass.organizations.models import Enterprise

DEFAULT_PASSWORD = "correct-horse-battery-9"


def _set_password(user: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
    user.set_password(extracted or DEFAULT_PASSWORD)
    if create:
        user.save(update_fields=["password"])


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A verified, active user whose password is DEFAULT_PASSWORD (typed: use UserFactory.create())."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    phone = "+8613800138000"
    email_verified_at = factory.LazyFunction(timezone.now)

    password = factory.PostGeneration(_set_password)


def enable_totp(user: User) -> Any:
    """Give `user` a confirmed authenticator-app device (and return it) for two-factor tests."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def current_totp(device: Any) -> str:
    """The code the authenticator app shows for `device` right now."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def make_api_token(
    user: User,
    enterprise: Enterprise,
    *,
    scopes: list[str] | None = None,
    expires_in: timedelta = timedelta(days=30),
    revoked: bool = False,
    name: str = "test token",
) -> str:
    """Create an API token and return its secret (what a client sends as `Bearer <secret>`)."""
    secret = f"cp_{secrets.token_urlsafe(24)}"
    ApiToken.objects.create(
        user=user,
        enterprise=enterprise,
        name=name,
        prefix=secret[:8],
        token_hash=token_hash(secret),
        scopes=scopes if scopes is not None else ["audit:read"],
        expires_at=timezone.now() + expires_in,
        revoked_at=timezone.now() if revoked else None,
    )
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
