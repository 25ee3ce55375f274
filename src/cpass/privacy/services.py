"""Writes for privacy records."""

from __future__ import annotations

from django.db import transaction

from cpass.accounts.models import User
from cpass.privacy.models import PolicyAcceptance


def policy_acceptance_record(*, user: User, version: str, ip_address: str | None = None) -> PolicyAcceptance:
    """Record that `user` accepted policy `version`; accepting the same version again keeps the first record."""
    with transaction.atomic():
        acceptance, _created = PolicyAcceptance.objects.get_or_create(
            user=user, version=version, defaults={"ip_address": ip_address or None}
        )
    return acceptance
