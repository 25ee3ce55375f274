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
#: The statuses of a declaration customs has accepted (entry number given) and not yet closed.
_ACCEPTED = frozenset({D.ACCEPTED, D.INSPECTION, D.ASSESSED, D.PAID, D.RELEASED})
#: A draft or validated declaration that has an entry number is under an amendment customs approved: customs still
#: holds it under that number until the correction is submitted again.
UNDER_AMENDMENT = frozenset({D.DRAFT, D.VALIDATED})

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
        # Withdrawing a submitted declaration customs has not accepted yet (撤单) is a manager's decision (a message
        # that never reached the gateway can also be sent again: gateway.services.declaration_resend). Once customs
        # has accepted it, only customs changes or cancels it, on a request (修撤单, RevisionRequest): GACC Order
        # No. 220 art. 3. Its approvals are the two customs steps below; a refusal moves nothing.
        Transition("withdraw", _("Withdraw"), frozenset({D.SUBMITTED}), D.CANCELLED, BY_MANAGER, True),
        Transition("reopen", _("Amendment approved by customs"), _ACCEPTED, D.DRAFT, BY_CUSTOMS),
        Transition("revoke", _("Withdrawal approved by customs"), _ACCEPTED | UNDER_AMENDMENT, D.CANCELLED, BY_CUSTOMS),
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
    D.ACCEPTED: _("a manager applies to customs to withdraw it"),
    D.RETURNED: _("cancel it"),
    D.INSPECTION: _("a manager applies to customs to withdraw it"),
    D.ASSESSED: _("a manager applies to customs to withdraw it"),
    D.PAID: _("a manager applies to customs to withdraw it"),
    D.RELEASED: _("close it"),
}
#: What ends a declaration under an approved amendment (a draft or validated one with an entry number).
AMENDMENT_NEXT_STEP: str | Promise = _("submit the correction, or a manager applies to customs to withdraw it")
#: The statuses of a declaration whose goods customs has released: what clears its shipment.
GOODS_RELEASED = frozenset({D.RELEASED, D.CLOSED})


def transitions_from(status: str, *, entry_number: str = "") -> list[Transition]:
    """The transitions that start at `status`, in the order of TRANSITIONS. A declaration under an amendment (it
    has an entry number) is not cancelled by a person: customs holds it, so it is withdrawn on a request."""
    held = bool(entry_number) and status in UNDER_AMENDMENT
    return [t for t in TRANSITIONS.values() if status in t.sources and not (held and t.name == "cancel")]


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
    REVISION = "revision", _("Amendment or withdrawal request")


class RevisionKind(models.TextChoices):
    """What a request to customs asks for (报关单修改/撤销申请): to amend (修改) or to withdraw (撤销)."""

    AMEND = "amend", _("Amend (修改)")
    WITHDRAW = "withdraw", _("Withdraw (撤销)")


class RevisionState(models.TextChoices):
    """Where a request stands: filed by a person, sent to customs, then approved or refused by customs."""

    REQUESTED = "requested", _("Requested")
    SENT = "sent", _("Sent to customs")
    APPROVED = "approved", _("Approved by customs")
    REFUSED = "refused", _("Refused by customs")


#: A request still waiting for customs' decision; a declaration has at most one.
REVISION_OPEN = frozenset({RevisionState.REQUESTED, RevisionState.SENT})


class RevisionReason(models.TextChoices):
    """The situations in which GACC Order No. 220 (《中华人民共和国海关进出口货物报关单修改和撤销管理办法》, as
    amended) lets the declarant apply to amend or withdraw a declaration customs has accepted: art. 5 (1)–(6) and
    art. 7 (a declarant's keying or writing error). docs/customs/workflow.md cites them."""

    SHUT_OUT = "shut_out", _("Export released, then shut out or moved to another means of transport (art. 5(1))")
    DISCREPANCY = "discrepancy", _("Short or over-landed, lost or damaged in transit (art. 5(2))")
    CUSTOMS_PROCEDURE = "procedure", _("Duty refund or recovery, customs guarantee or another procedure (art. 5(3))")
    PROVISIONAL_PRICE = "provisional_price", _("Provisional price settled (art. 5(4))")
    DIRECT_RETURN = "direct_return", _("Imported goods returned directly abroad (art. 5(5))")
    TECHNICAL = "technical", _("Computer or network fault corrupted the data (art. 5(6))")
    CLERICAL = "clerical", _("The declarant's keying or writing error (art. 7)")


#: The reasons that fit only one direction, or only released goods: art. 5(1) speaks of exports after release,
#: art. 5(5) of imports.
REVISION_REASON_DIRECTION: dict[str, str] = {RevisionReason.SHUT_OUT: "export", RevisionReason.DIRECT_RETURN: "import"}
REVISION_REASON_RELEASED_ONLY = frozenset({RevisionReason.SHUT_OUT})
#: The statuses a request may be filed in: customs has accepted the declaration (art. 3). A withdrawal may also be
#: asked for a declaration under an approved amendment (customs still holds it).
REVISABLE: dict[str, frozenset[str]] = {
    RevisionKind.AMEND: _ACCEPTED,
    RevisionKind.WITHDRAW: _ACCEPTED | UNDER_AMENDMENT,
}
#: Who files each kind: an amendment is the declarant's (customs brokers file them, and amending comes first, art.
#: 4); a withdrawal, as before acceptance, is a manager's.
REVISION_BY: dict[str, str] = {RevisionKind.AMEND: TransitionBy.WRITER, RevisionKind.WITHDRAW: TransitionBy.MANAGER}
#: The customs step an approval makes.
REVISION_TRANSITION: dict[str, str] = {RevisionKind.AMEND: "reopen", RevisionKind.WITHDRAW: "revoke"}


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
    NO_REQUEST = "no_request", _("no amendment or withdrawal request matches")
    REQUEST_DECIDED = "request_decided", _("the request was already decided")
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
    ReceiptReason.NO_REQUEST: _("No open amendment or withdrawal request of this declaration matches %(key)s."),
    ReceiptReason.REQUEST_DECIDED: _("Request %(key)s was already decided (%(decision)s)."),
    ReceiptReason.DISMISSED: _("Dismissed by %(name)s: %(reason)s"),
    ReceiptReason.STORED: "%(text)s",
}
