"""Reads for enterprises, memberships, invitations and grants; and building the Actor."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet
from django.utils import timezone

from cpass.accounts.models import User
from cpass.core.actor import Actor
from cpass.organizations.choices import InvitationStatus
from cpass.organizations.models import Enterprise, Invitation, Membership, PartnerGrant


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("enterprise").order_by("enterprise__name")


def active_grants_to(*, enterprise_id: int) -> dict[int, dict[str, str]]:
    """Grantor id -> module -> access, for the grants `enterprise_id` has received and not lost."""
    grants: dict[int, dict[str, str]] = defaultdict(dict)
    rows = PartnerGrant.objects.filter(grantee_id=enterprise_id, revoked_at__isnull=True).values_list(
        "grantor_id", "module", "access"
    )
    for grantor_id, module, access in rows:
        grants[grantor_id][module] = access
    return dict(grants)


def actor_for(
    *, user: User, enterprise_id: int | None, scopes: frozenset[str] | None = None, request_id: str = ""
) -> Actor:
    """The Actor for `user` acting from `enterprise_id`.

    An enterprise the user is not a member of is ignored (falls back to the first
    membership for sessions; tokens pass the token's own enterprise, so a token whose
    owner has left the enterprise acts from nowhere and sees nothing).
    """
    membership: Membership | None = None
    if enterprise_id is not None:
        membership = Membership.objects.filter(user=user, enterprise_id=enterprise_id).select_related("enterprise").first()
    if membership is None and scopes is None:
        membership = memberships_for_user(user=user).first()
    if membership is None:
        return Actor(user=user, enterprise=None, role=None, scopes=scopes, request_id=request_id)
    return Actor(
        user=user,
        enterprise=membership.enterprise,
        role=membership.role,
        grants=active_grants_to(enterprise_id=membership.enterprise_id),
        scopes=scopes,
        request_id=request_id,
    )


def enterprises_visible_to(*, actor: Actor) -> QuerySet[Enterprise]:
    """The enterprises the actor may look at: those it belongs to and those that granted it access."""
    own = Membership.objects.filter(user=actor.user).values("enterprise_id")
    granted = list(actor.grants)
    return Enterprise.objects.filter(pk__in=own) | Enterprise.objects.filter(pk__in=granted)


def pending_invitations_for_user(*, user: User) -> QuerySet[Invitation]:
    """Invitations addressed to the user's verified e-mail that can still be answered."""
    if not user.is_verified:
        return Invitation.objects.none()
    return Invitation.objects.filter(
        email__iexact=user.email, status=InvitationStatus.PENDING, expires_at__gt=timezone.now()
    ).select_related("enterprise", "invited_by")


def enterprises_granting(*, actor: Actor) -> QuerySet[Enterprise]:
    """Client enterprises that have granted the actor's enterprise access to some module."""
    return Enterprise.objects.filter(pk__in=list(actor.grants)).order_by("name")


def active_grants_given_by(*, enterprise_id: int) -> QuerySet[PartnerGrant]:
    return PartnerGrant.objects.filter(grantor_id=enterprise_id, revoked_at__isnull=True).order_by("grantee__name", "module")
