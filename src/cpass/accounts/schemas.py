"""API schemas of the account endpoints (unique names for the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema

from cpass.accounts.models import ApiToken
from cpass.accounts.services import language_codes, token_scope_choices
from cpass.core.api import InputSchema, one_of

LanguageValue = Annotated[str, one_of(language_codes())]
ScopeValue = Annotated[str, one_of(token_scope_choices())]


class AccountOut(Schema):
    id: int
    email: str
    pending_email: str
    email_verified: bool
    name: str
    phone: str
    language: LanguageValue
    time_zone: str
    notify_by_email: bool
    marketing_email: bool
    marketing_sms: bool
    marketing_phone: bool
    marketing_post: bool
    two_factor_enabled: bool
    date_joined: datetime


class AccountUpdateIn(InputSchema):
    """Only the fields sent are changed. A new e-mail becomes `pending_email` until verified by link."""

    name: str | None = Field(None, min_length=1, max_length=150)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=32)
    language: LanguageValue | None = None
    time_zone: str | None = Field(None, description="An IANA time zone, e.g. Asia/Shanghai.")
    notify_by_email: bool | None = None
    marketing_email: bool | None = None
    marketing_sms: bool | None = None
    marketing_phone: bool | None = None
    marketing_post: bool | None = None


class ApiTokenCreateIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    enterprise: int = Field(..., description="Id of one of your enterprises; the token acts from it.")
    scopes: list[ScopeValue] = Field(..., description='"<module>:read" or "<module>:write", e.g. "documents:read".')
    expires_in_days: int = Field(..., description="1 to CPASS_API_TOKEN_MAX_DAYS.")


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str
    enterprise: int
    enterprise_name: str
    scopes: list[ScopeValue]
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None

    @staticmethod
    def resolve_enterprise(obj: ApiToken) -> int:
        return obj.enterprise_id

    @staticmethod
    def resolve_enterprise_name(obj: ApiToken) -> str:
        return obj.enterprise.name


class ApiTokenCreatedOut(ApiTokenOut):
    secret: str = Field(..., description="The token itself. Shown only in this response; store it safely.")


class UserSessionOut(Schema):
    id: int
    ip_address: str | None
    user_agent: str
    created_at: datetime
    last_seen_at: datetime
    current: bool
