"""/api/v1/enterprises: the caller's enterprises, members, invitations and partner grants.

An enterprise id the caller is not a member of is a 404. API tokens act only within the
enterprise they were issued for and need the organization:read / organization:write scope.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from cpass.core.actor import Actor
from cpass.core.api import request_actor
from cpass.core.errors import PermissionDenied
from cpass.core.idempotency import idempotent
from cpass.organizations import selectors, services
from cpass.organizations.models import Enterprise, Invitation, Membership, PartnerGrant
from cpass.organizations.schemas import (
    EnterpriseCreateIn,
    EnterpriseUpdateIn,
    GrantCreateIn,
    GrantOut,
    InvitationCreateIn,
    InvitationOut,
    InvitationTokenIn,
    MembershipOut,
    MembershipUpdateIn,
    MyEnterpriseOut,
    TransferOwnershipIn,
)

router = Router()


def _scope(actor: Actor, action: str) -> None:
    if not actor.has_scope("organization", action):
        raise PermissionDenied(_("This API token lacks the organization:%(action)s scope.") % {"action": action})


def _in(request: HttpRequest, enterprise_id: int) -> Actor:
    return selectors.actor_in_enterprise(actor=request_actor(request), enterprise_id=enterprise_id)


def _with_role(enterprise: Enterprise, role: str) -> Enterprise:
    enterprise.role = role  # type: ignore[attr-defined]
    return enterprise


@router.get("", response=list[MyEnterpriseOut], summary="My enterprises, with my role in each")
def enterprise_list(request: HttpRequest) -> list[Enterprise]:
    actor = request_actor(request)
    _scope(actor, "read")
    memberships = selectors.memberships_for_user(user=actor.user)
    if actor.scopes is not None:
        # A token acts only within the enterprise it was issued for.
        memberships = memberships.filter(enterprise=actor.enterprise)
    return [_with_role(m.enterprise, m.role) for m in memberships]


@router.post("", response={201: MyEnterpriseOut}, summary="Create an enterprise (you become its owner)")
@idempotent
def enterprise_create(request: HttpRequest, payload: EnterpriseCreateIn) -> Status[Enterprise]:
    actor = request_actor(request)
    _scope(actor, "write")
    enterprise = services.enterprise_create(user=actor.user, **payload.dict())
    return Status(201, _with_role(enterprise, "owner"))


@router.get("/grants/received", response=list[GrantOut], summary="Grants other enterprises gave my active enterprise")
def grants_received(request: HttpRequest) -> QuerySet[PartnerGrant]:
    return selectors.grants_received(actor=request_actor(request))


@router.post("/invitations/accept", response=MyEnterpriseOut, summary="Accept an invitation by its e-mailed token")
@idempotent
def invitation_accept(request: HttpRequest, payload: InvitationTokenIn) -> Enterprise:
    actor = request_actor(request)
    _scope(actor, "write")
    membership = services.invitation_accept(user=actor.user, token=payload.token)
    return _with_role(membership.enterprise, membership.role)


@router.post("/invitations/decline", response={204: None}, summary="Decline an invitation by its e-mailed token")
@idempotent
def invitation_decline(request: HttpRequest, payload: InvitationTokenIn) -> Status[None]:
    actor = request_actor(request)
    _scope(actor, "write")
    services.invitation_decline(user=actor.user, token=payload.token)
    return Status(204, None)


@router.get("/{int:enterprise_id}", response=MyEnterpriseOut)
def enterprise_get(request: HttpRequest, enterprise_id: int) -> Enterprise:
    actor = _in(request, enterprise_id)
    return _with_role(selectors.require(actor, "read"), actor.role or "")


@router.patch("/{int:enterprise_id}", response=MyEnterpriseOut, summary="Change details (administrator or owner)")
def enterprise_update(request: HttpRequest, enterprise_id: int, payload: EnterpriseUpdateIn) -> Enterprise:
    actor = _in(request, enterprise_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return _with_role(services.enterprise_update(actor=actor, **changes), actor.role or "")


@router.post("/{int:enterprise_id}/logo", response=MyEnterpriseOut, summary="Upload a logo (JPEG/PNG/WebP/GIF ≤ 5 MB)")
@idempotent
def enterprise_logo_set(request: HttpRequest, enterprise_id: int, logo: UploadedFile = File(...)) -> Enterprise:  # noqa: B008
    actor = _in(request, enterprise_id)
    return _with_role(services.enterprise_logo_set(actor=actor, upload=logo), actor.role or "")


@router.delete("/{int:enterprise_id}/logo", response={204: None})
def enterprise_logo_remove(request: HttpRequest, enterprise_id: int) -> Status[None]:
    services.enterprise_logo_remove(actor=_in(request, enterprise_id))
    return Status(204, None)


@router.get("/{int:enterprise_id}/members", response=list[MembershipOut])
def member_list(request: HttpRequest, enterprise_id: int) -> QuerySet[Membership]:
    return selectors.enterprise_memberships(actor=_in(request, enterprise_id))


@router.patch("/{int:enterprise_id}/members/{int:membership_id}", response=MembershipOut, summary="Change a role")
def member_update(
    request: HttpRequest, enterprise_id: int, membership_id: int, payload: MembershipUpdateIn
) -> Membership:
    return services.membership_change_role(
        actor=_in(request, enterprise_id), membership_id=membership_id, role=payload.role
    )


@router.delete(
    "/{int:enterprise_id}/members/{int:membership_id}",
    response={204: None},
    summary="Remove a member; your own membership id means leaving",
)
def member_remove(request: HttpRequest, enterprise_id: int, membership_id: int) -> Status[None]:
    actor = _in(request, enterprise_id)
    own = selectors.enterprise_memberships(actor=actor).filter(pk=membership_id, user=actor.user).exists()
    if own:
        services.membership_leave(actor=actor)
    else:
        services.membership_remove(actor=actor, membership_id=membership_id)
    return Status(204, None)


@router.post("/{int:enterprise_id}/transfer-ownership", response=MembershipOut, summary="Make another member the owner")
@idempotent
def transfer_ownership(request: HttpRequest, enterprise_id: int, payload: TransferOwnershipIn) -> Membership:
    return services.enterprise_transfer_ownership(
        actor=_in(request, enterprise_id), membership_id=payload.membership_id
    )


@router.get("/{int:enterprise_id}/invitations", response=list[InvitationOut])
def invitation_list(request: HttpRequest, enterprise_id: int) -> QuerySet[Invitation]:
    return selectors.enterprise_invitations(actor=_in(request, enterprise_id), pending_only=False)


@router.post("/{int:enterprise_id}/invitations", response={201: InvitationOut}, summary="Invite by e-mail")
@idempotent
def invitation_create(request: HttpRequest, enterprise_id: int, payload: InvitationCreateIn) -> Status[Invitation]:
    invitation, _token = services.invitation_create(
        actor=_in(request, enterprise_id), email=payload.email, role=payload.role
    )
    return Status(201, invitation)


@router.delete("/{int:enterprise_id}/invitations/{int:invitation_id}", response={204: None}, summary="Revoke")
def invitation_revoke(request: HttpRequest, enterprise_id: int, invitation_id: int) -> Status[None]:
    services.invitation_revoke(actor=_in(request, enterprise_id), invitation_id=invitation_id)
    return Status(204, None)


@router.get("/{int:enterprise_id}/grants", response=list[GrantOut], summary="Active grants given to partners")
def grant_list(request: HttpRequest, enterprise_id: int) -> QuerySet[PartnerGrant]:
    return selectors.grants_given(actor=_in(request, enterprise_id))


@router.post("/{int:enterprise_id}/grants", response={201: GrantOut}, summary="Give a partner access to a module")
@idempotent
def grant_create(request: HttpRequest, enterprise_id: int, payload: GrantCreateIn) -> Status[PartnerGrant]:
    grant = services.partner_grant_create(actor=_in(request, enterprise_id), **payload.dict())
    return Status(201, grant)


@router.delete("/{int:enterprise_id}/grants/{int:grant_id}", response={204: None}, summary="Revoke a grant")
def grant_revoke(request: HttpRequest, enterprise_id: int, grant_id: int) -> Status[None]:
    services.partner_grant_revoke(actor=_in(request, enterprise_id), grant_id=grant_id)
    return Status(204, None)
