"""The sandbox customs: a gateway that answers like customs, for demos, tests and training. Clearly not customs.

It runs as a background job (sandbox_customs_task), one receipt per step, after the delays in
CPASS_SANDBOX_GATEWAY_DELAYS. Every decision is deterministic, so a test or a demo gets the same answers each time:

1. 7  declaration received, with a pre-entry number (统一编号);
2. E  returned with every reason, when validate_declaration finds errors or a customs-side check below fails;
   otherwise L accepted, with an entry number (海关编号);
3. C  inspection notice, for the share CPASS_SANDBOX_INSPECTION_RATE of declarations picked by a hash of the reference;
4. T  duties assessed (not for self-assessment, 自报自缴), then P released once the declaration is paid; a
   self-assessed declaration is released (P) straight away.

A request to amend or withdraw an accepted declaration (修撤单) gets one answer: MR refused when the goods are
held for inspection (GACC Order No. 220 art. 8: no amendment or withdrawal before the inspection's formalities are
done), else MA approved. The correction sent after an approved amendment is answered like a first filing.

Receipts are real messages in the connection's format (DEC_RESULT XML or CUSRES) and go through receipt_ingest
exactly as a real gateway's would.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cpass.customs.choices import DeclarationStatus, MessageFormat, RevisionKind
from cpass.customs.gateway.base import FollowUp, Gateway, OutgoingMessage, ParsedReceipt
from cpass.customs.gateway.edifact.mapper import cusdec_message, cusdec_revision, cusres_message
from cpass.customs.gateway.edifact.parser import parse_cusres
from cpass.customs.gateway.singlewindow.mapper import declaration_message, receipt_message, revision_message
from cpass.customs.gateway.singlewindow.parser import parse_receipt
from cpass.customs.models import Declaration, DeclarationItem, GatewaySubmission, RevisionRequest
from cpass.shipments.choices import Direction

SANDBOX_SENDER = "CNCUSTOMS-SANDBOX"
#: How often the sandbox looks whether assessed duties were paid, and for how long (7 days) before it gives up.
PAYMENT_POLL_SECONDS = 300
PAYMENT_POLLS = 7 * 24 * 3600 // PAYMENT_POLL_SECONDS
#: Customs' own plausibility band of the declared value per kilogram, in the trade currency.
VALUE_PER_KG = (Decimal("0.05"), Decimal("100000"))
_BRAND_TYPE = re.compile(r"^\s*\d\s*\|")


@dataclass(frozen=True)
class SandboxReceipt:
    code: str
    note: str
    errors: tuple[tuple[str, int | None, str], ...] = ()
    wait_for_payment: bool = False


def delay_for(step: int) -> int:
    """Seconds before receipt `step` (0-based); the last configured delay repeats."""
    delays = settings.CPASS_SANDBOX_GATEWAY_DELAYS or [0]
    return max(0, delays[min(step, len(delays) - 1)])


def selected_for_inspection(declaration: Declaration) -> bool:
    """Deterministic: the first 8 hex digits of SHA-256(reference) modulo 100, below the inspection rate (%)."""
    digest = hashlib.sha256(declaration.reference.encode()).hexdigest()
    return int(digest[:8], 16) % 100 < settings.CPASS_SANDBOX_INSPECTION_RATE


def pre_entry_number(declaration: Declaration) -> str:
    """统一编号 as the Single Window gives it: I/E, the year and a 13-digit serial (18 characters)."""
    flag = "I" if declaration.direction == Direction.IMPORT else "E"
    year = (declaration.submitted_at or timezone.now()).astimezone(dt.timezone(dt.timedelta(hours=8))).year
    return f"{flag}{year}{declaration.pk % 10**13:013d}"


def entry_number(declaration: Declaration) -> str:
    """海关编号: the 4-digit declaring customs office, the 4-digit year, the I/E flag (1 import, 0 export) and a
    9-digit serial, 18 digits in all (e.g. 900120241000000851)."""
    office = (declaration.declaring_customs or "0000")[:4].rjust(4, "0")
    year = (declaration.submitted_at or timezone.now()).astimezone(dt.timezone(dt.timedelta(hours=8))).year
    flag = "1" if declaration.direction == Direction.IMPORT else "0"
    return f"{office}{year}{flag}{declaration.pk % 10**9:09d}"


def _customs_checks(item: DeclarationItem) -> list[tuple[str, int | None, str]]:
    """The checks the sandbox customs makes itself, beyond our validation rules (see docs/customs/gateway.md)."""
    found: list[tuple[str, int | None, str]] = []
    spec = item.specification or ""
    if not (_BRAND_TYPE.match(spec) or "品牌类型" in spec):
        found.append(
            ("SBX-001", item.item_number, "规格型号未申报品牌类型 (specification does not state the brand type)")
        )
    if item.quantity is not None and item.unit_price is not None and item.total_price is not None:
        if abs(item.quantity * item.unit_price - item.total_price) > Decimal("1"):
            found.append(("SBX-002", item.item_number, "申报总价与单价×数量不符 (total is not unit price × quantity)"))
    kilograms = None
    if item.legal_unit_1 == "035":
        kilograms = item.legal_quantity_1
    elif item.legal_unit_2 == "035":
        kilograms = item.legal_quantity_2
    if kilograms and item.total_price is not None:
        per_kg = item.total_price / kilograms
        if not VALUE_PER_KG[0] <= per_kg <= VALUE_PER_KG[1]:
            found.append(("SBX-003", item.item_number, "申报价格明显偏离 (declared value per kg is implausible)"))
    return found


def findings(declaration: Declaration) -> list[tuple[str, int | None, str]]:
    """Every reason the sandbox customs returns the declaration for: our rules' errors, then its own checks."""
    from cpass.customs.rules import validate_declaration  # the rules package lands beside this one

    reasons: list[tuple[str, int | None, str]] = []
    with translation.override("zh-hans"):
        report = validate_declaration(declaration, on=declaration.declaration_date)
        for finding in report.errors:
            reasons.append((finding.code, finding.item_number, f"{finding.field}: {finding.message}"))
    for item in sorted(declaration.items.all(), key=lambda i: i.item_number):
        reasons.extend(_customs_checks(item))
    return reasons


def plan(declaration: Declaration) -> list[SandboxReceipt]:
    """The receipts the sandbox sends for this declaration, in order."""
    steps = [SandboxReceipt("7", "申报成功 (received)")]
    reasons = findings(declaration)
    if reasons:
        steps.append(SandboxReceipt("E", "退单: 申报内容不符合要求 (returned)", tuple(reasons)))
        return steps
    steps.append(SandboxReceipt("L", "海关入库成功 (accepted)"))
    if selected_for_inspection(declaration):
        steps.append(SandboxReceipt("C", "查验通知: 请联系现场海关安排查验 (inspection notice)"))
    if declaration.self_assessment:
        steps.append(SandboxReceipt("P", "海关已放行 (released)"))
    else:
        steps.append(SandboxReceipt("T", "需交税费 (duties and taxes to pay)"))
        steps.append(SandboxReceipt("P", "海关已放行 (released)", wait_for_payment=True))
    return steps


#: Customs' words refusing a request for goods under inspection (GACC Order No. 220 art. 8).
REFUSED_UNDER_INSPECTION = (
    "不予修改或撤销: 海关已决定查验, 办结相关手续前不得修改或者撤销报关单 (《海关进出口货物报关单修改和撤销管理办法》"
    "第八条) (refused: the goods are under inspection)"
)


def revision_decision(request: RevisionRequest) -> SandboxReceipt:
    """The sandbox customs' answer to an amendment or withdrawal request, on the declaration as it stands now."""
    if request.declaration.status == DeclarationStatus.INSPECTION:
        return SandboxReceipt("MR", REFUSED_UNDER_INSPECTION)
    if request.kind == RevisionKind.AMEND:
        return SandboxReceipt(
            "MA", "同意修改, 请更正后重新发送报关单 (amendment approved: send the corrected declaration)"
        )
    return SandboxReceipt("MA", "同意撤销报关单 (withdrawal approved)")


class SandboxGateway(Gateway):
    """The sandbox customs in one message format. `is_sandbox` is what pages show as the "sandbox" mark."""

    is_sandbox = True

    def __init__(self, name: str, message_format: str) -> None:
        self.name = name
        self.message_format = message_format
        self.label = (
            _("Sandbox customs (Single Window XML)")
            if message_format == MessageFormat.SINGLE_WINDOW_XML
            else _("Sandbox customs (UN/EDIFACT)")
        )

    def build(self, declaration: Declaration, *, message_id: str, modification: bool = False) -> OutgoingMessage:
        if self.message_format == MessageFormat.EDIFACT:
            payload = cusdec_message(
                declaration,
                message_id=message_id,
                sender=f"CPASS{declaration.enterprise_id}",
                recipient=SANDBOX_SENDER,
                modification=modification,
            )
        else:
            payload = declaration_message(declaration, message_id=message_id, modification=modification)
        return OutgoingMessage(message_id=message_id, message_format=self.message_format, payload=payload)

    def build_revision(self, request: RevisionRequest, *, message_id: str) -> OutgoingMessage:
        if self.message_format == MessageFormat.EDIFACT:
            sender = f"CPASS{request.enterprise_id}"
            payload = cusdec_revision(request, message_id=message_id, sender=sender, recipient=SANDBOX_SENDER)
        else:
            payload = revision_message(request, message_id=message_id)
        return OutgoingMessage(message_id=message_id, message_format=self.message_format, payload=payload)

    def send(self, message: OutgoingMessage, *, submission_id: int) -> None:
        """Nothing travels: the sandbox reads the stored submission when its job runs (see after_sent)."""

    def after_sent(self, submission: GatewaySubmission) -> FollowUp | None:
        return FollowUp(submission.pk, 0, delay_for(0))

    def parse_receipt(self, payload: str | bytes, *, message_format: str) -> ParsedReceipt:
        if message_format == MessageFormat.EDIFACT:
            return parse_cusres(payload)
        return parse_receipt(payload)

    def receipt_payload(self, submission: GatewaySubmission, receipt: SandboxReceipt, *, sequence: int) -> str:
        """The receipt as this connection's customs would write it. An answer to a request names the declaration
        by the entry number it has."""
        declaration = submission.declaration
        numbers = {
            "client_seq_no": submission.message_id,
            "pre_entry_number": declaration.pre_entry_number or pre_entry_number(declaration),
            "entry_number": (
                declaration.entry_number or entry_number(declaration) if receipt.code not in ("7", "E") else ""
            ),
        }
        if self.message_format == MessageFormat.EDIFACT:
            return cusres_message(
                **numbers,
                code=receipt.code,
                issued_at=timezone.now(),
                note=receipt.note,
                customs_office=declaration.declaring_customs,
                sequence=sequence,
                sender=SANDBOX_SENDER,
                recipient=f"CPASS{declaration.enterprise_id}",
                errors=receipt.errors,
            )
        return receipt_message(
            **numbers,
            channel=receipt.code,
            notice_at=timezone.now(),
            note=receipt.note,
            customs_office=declaration.declaring_customs,
            sequence=sequence,
            import_export_date=declaration.import_export_date,
            declaration_date=declaration.declaration_date,
            errors=receipt.errors,
        )
