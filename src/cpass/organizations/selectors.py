"""Reads for enterprises, memberships, invitations and grants; and building the Actor."""

from __future__ import annotations

import hashlib
from collections import defaultdict

from django.db.models import Case, IntegerField, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpass.accounts.models import User
from cpass.core.actor import Actor
from cpass.core.errors import Conflict, NotFound, PermissionDenied
from cpass.organizations.choices import InvitationStatus, Role
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
        membership = (
            Membership.objects.filter(user=user, enterprise_id=enterprise_id).select_related("enterprise").first()
        )
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
    return PartnerGrant.objects.filter(grantor_id=enterprise_id, revoked_at__isnull=True).order_by(
        "grantee__name", "module"
    )


def actor_in_enterprise(*, actor: Actor, enterprise_id: int) -> Actor:
    """The actor acting from `enterprise_id`, which must be one of the user's memberships.

    Anything else is NotFound (never Forbidden), so enterprise ids do not leak. An API token
    is bound to its own enterprise and cannot reach another one.
    """
    if actor.scopes is not None and actor.enterprise_id != enterprise_id:
        raise NotFound(_("No such enterprise, or you are not a member of it."))
    if actor.enterprise_id == enterprise_id:
        return actor
    target = actor_for(user=actor.user, enterprise_id=enterprise_id, scopes=actor.scopes, request_id=actor.request_id)
    if target.enterprise_id != enterprise_id:
        raise NotFound(_("No such enterprise, or you are not a member of it."))
    return target


def require(actor: Actor, action: str) -> Enterprise:
    """The actor's active enterprise if its role (and token scopes) allow `action` on it."""
    if actor.enterprise is None:
        raise NotFound(_("You are not a member of any enterprise yet."))
    if not actor.has_scope("organization", "read" if action == "read" else "write"):
        raise PermissionDenied(_("This API token lacks the organization scope for this."))
    if not actor.role_allows(action):
        messages = {
            "manage": _("Only an administrator or the owner of the enterprise can do this."),
            "own": _("Only the owner of the enterprise can do this."),
        }
        raise PermissionDenied(messages.get(action, _("Your role does not allow this.")))
    return actor.enterprise


def enterprise_memberships(*, actor: Actor) -> QuerySet[Membership]:
    """Members of the actor's active enterprise, owner first."""
    enterprise = require(actor, "read")
    role_order = Case(*(When(role=role, then=i) for i, role in enumerate(Role.values)), output_field=IntegerField())
    return (
        Membership.objects.filter(enterprise=enterprise)
        .select_related("user")
        .annotate(role_order=role_order)
        .order_by("role_order", "user__name", "pk")
    )


def enterprise_invitations(*, actor: Actor, pending_only: bool = True) -> QuerySet[Invitation]:
    enterprise = require(actor, "manage")
    invitations = Invitation.objects.filter(enterprise=enterprise).select_related("invited_by")
    if pending_only:
        invitations = invitations.filter(status=InvitationStatus.PENDING)
    return invitations.order_by("-created_at", "-pk")


def grants_given(*, actor: Actor) -> QuerySet[PartnerGrant]:
    """Active grants the actor's enterprise has given to partners."""
    enterprise = require(actor, "read")
    return (
        PartnerGrant.objects.filter(grantor=enterprise, revoked_at__isnull=True)
        .select_related("grantee", "granted_by")
        .order_by("grantee__name", "module", "pk")
    )


def grants_received(*, actor: Actor) -> QuerySet[PartnerGrant]:
    """Active grants other enterprises have given the actor's enterprise."""
    enterprise = require(actor, "read")
    return (
        PartnerGrant.objects.filter(grantee=enterprise, revoked_at__isnull=True)
        .select_related("grantor", "granted_by")
        .order_by("grantor__name", "module", "pk")
    )


def invitation_by_token(*, token: str) -> Invitation:
    """The invitation whose e-mailed token is `token` (only its SHA-256 is stored)."""
    invitation = (
        Invitation.objects.filter(token_hash=hashlib.sha256(token.encode()).hexdigest())
        .select_related("enterprise", "invited_by")
        .first()
    )
    if invitation is None:
        raise NotFound(_("This invitation link is not valid. Check that you copied the whole link."))
    return invitation


_ANSWERED = {
    InvitationStatus.ACCEPTED: _("This invitation has already been accepted."),
    InvitationStatus.DECLINED: _("This invitation was declined."),
    InvitationStatus.REVOKED: _("This invitation was withdrawn by the enterprise."),
}


def invitation_check(*, invitation: Invitation | None, user: User | None) -> Invitation:
    """Why an invitation cannot be answered (raised as an error), or the invitation if it can.

    With `user=None` (a visitor not logged in) only the invitation's own state is checked.
    """
    if invitation is None:
        raise NotFound(_("This invitation link is not valid. Check that you copied the whole link."))
    if invitation.status != InvitationStatus.PENDING:
        raise Conflict(_ANSWERED[InvitationStatus(invitation.status)])
    if invitation.expires_at <= timezone.now():
        raise Conflict(_("This invitation has expired. Ask the enterprise to send you a new one."))
    if user is None:
        return invitation
    if invitation.email.lower() != user.email.lower():
        raise PermissionDenied(
            _("This invitation was sent to %(email)s. Log in with that e-mail address to answer it.")
            % {"email": invitation.email}
        )
    if not user.is_verified:
        raise PermissionDenied(_("Verify your e-mail address first, then open the invitation again."))
    return invitation
