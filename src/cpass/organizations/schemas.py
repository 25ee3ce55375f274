"""API shapes for enterprises, members, invitations and partner grants."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from cpass.core.api import InputSchema


class EnterpriseOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str
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

    role: str


class EnterpriseCreateIn(InputSchema):
    name: str
    kind: str
    uscc: str
    name_en: str = ""
    customs_code: str = ""
    introduction: str = ""
    address: str = ""
    phone: str = ""


class EnterpriseUpdateIn(InputSchema):
    name: str | None = None
    name_en: str | None = None
    kind: str | None = None
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
    role: str
    user: MemberUserOut
    created_at: datetime


class MembershipUpdateIn(InputSchema):
    role: str


class TransferOwnershipIn(InputSchema):
    membership_id: int


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    status: str
    expires_at: datetime
    created_at: datetime
    responded_at: datetime | None


class InvitationCreateIn(InputSchema):
    email: str
    role: str


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
    module: str
    module_label: str
    access: str
    created_at: datetime
    revoked_at: datetime | None


class GrantCreateIn(InputSchema):
    grantee_uscc: str
    module: str
    access: str
