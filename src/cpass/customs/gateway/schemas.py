"""API schemas of the customs gateway: an incoming receipt, and submissions and receipts as read back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema

from cpass.core.api import InputSchema, one_of
from cpass.customs.choices import TRANSITIONS, MessageFormat, ReceiptReason, ReceiptState, TransitionBy
from cpass.customs.models import GatewayReceipt

MessageFormatValue = Annotated[str, one_of(MessageFormat)]


class GatewayReceiptIngestIn(InputSchema):
    gateway: str = Field(..., max_length=20, description="The connection the receipt came through, e.g. sandbox.")
    message_format: MessageFormatValue = Field(
        ..., max_length=8, description="sw_xml (DEC_RESULT XML) or edifact (CUSRES)."
    )
    payload: str = Field(..., min_length=1, max_length=500_000, description="The receipt exactly as received.")


class GatewayReceiptDismissIn(InputSchema):
    reason: str = Field(..., max_length=400, description="Why the receipt will never apply (kept with who decided).")


class GatewayReceiptOut(Schema):
    id: int | None = Field(None, description="None for a receipt delivered again (state duplicate, not stored).")
    gateway: str
    message_format: MessageFormatValue
    message_id: str
    declaration_id: int | None
    declaration_key: str
    code: str
    #: The customs step the receipt carries; "" for a receipt that carries none.
    transition: Annotated[
        str, one_of((t.name for t in TRANSITIONS.values() if t.by == TransitionBy.CUSTOMS), blank=True)
    ]
    entry_number: str
    note: str
    issued_at: datetime | None
    sequence: int
    state: Annotated[str, one_of(ReceiptState)]
    #: Why it stands as it does, in the request's language.
    state_reason: str
    #: The same reason for programs: its code ("" for none) and parameters (receipt ids, numbers, names as given;
    #: status, action and state as codes).
    state_reason_code: Annotated[str, one_of(ReceiptReason)]
    state_reason_params: dict[str, str]
    created_at: datetime | None

    @staticmethod
    def resolve_state_reason(obj: GatewayReceipt) -> str:
        return obj.display_state_reason

    @staticmethod
    def resolve_state_reason_code(obj: GatewayReceipt) -> str:
        return obj.reason

    @staticmethod
    def resolve_state_reason_params(obj: GatewayReceipt) -> dict[str, str]:
        return {key: str(value) for key, value in obj.reason_params.items()}


class GatewaySubmissionOut(Schema):
    id: int
    gateway: str
    message_format: MessageFormatValue
    message_id: str
    payload: str
    sent_at: datetime | None
    error: str
    created_at: datetime


class GatewayOut(Schema):
    name: str
    label: str
    message_format: MessageFormatValue = Field(
        ..., description="sw_xml (Single Window style XML) or edifact (UN/EDIFACT CUSDEC)."
    )
    is_sandbox: bool = Field(..., description="True for the sandbox customs: nothing reaches the real customs.")


class CustomsConnectionOut(Schema):
    gateway: GatewayOut | None = Field(
        ..., description="The connection in effect; null when the chosen one is no longer configured."
    )
    chosen: str = Field(..., description="The connection the enterprise chose; empty: the platform's default.")
    platform_default: GatewayOut
    available: list[GatewayOut]


class CustomsConnectionIn(InputSchema):
    gateway: str = Field(
        ..., max_length=20, description="The name of an available connection, or empty for the platform's default."
    )
