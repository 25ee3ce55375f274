"""API shapes for enterprises, members, invitations and partner grants."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Schema

from cpass.core.api import InputSchema, one_of
from cpass.core.modules import MODULES, delegable_modules
from cpass.organizations.choices import Access, EnterpriseKind, InvitationStatus, Role

EnterpriseKindValue = Annotated[str, one_of(EnterpriseKind)]
RoleValue = Annotated[str, one_of(Role)]
#: The roles a member is given by invitation or change; ownership moves by transfer only.
GivenRoleValue = Annotated[str, one_of(role for role in Role if role != Role.OWNER)]
AccessValue = Annotated[str, one_of(Access)]


class EnterpriseOut(Schema):
    id: int
    name: str
    name_en: str
    kind: EnterpriseKindValue
    uscc: str
    customs_code: str
    introduction: str
    address: str
    phone: str
    logo_url: str | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_logo_url(obj: object) -> str | None:
        logo = getattr(obj, "logo", None)
        return logo.url if logo else None


class MyEnterpriseOut(EnterpriseOut):
    """An enterprise in the caller's list, with the caller's role there."""

    role: RoleValue


class EnterpriseCreateIn(InputSchema):
    name: str
    kind: EnterpriseKindValue
    uscc: str
    name_en: str = ""
    customs_code: str = ""
    introduction: str = ""
    address: str = ""
    phone: str = ""


class EnterpriseUpdateIn(InputSchema):
    name: str | None = None
    name_en: str | None = None
    kind: EnterpriseKindValue | None = None
    uscc: str | None = None
    customs_code: str | None = None
    introduction: str | None = None
    address: str | None = None
    phone: str | None = None


class MemberUserOut(Schema):
    id: int
    name: str
    email: str


class MembershipOut(Schema):
    id: int
    role: RoleValue
    user: MemberUserOut
    created_at: datetime


class MembershipUpdateIn(InputSchema):
    role: GivenRoleValue


class TransferOwnershipIn(InputSchema):
    membership_id: int


class InvitationOut(Schema):
    id: int
    email: str
    role: RoleValue
    status: Annotated[str, one_of(InvitationStatus)]
    expires_at: datetime
    created_at: datetime
    responded_at: datetime | None


class InvitationCreateIn(InputSchema):
    email: str
    role: GivenRoleValue


class InvitationTokenIn(InputSchema):
    token: str


class PartnerRefOut(Schema):
    id: int
    name: str
    uscc: str


class GrantOut(Schema):
    id: int
    grantor: PartnerRefOut
    grantee: PartnerRefOut
    module: Annotated[str, one_of(MODULES)]
    module_label: str
    access: AccessValue
    created_at: datetime
    revoked_at: datetime | None


class GrantCreateIn(InputSchema):
    grantee_uscc: str
    module: Annotated[str, one_of(module.key for module in delegable_modules())]
    access: AccessValue
