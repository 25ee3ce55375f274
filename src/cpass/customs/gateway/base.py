"""The customs gateway interface (submit a declaration, read its receipts) and the dataclasses at its boundary.

A gateway adapter has the shape of a carrier integration: a mapper from our declaration to the partner's message,
a client that sends it, parsers for the replies. Services speak only the dataclasses below, never a message format.
The receipt codes are the Single Window receipt channel codes (回执 CHANNEL), shared by both formats here.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cpass.customs.choices import MessageFormat
from cpass.customs.models import Declaration, GatewaySubmission, RevisionRequest


class GatewayError(Exception):
    """The gateway could not be reached or refused the transport (not customs refusing the declaration)."""


class MessageUnreadable(ValueError):
    """A receipt that is not a well-formed message of the expected format; the text says what is wrong."""


@dataclass(frozen=True)
class ReceiptCode:
    """What one customs receipt code means: the workflow transition it makes ("" = information only), or, for
    customs' decision on an amendment or withdrawal request (`revision`), whether it approves it."""

    code: str
    transition: str
    label: str | Promise
    revision: bool = False
    approves: bool = False


#: Single Window receipt channel codes (回执 CHANNEL) and our transition for each. Codes not listed here are
#: quarantined as unknown. See docs/customs/single-window-xml.md for the sources and what is our choice.
RECEIPT_CODES: dict[str, ReceiptCode] = {
    c.code: c
    for c in [
        ReceiptCode("7", "", _("Declaration received (申报成功)")),
        ReceiptCode("L", "accept", _("Accepted into the customs system (海关入库成功)")),
        ReceiptCode("E", "return", _("Returned, not accepted (退单)")),
        ReceiptCode("Z", "return", _("Returned for correction (退回修改)")),
        ReceiptCode("C", "hold", _("Inspection notice (查验通知)")),
        ReceiptCode("T", "assess", _("Duties and taxes to pay (需交税费)")),
        ReceiptCode("P", "release", _("Released (海关已放行)")),
        ReceiptCode("K", "release", _("Released against a guarantee (担保放行)")),
        ReceiptCode("R", "", _("Customs clearance closed (已结关)")),
        # Customs' decision on an amendment or withdrawal request (修撤单): our codes, see the schema documents.
        # The step an approval makes follows from the request (REVISION_TRANSITION).
        ReceiptCode("MA", "", _("Amendment or withdrawal approved (修撤单审核通过)"), revision=True, approves=True),
        ReceiptCode("MR", "", _("Amendment or withdrawal refused (修撤单审核不通过)"), revision=True),
    ]
}


@dataclass(frozen=True)
class OutgoingMessage:
    """A declaration message ready to send: our message id (the client sequence number) and the exact text."""

    message_id: str
    message_format: str
    payload: str


@dataclass(frozen=True)
class ReceiptError:
    """One reason customs gives for returning a declaration: its code, the item (if any) and the text."""

    code: str
    text: str
    item_number: int | None = None


@dataclass(frozen=True)
class ParsedReceipt:
    """A receipt as read from any format: which declaration it names, what customs decided, when, and why.

    `client_seq_no` is our submission's message id echoed back; `pre_entry_number` (统一编号) and `entry_number`
    (海关编号) are customs' numbers. `sequence` breaks ties between receipts issued in the same second.
    """

    message_id: str
    code: str
    issued_at: dt.datetime | None
    client_seq_no: str = ""
    pre_entry_number: str = ""
    entry_number: str = ""
    sequence: int = 0
    note: str = ""
    errors: tuple[ReceiptError, ...] = field(default_factory=tuple)

    @property
    def transition(self) -> str:
        known = RECEIPT_CODES.get(self.code)
        return known.transition if known is not None else ""

    @property
    def known(self) -> bool:
        return self.code in RECEIPT_CODES

    @property
    def declaration_key(self) -> str:
        """The number the receipt names the declaration by, as kept on the receipt row."""
        return self.client_seq_no or self.pre_entry_number or self.entry_number

    @property
    def reason(self) -> str:
        """Customs' note and every error, one text (a returned declaration's reasons)."""
        parts = [self.note] if self.note else []
        for error in self.errors:
            where = f"[{error.item_number}] " if error.item_number else ""
            parts.append(f"{error.code} {where}{error.text}".strip())
        return "; ".join(parts)


@dataclass(frozen=True)
class FollowUp:
    """Work a connection asks for after a message was sent: the sandbox's next step, after `delay` seconds."""

    submission_id: int
    step: int
    delay: int
    polls: int = 0


class Gateway(ABC):
    """One connection to customs: a name, a message format, whether it is the sandbox, and its verbs."""

    #: Stored on the declaration, the submission and each receipt (at most 20 characters).
    name: str
    label: str | Promise
    message_format: str = MessageFormat.SINGLE_WINDOW_XML
    is_sandbox: bool = False

    @property
    def format_label(self) -> str:
        return str(MessageFormat(self.message_format).label)

    @abstractmethod
    def build(self, declaration: Declaration, *, message_id: str, modification: bool = False) -> OutgoingMessage:
        """Map the declaration (with its items, documents, containers and parties loaded) to the message.
        `modification`: the correction of a declaration customs holds under its entry number, after customs
        approved an amendment request (it replaces the accepted one instead of filing a new one)."""

    @abstractmethod
    def build_revision(self, request: RevisionRequest, *, message_id: str) -> OutgoingMessage:
        """Map a request to amend or withdraw an accepted declaration (its declaration loaded) to the message."""

    @abstractmethod
    def send(self, message: OutgoingMessage, *, submission_id: int) -> None:
        """Hand the message to customs; raise GatewayError when the transport fails (the task retries)."""

    def after_sent(self, submission: GatewaySubmission) -> FollowUp | None:
        """Anything to schedule once the submission is recorded as sent (a real gateway: nothing)."""
        return None

    @abstractmethod
    def parse_receipt(self, payload: str | bytes, *, message_format: str) -> ParsedReceipt:
        """Read one receipt; raise MessageUnreadable when it is not one."""
