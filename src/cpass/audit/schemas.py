"""Shapes of the audit API: change-log rows, access-log rows and the change-log filters."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema

from cpass.audit.models import AccessLog, ChangeAction, ObjectChange
from cpass.core.api import one_of, ordering_of

CHANGE_ORDERING = ("time",)


class AuditChangeOut(Schema):
    """One change to one audited row; `before`/`after` hold only the fields that changed."""

    id: int
    time: datetime
    action: Annotated[str, one_of(ChangeAction)]
    object_type: str = Field(description='"app_label.model", e.g. "documents.document"')
    object_id: str
    object_repr: str
    user_id: int | None
    user_repr: str
    enterprise_id: int | None = Field(description="The enterprise that owns the changed row.")
    actor_enterprise_id: int | None = Field(description="The enterprise the person acted from.")
    request_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @staticmethod
    def resolve_object_type(obj: ObjectChange) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class AuditChangeFilterIn(Schema):
    """Query parameters of the enterprise change log."""

    object_type: str | None = Field(None, description='"app_label.model", e.g. "organizations.membership"')
    object_id: str | None = None
    user_id: int | None = Field(None, description="Only changes made by this user.")
    since: datetime | None = Field(None, description="From this time (inclusive, ISO 8601).")
    until: datetime | None = Field(None, description="Before this time (exclusive, ISO 8601).")
    ordering: Annotated[str, ordering_of(CHANGE_ORDERING)] | None = Field(None, description="-time by default.")


class AuditAccessLogOut(Schema):
    """One request the user made."""

    id: int
    time: datetime
    method: str
    path: str
    status: int
    ip_address: str | None
    browser: str
    operating_system: str
    device: str
    duration_ms: int
    request_id: str
    enterprise_id: int | None

    @staticmethod
    def resolve_ip_address(obj: AccessLog) -> str | None:
        return str(obj.ip_address) if obj.ip_address else None
