"""The fixed vocabularies of customs declarations: status and its workflow, who may move it, charge modes,
event kinds and gateway message kinds."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: The declaration form's limit: one declaration carries at most 50 items (a larger shipment is split).
MAX_ITEMS = 50

#: The reference prefix of a declaration in the enterprise's sequence: DC-2026-00042 (预录入编号 is customs').
DECLARATION_PREFIX = "DC"


class DeclarationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    VALIDATED = "validated", _("Validated")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    INSPECTION = "inspection", _("Held for inspection")
    ASSESSED = "assessed", _("Duties assessed")
    PAID = "paid", _("Duties paid")
    RELEASED = "released", _("Released")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class TransitionBy(models.TextChoices):
    """Who may make a transition: a person with write access, one who manages, or customs (a receipt)."""

    WRITER = "write", _("Declarant")
    MANAGER = "manage", _("Manager")
    CUSTOMS = "customs", _("Customs")


@dataclass(frozen=True)
class Transition:
    """One allowed move of the workflow: from which statuses, by whom, and whether a reason is required."""

    name: str
    label: str | Promise
    sources: frozenset[str]
    target: str
    by: str
    needs_reason: bool = False


D = DeclarationStatus
BY_WRITER, BY_MANAGER, BY_CUSTOMS = TransitionBy.WRITER, TransitionBy.MANAGER, TransitionBy.CUSTOMS
_BEFORE_RELEASE = frozenset({D.ACCEPTED, D.INSPECTION, D.ASSESSED, D.PAID})

#: The workflow. People move a declaration through validate/submit/pay/close and may amend or cancel it;
#: the customs states (accepted, returned, inspection, assessed, released) come only from receipts of the
#: gateway (cpass.customs.gateway.services.receipt_ingest, or staff applying a quarantined one again).
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition("validate", _("Validate"), frozenset({D.DRAFT}), D.VALIDATED, BY_WRITER),
        Transition("edit", _("Edit again"), frozenset({D.VALIDATED}), D.DRAFT, BY_WRITER),
        Transition("submit", _("Submit to customs"), frozenset({D.VALIDATED}), D.SUBMITTED, BY_WRITER),
        Transition("accept", _("Accepted by customs"), frozenset({D.SUBMITTED}), D.ACCEPTED, BY_CUSTOMS),
        Transition(
            "return", _("Returned by customs"), frozenset({D.SUBMITTED, D.ACCEPTED}), D.RETURNED, BY_CUSTOMS, True
        ),
        Transition(
            "hold", _("Held for inspection"), frozenset({D.ACCEPTED, D.ASSESSED, D.PAID}), D.INSPECTION, BY_CUSTOMS
        ),
        Transition("assess", _("Duties assessed"), frozenset({D.ACCEPTED, D.INSPECTION}), D.ASSESSED, BY_CUSTOMS),
        Transition("pay", _("Record payment"), frozenset({D.ASSESSED}), D.PAID, BY_WRITER),
        Transition(
            "release", _("Released by customs"), frozenset({D.ACCEPTED, D.INSPECTION, D.PAID}), D.RELEASED, BY_CUSTOMS
        ),
        Transition("close", _("Close"), frozenset({D.RELEASED}), D.CLOSED, BY_WRITER),
        Transition("amend", _("Amend"), frozenset({D.RETURNED}), D.DRAFT, BY_WRITER, True),
        Transition("cancel", _("Cancel"), frozenset({D.DRAFT, D.VALIDATED, D.RETURNED}), D.CANCELLED, BY_WRITER, True),
        # Withdrawing a declaration once submitted (撤单) is a manager's decision: customs has it, or may have it
        # (a message that never reached the gateway can also be sent again: gateway.services.declaration_resend).
        Transition("withdraw", _("Withdraw"), _BEFORE_RELEASE | {D.SUBMITTED}, D.CANCELLED, BY_MANAGER, True),
    ]
}

#: Statuses in which header and items may still change.
EDITABLE = frozenset({D.DRAFT})
#: Statuses after which nothing happens any more.
FINAL = frozenset({D.CLOSED, D.CANCELLED})
#: The statuses of a declaration customs has (submitted or later, not yet final), each with the step that ends
#: it: its shipment is not cancelled meanwhile.
LODGED_NEXT_STEP: dict[str, str | Promise] = {
    D.SUBMITTED: _("a manager withdraws it"),
    D.ACCEPTED: _("a manager withdraws it"),
    D.RETURNED: _("cancel it"),
    D.INSPECTION: _("a manager withdraws it"),
    D.ASSESSED: _("a manager withdraws it"),
    D.PAID: _("a manager withdraws it"),
    D.RELEASED: _("close it"),
}
#: The statuses of a declaration whose goods customs has released: what clears its shipment.
GOODS_RELEASED = frozenset({D.RELEASED, D.CLOSED})


def transitions_from(status: str) -> list[Transition]:
    """The transitions that start at `status`, in the order of TRANSITIONS."""
    return [t for t in TRANSITIONS.values() if status in t.sources]


class ChargeMode(models.TextChoices):
    """How freight, insurance and other charges are declared (运费/保费/杂费标记 1, 2, 3)."""

    RATE = "rate", _("Rate (%)")
    UNIT = "unit", _("Per unit")
    TOTAL = "total", _("Total amount")


class Confirmation(models.TextChoices):
    """The yes/no confirmations of the form (特殊关系确认, 价格影响确认, 支付特许权使用费确认)."""

    YES = "yes", _("Yes")
    NO = "no", _("No")


class EventKind(models.TextChoices):
    TRANSITION = "transition", _("Status changed")
    RECEIPT = "receipt", _("Customs receipt")
    SUBMISSION = "submission", _("Sent to the gateway")
    SPLIT = "split", _("Split")
    NOTE = "note", _("Note")


class MessageFormat(models.TextChoices):
    """The message formats of the gateway adapters."""

    SINGLE_WINDOW_XML = "sw_xml", _("Single Window XML")
    EDIFACT = "edifact", _("UN/EDIFACT CUSDEC")


class ReceiptState(models.TextChoices):
    """What became of an incoming receipt."""

    APPLIED = "applied", _("Applied")
    DUPLICATE = "duplicate", _("Duplicate (already applied)")
    STALE = "stale", _("Out of order (newer state already known)")
    QUARANTINED = "quarantined", _("Quarantined")
    DISMISSED = "dismissed", _("Dismissed by staff")


class ReceiptReason(models.TextChoices):
    """Why a receipt was not applied as it stands. Stored as a code with its parameters and told in the reader's
    language (GatewayReceipt.display_state_reason), never as a sentence in the background job's language."""

    NONE = "", _("none")
    SAME_CONTENT = "same_content", _("same content as an applied receipt")
    OLDER = "older", _("older than an applied receipt")
    REDELIVERED = "redelivered", _("delivered again")
    UNREADABLE = "unreadable", _("unreadable")
    UNKNOWN_CODE = "unknown_code", _("unknown receipt code")
    NO_DECLARATION = "no_declaration", _("no declaration matches")
    STATUS_REFUSED = "status_refused", _("the declaration's status does not allow it")
    ENTRY_NUMBER_TAKEN = "entry_number_taken", _("entry number taken")
    DISMISSED = "dismissed", _("dismissed by staff")
    #: A sentence stored before reasons were told at display, kept as it was (migration customs 0007).
    STORED = "stored", _("as stored")


#: The sentence of each reason; its parameters are filled at display (labels of codes in the reader's language).
RECEIPT_REASON_SENTENCES: dict[str, str | Promise] = {
    ReceiptReason.SAME_CONTENT: _("Same content as receipt %(id)s, already applied."),
    ReceiptReason.OLDER: _("Older than receipt %(id)s, which is already applied."),
    ReceiptReason.REDELIVERED: _("Already received as receipt %(id)s (%(state)s); not applied again."),
    ReceiptReason.UNREADABLE: _("Unreadable: %(error)s"),
    ReceiptReason.UNKNOWN_CODE: _("Unknown receipt code “%(code)s”."),
    ReceiptReason.NO_DECLARATION: _("No declaration matches %(key)s."),
    ReceiptReason.STATUS_REFUSED: _("A declaration that is %(status)s cannot be moved by “%(action)s”."),
    ReceiptReason.ENTRY_NUMBER_TAKEN: _("Entry number %(number)s already belongs to another declaration."),
    ReceiptReason.DISMISSED: _("Dismissed by %(name)s: %(reason)s"),
    ReceiptReason.STORED: "%(text)s",
}
