"""Writes of the customs gateway: send a submitted declaration, take in receipts, and staff's quarantine actions.

Receipts are idempotent and ordered. A receipt is keyed by (gateway, message id): one delivered again is answered
as a DUPLICATE and never applied twice. Receipts of one declaration are ordered by (issued_at, sequence): one older
than the newest applied is STALE. A receipt for no known declaration, with an unknown code, or whose transition the
current status does not allow, is QUARANTINED with the reason (logged as a warning). After every applied
transition, the declaration's quarantined receipts are tried again in order, so receipts arriving early are applied
once their predecessors arrive: any order of a valid sequence ends in the same status as the ordered sequence.
The declaration row is locked (select_for_update) before its receipts are read or written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cpass.core.actor import Actor
from cpass.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cpass.customs.choices import (
    FINAL,
    REVISION_TRANSITION,
    TRANSITIONS,
    DeclarationStatus,
    EventKind,
    MessageFormat,
    ReceiptReason,
    ReceiptState,
    RevisionKind,
    RevisionState,
)
from cpass.customs.gateway.base import (
    RECEIPT_CODES,
    FollowUp,
    GatewayError,
    MessageUnreadable,
    OutgoingMessage,
    ParsedReceipt,
)
from cpass.customs.gateway.connections import gateway_for, gateway_named
from cpass.customs.gateway.sandbox import (
    PAYMENT_POLL_SECONDS,
    PAYMENT_POLLS,
    SandboxGateway,
    delay_for,
    plan,
    revision_decision,
)
from cpass.customs.models import (
    CustomsConnection,
    Declaration,
    DeclarationDocument,
    DeclarationEvent,
    DeclarationItem,
    GatewayReceipt,
    GatewaySubmission,
    RevisionRequest,
)
from cpass.customs.selectors import declaration_get
from cpass.customs.services import apply_customs_transition, apply_revision_decision
from cpass.shipments.models import Container, ContainerLoad

logger = logging.getLogger(__name__)

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
_EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
REASON_LIMIT = 500


# -- sending --------------------------------------------------------------------------------------------


def message_id_for(declaration: Declaration) -> str:
    """Our client sequence number for this submission round: the declaration and the time it was submitted, so the
    send task run twice for one submission finds its first message instead of sending another."""
    moment = declaration.submitted_at or timezone.now()
    return f"CP{declaration.pk:08d}{moment.astimezone(CHINA):%y%m%d%H%M%S}"


def _loaded(declaration_id: int) -> Declaration:
    """The declaration with everything its message needs. Unscoped: the gateway works for the platform, by id."""
    return (
        Declaration.objects.unscoped()
        .select_related("domestic_trader", "overseas_trader", "consumer_producer", "declarant")
        .prefetch_related(
            Prefetch("items", queryset=DeclarationItem.objects.unscoped()),
            Prefetch("documents", queryset=DeclarationDocument.objects.unscoped()),
            Prefetch(
                "containers",
                queryset=Container.objects.unscoped().prefetch_related(
                    Prefetch("loads", queryset=ContainerLoad.objects.unscoped())
                ),
            ),
        )
        .get(pk=declaration_id)
    )


def declaration_send(*, declaration_id: int) -> tuple[GatewaySubmission, FollowUp | None] | None:
    """Build the message of a submitted declaration with its gateway, store it (GatewaySubmission), send it.

    Idempotent: a submission already sent is returned as it is; one stored but not sent (the transport failed) is
    sent again with the same payload. None when the declaration is gone or no longer submitted.
    """
    with transaction.atomic():
        declaration = Declaration.objects.unscoped().select_for_update().filter(pk=declaration_id).first()
        if declaration is None or declaration.status != DeclarationStatus.SUBMITTED:
            logger.info("declaration %s is not submitted any more; nothing sent", declaration_id)
            return None
        gateway = gateway_for(declaration)
        if declaration.gateway != gateway.name:
            declaration.gateway = gateway.name
            declaration.save(update_fields=["gateway", "updated_at"])
        message_id = message_id_for(declaration)
        submission = GatewaySubmission.objects.unscoped().filter(gateway=gateway.name, message_id=message_id).first()
        if submission is not None and submission.sent_at is not None:
            return submission, None
        if submission is None:
            message = gateway.build(
                _loaded(declaration.pk), message_id=message_id, modification=_is_modification(declaration)
            )
            submission = GatewaySubmission.objects.unscoped().create(
                enterprise_id=declaration.enterprise_id,
                declaration=declaration,
                gateway=gateway.name,
                message_format=message.message_format,
                message_id=message.message_id,
                payload=message.payload,
            )
    outgoing = OutgoingMessage(submission.message_id, submission.message_format, submission.payload)
    try:
        gateway.send(outgoing, submission_id=submission.pk)
    except GatewayError as exc:
        GatewaySubmission.objects.unscoped().filter(pk=submission.pk).update(error=str(exc)[:500])
        logger.warning("gateway %s refused submission %s: %s", gateway.name, submission.message_id, exc)
        raise
    with transaction.atomic():
        now = timezone.now()
        marked = (
            GatewaySubmission.objects.unscoped()
            .filter(pk=submission.pk, sent_at__isnull=True)
            .update(sent_at=now, error="")
        )
        if marked:
            DeclarationEvent.objects.create(
                enterprise_id=declaration.enterprise_id,
                declaration_id=declaration.pk,
                kind=EventKind.SUBMISSION,
                reason=f"{gateway.name} {submission.message_id}",
                occurred_at=now,
            )
    submission.refresh_from_db()
    return submission, (gateway.after_sent(submission) if marked else None)


def _is_modification(declaration: Declaration) -> bool:
    """Whether the declaration goes as the correction of one customs holds: it has an entry number and customs
    approved an amendment of it (a declaration returned after acceptance is filed anew)."""
    return bool(declaration.entry_number) and (
        RevisionRequest.objects.unscoped()
        .filter(declaration=declaration, kind=RevisionKind.AMEND, state=RevisionState.APPROVED)
        .exists()
    )


def revision_message_id(request: RevisionRequest) -> str:
    """Our client sequence number of a request's message: CR, the request and the time it was filed (China)."""
    return f"CR{request.pk:08d}{request.requested_at.astimezone(CHINA):%y%m%d%H%M%S}"


def revision_send(*, request_id: int) -> tuple[GatewaySubmission, FollowUp | None] | None:
    """Build the message of an amendment or withdrawal request with the declaration's gateway, store it
    (GatewaySubmission, linked from the request), send it and mark the request sent.

    Idempotent as `declaration_send`: a message already sent is returned as it is, one stored but not sent is
    sent again unchanged. None when the request is gone or already decided. Locks the declaration, then the
    request (the order every writer of a request keeps)."""
    with transaction.atomic():
        declaration_id = (
            RevisionRequest.objects.unscoped().filter(pk=request_id).values_list("declaration_id", flat=True).first()
        )
        if declaration_id is None:
            return None
        declaration = Declaration.objects.unscoped().select_for_update().get(pk=declaration_id)
        request = (
            RevisionRequest.objects.unscoped()
            .select_for_update(of=("self",))
            .select_related("submission")
            .get(pk=request_id)
        )
        if not request.is_open:
            logger.info("request %s is already decided; nothing sent", request_id)
            return None
        gateway = gateway_for(declaration)
        submission = request.submission
        if submission is not None and submission.sent_at is not None:
            return submission, None
        if submission is None:
            message_id = revision_message_id(request)
            request.declaration = _loaded(declaration.pk)
            message = gateway.build_revision(request, message_id=message_id)
            submission = GatewaySubmission.objects.unscoped().create(
                enterprise_id=declaration.enterprise_id,
                declaration=declaration,
                gateway=gateway.name,
                message_format=message.message_format,
                message_id=message.message_id,
                payload=message.payload,
            )
            request.submission = submission
            request.save(update_fields=["submission", "updated_at"])
    outgoing = OutgoingMessage(submission.message_id, submission.message_format, submission.payload)
    try:
        gateway.send(outgoing, submission_id=submission.pk)
    except GatewayError as exc:
        GatewaySubmission.objects.unscoped().filter(pk=submission.pk).update(error=str(exc)[:500])
        logger.warning("gateway %s refused request message %s: %s", gateway.name, submission.message_id, exc)
        raise
    with transaction.atomic():
        now = timezone.now()
        marked = (
            GatewaySubmission.objects.unscoped()
            .filter(pk=submission.pk, sent_at__isnull=True)
            .update(sent_at=now, error="")
        )
        if marked:
            request = RevisionRequest.objects.unscoped().select_for_update().get(pk=request_id)
            if request.state == RevisionState.REQUESTED:
                request.state = RevisionState.SENT
                request.save(update_fields=["state", "updated_at"])
            DeclarationEvent.objects.create(
                enterprise_id=declaration.enterprise_id,
                declaration_id=declaration.pk,
                kind=EventKind.SUBMISSION,
                transition=request.kind,
                reason=f"{gateway.name} {submission.message_id}",
                occurred_at=now,
            )
    submission.refresh_from_db()
    return submission, (gateway.after_sent(submission) if marked else None)


def declaration_resendable(declaration: Declaration) -> bool:
    """Whether a submitted declaration's message of this round has not reached the gateway (the background send
    gave up after its retries, or never ran), so a person may send it again."""
    if declaration.status != DeclarationStatus.SUBMITTED:
        return False
    return not (
        GatewaySubmission.objects.unscoped()
        .filter(declaration=declaration, message_id=message_id_for(declaration), sent_at__isnull=False)
        .exists()
    )


@transaction.atomic
def declaration_resend(*, actor: Actor, declaration_id: int) -> Declaration:
    """Send a submitted declaration again when its gateway could not be reached: the same message under the same
    id (customs never receives two declarations), in the background once this commits. Writers of the
    declaration; a message already sent is not sent again (customs' receipts follow it)."""
    declaration_get(actor=actor, declaration_id=declaration_id, action="write")
    declaration = Declaration.objects.for_actor(actor, "write").select_for_update().get(pk=declaration_id)
    if declaration.status != DeclarationStatus.SUBMITTED:
        raise Conflict(
            _("Only a submitted declaration is sent again; this one is %(status)s.")
            % {"status": declaration.get_status_display()}
        )
    if not declaration_resendable(declaration):
        raise Conflict(_("Its message has reached the gateway; customs' receipts will follow."))
    from cpass.customs.gateway.tasks import declaration_send_task

    declaration_pk = declaration.pk
    transaction.on_commit(lambda: declaration_send_task(declaration_pk))
    return declaration


# -- receipts ---------------------------------------------------------------------------------------------


def _text_of(payload: str | bytes) -> str:
    return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else payload


def _order_key(receipt: GatewayReceipt) -> tuple[dt.datetime, int]:
    return (receipt.issued_at or _EARLIEST, receipt.sequence)


def _declaration_id(gateway: str, parsed: ParsedReceipt) -> int | None:
    """The declaration a receipt names: by our message id echoed back, else customs' pre-entry or entry number."""
    if parsed.client_seq_no:
        found = (
            GatewaySubmission.objects.unscoped()
            .filter(gateway=gateway, message_id=parsed.client_seq_no)
            .values_list("declaration_id", flat=True)
            .first()
        )
        if found is not None:
            return found
    for field, value in (("pre_entry_number", parsed.pre_entry_number), ("entry_number", parsed.entry_number)):
        if value:
            ids = list(Declaration.objects.unscoped().filter(**{field: value}).values_list("pk", flat=True)[:2])
            if len(ids) == 1:
                return ids[0]
    return None


def _set_reason(receipt: GatewayReceipt, state: str, code: str, /, **params: str) -> None:
    receipt.state = state
    receipt.reason = code
    receipt.reason_params = {key: value[:REASON_LIMIT] for key, value in params.items()}


def _quarantine(receipt: GatewayReceipt, code: str, /, **params: str) -> None:
    _set_reason(receipt, ReceiptState.QUARANTINED, code, **params)
    receipt.save()
    with translation.override("en"):
        told = receipt.display_state_reason
    logger.warning(
        "receipt %s/%s quarantined (declaration %s): %s",
        receipt.gateway,
        receipt.message_id,
        receipt.declaration_key or "-",
        told,
    )


def _request_for(declaration: Declaration, parsed: ParsedReceipt) -> RevisionRequest | None:
    """The request a decision answers: the one whose message id customs echoed back, else (no id given) the
    declaration's open one."""
    requests = RevisionRequest.objects.unscoped().select_for_update().filter(declaration=declaration)
    if parsed.client_seq_no:
        return requests.filter(submission__message_id=parsed.client_seq_no).first()
    return requests.filter(state__in=[RevisionState.REQUESTED, RevisionState.SENT]).first()


def _decide_revision(receipt: GatewayReceipt, parsed: ParsedReceipt, declaration: Declaration) -> None:
    """Customs' decision on an amendment or withdrawal request: applied once to an open request. A decision for
    no request of the declaration is quarantined; one for a request already decided is a duplicate when it says
    the same, else quarantined for staff (the first decision stands)."""
    request = _request_for(declaration, parsed)
    key = parsed.client_seq_no or parsed.declaration_key
    if request is None:
        _quarantine(receipt, ReceiptReason.NO_REQUEST, key=key)
        return
    approves = RECEIPT_CODES[receipt.code].approves
    if not request.is_open:
        if (request.state == RevisionState.APPROVED) == approves:
            _set_reason(receipt, ReceiptState.DUPLICATE, ReceiptReason.REQUEST_DECIDED, key=key, decision=request.state)
            receipt.save()
        else:
            _quarantine(receipt, ReceiptReason.REQUEST_DECIDED, key=key, decision=request.state)
        return
    if approves:
        step = TRANSITIONS[REVISION_TRANSITION[request.kind]]
        receipt.transition = step.name
        if declaration.status not in step.sources:
            _quarantine(receipt, ReceiptReason.STATUS_REFUSED, status=declaration.status, action=step.name)
            return
    _set_reason(receipt, ReceiptState.QUARANTINED, ReceiptReason.NONE)
    receipt.save()
    request.declaration = declaration
    apply_revision_decision(
        request=request,
        approved=approves,
        receipt=receipt,
        reply=receipt.note or str(RECEIPT_CODES[receipt.code].label),
        occurred_at=receipt.issued_at or timezone.now(),
    )
    _set_reason(receipt, ReceiptState.APPLIED, ReceiptReason.NONE)
    receipt.save()


def _decide(receipt: GatewayReceipt, parsed: ParsedReceipt, declaration: Declaration) -> None:
    """Apply, or record why not, one receipt of a declaration locked by the caller; the receipt row is saved."""
    receipt.declaration = declaration
    receipt.declaration_key = receipt.declaration_key or parsed.declaration_key[:40]
    same = (
        GatewayReceipt.objects.filter(
            declaration=declaration,
            code=receipt.code,
            issued_at=receipt.issued_at,
            sequence=receipt.sequence,
            state=ReceiptState.APPLIED,
        )
        .exclude(pk=receipt.pk)
        .first()
    )
    if same is not None:
        _set_reason(receipt, ReceiptState.DUPLICATE, ReceiptReason.SAME_CONTENT, id=same.message_id)
        receipt.save()
        return
    if RECEIPT_CODES[receipt.code].revision:
        _decide_revision(receipt, parsed, declaration)
        return
    if not receipt.transition:
        if parsed.pre_entry_number and not declaration.pre_entry_number:
            declaration.pre_entry_number = parsed.pre_entry_number[:18]
            declaration.save(update_fields=["pre_entry_number", "updated_at"])
        receipt.state = ReceiptState.APPLIED
        receipt.save()
        return
    newest = (
        GatewayReceipt.objects.filter(declaration=declaration, state=ReceiptState.APPLIED)
        .exclude(transition="")
        .exclude(pk=receipt.pk)
        .order_by("-issued_at", "-sequence")
        .first()
    )
    if newest is not None and _order_key(receipt) <= _order_key(newest):
        _set_reason(receipt, ReceiptState.STALE, ReceiptReason.OLDER, id=newest.message_id)
        receipt.save()
        return
    step = TRANSITIONS[receipt.transition]
    if declaration.status not in step.sources:
        _quarantine(receipt, ReceiptReason.STATUS_REFUSED, status=declaration.status, action=step.name)
        return
    _set_reason(receipt, ReceiptState.QUARANTINED, ReceiptReason.NONE)
    receipt.save()
    reason = receipt.note or str(RECEIPT_CODES[receipt.code].label)
    try:
        with transaction.atomic():
            apply_customs_transition(
                declaration=declaration,
                transition=receipt.transition,
                receipt=receipt,
                reason=reason,
                entry_number=receipt.entry_number if receipt.transition == "accept" else "",
                occurred_at=receipt.issued_at or timezone.now(),
            )
    except IntegrityError:
        declaration.refresh_from_db()
        _quarantine(receipt, ReceiptReason.ENTRY_NUMBER_TAKEN, number=receipt.entry_number)
        return
    _set_reason(receipt, ReceiptState.APPLIED, ReceiptReason.NONE)
    receipt.save()


def _waiting(declaration: Declaration) -> list[GatewayReceipt]:
    """Quarantined receipts that may apply to this declaration now: its own, and unmatched ones naming it."""
    keys = {declaration.pre_entry_number, declaration.entry_number}
    keys.update(
        GatewaySubmission.objects.unscoped().filter(declaration=declaration).values_list("message_id", flat=True)
    )
    keys.discard("")
    return list(
        GatewayReceipt.objects.filter(state=ReceiptState.QUARANTINED, code__in=list(RECEIPT_CODES))
        .filter(Q(declaration=declaration) | Q(declaration__isnull=True, declaration_key__in=keys))
        .order_by("issued_at", "sequence", "pk")
    )


def _retry_waiting(declaration: Declaration) -> None:
    """Try the declaration's quarantined receipts again, oldest first, until none applies any more."""
    progressed = True
    while progressed:
        progressed = False
        for waiting in _waiting(declaration):
            parsed = _parse_stored(waiting)
            if parsed is None:
                continue
            _decide(waiting, parsed, declaration)
            if waiting.state == ReceiptState.APPLIED and waiting.transition:
                progressed = True
                break


def _parse_stored(receipt: GatewayReceipt) -> ParsedReceipt | None:
    try:
        return gateway_named(receipt.gateway).parse_receipt(receipt.payload, message_format=receipt.message_format)
    except (MessageUnreadable, ValidationFailed):
        return None


def _redelivered(existing: GatewayReceipt) -> GatewayReceipt:
    """The answer to a receipt delivered again: an unsaved copy marked DUPLICATE, naming the stored one."""
    logger.info("receipt %s/%s delivered again; not applied twice", existing.gateway, existing.message_id)
    return GatewayReceipt(
        gateway=existing.gateway,
        message_format=existing.message_format,
        message_id=existing.message_id,
        declaration=existing.declaration,
        declaration_key=existing.declaration_key,
        code=existing.code,
        transition=existing.transition,
        entry_number=existing.entry_number,
        note=existing.note,
        issued_at=existing.issued_at,
        sequence=existing.sequence,
        payload=existing.payload,
        state=ReceiptState.DUPLICATE,
        reason=ReceiptReason.REDELIVERED,
        reason_params={"id": str(existing.pk), "state": existing.state},
    )


@transaction.atomic
def receipt_ingest(*, gateway: str, message_format: str, payload: str | bytes) -> GatewayReceipt:
    """Parse, store, deduplicate, order and apply one receipt (see the module docstring). Never raises for what the
    receipt says; raises ValidationFailed only for an unknown gateway or format."""
    connection = gateway_named(gateway)
    if message_format not in MessageFormat.values:
        raise ValidationFailed.on("message_format", _("Unknown message format."))
    text = _text_of(payload)
    try:
        parsed = connection.parse_receipt(payload, message_format=message_format)
    except MessageUnreadable as exc:
        message_id = "unreadable-" + hashlib.sha256(text.encode()).hexdigest()[:40]
        existing = GatewayReceipt.objects.filter(gateway=gateway, message_id=message_id).first()
        if existing is not None:
            return _redelivered(existing)
        receipt = GatewayReceipt(gateway=gateway, message_format=message_format, message_id=message_id, payload=text)
        _quarantine(receipt, ReceiptReason.UNREADABLE, error=str(exc))
        return receipt

    declaration_id = _declaration_id(gateway, parsed)
    declaration = (
        Declaration.objects.unscoped().select_for_update().get(pk=declaration_id)
        if declaration_id is not None
        else None
    )
    existing = GatewayReceipt.objects.filter(gateway=gateway, message_id=parsed.message_id).first()
    if existing is not None:
        return _redelivered(existing)
    receipt = GatewayReceipt(
        gateway=gateway,
        message_format=message_format,
        message_id=parsed.message_id,
        declaration_key=parsed.declaration_key[:40],
        code=parsed.code[:10],
        transition=parsed.transition,
        entry_number=parsed.entry_number[:18],
        note=parsed.reason[:1000],
        issued_at=parsed.issued_at,
        sequence=parsed.sequence,
        payload=text,
    )
    try:
        with transaction.atomic():
            if not parsed.known:
                _quarantine(receipt, ReceiptReason.UNKNOWN_CODE, code=parsed.code[:10])
            elif declaration is None:
                _quarantine(receipt, ReceiptReason.NO_DECLARATION, key=parsed.declaration_key)
            else:
                _decide(receipt, parsed, declaration)
    except IntegrityError:
        # The same receipt arrived twice at the same moment; the other delivery stored it.
        return _redelivered(GatewayReceipt.objects.get(gateway=gateway, message_id=parsed.message_id))
    if declaration is not None and receipt.state == ReceiptState.APPLIED and receipt.transition:
        _retry_waiting(declaration)
        receipt.refresh_from_db()
    return receipt


# -- the sandbox's job ------------------------------------------------------------------------------------


def _sandbox_sequence(submission: GatewaySubmission, step: int) -> int:
    """The sandbox's NOTICE_SEQ: the step, after ten per earlier message of the declaration, so receipts of a
    correction or a request issued in the same second as earlier ones are neither taken for them nor older."""
    earlier = GatewaySubmission.objects.unscoped().filter(
        declaration_id=submission.declaration_id, pk__lt=submission.pk
    )
    return earlier.count() * 10 + step + 1


def sandbox_step(*, submission_id: int, step: int, polls: int = 0) -> FollowUp | None:
    """Send receipt `step` of the sandbox's plan for this submission; what to run next (None when done). The
    message of an amendment or withdrawal request gets customs' decision, once, while the request is open."""
    submission = GatewaySubmission.objects.unscoped().select_related("declaration").filter(pk=submission_id).first()
    if submission is None:
        return None
    gateway = gateway_named(submission.gateway)
    if not isinstance(gateway, SandboxGateway):
        return None
    declaration = _loaded(submission.declaration_id)
    submission.declaration = declaration
    request = RevisionRequest.objects.unscoped().filter(submission=submission).first()
    if request is not None:
        if request.is_open:
            request.declaration = declaration
            payload = gateway.receipt_payload(
                submission, revision_decision(request), sequence=_sandbox_sequence(submission, 0)
            )
            receipt_ingest(gateway=gateway.name, message_format=gateway.message_format, payload=payload)
        return None
    if declaration.status in FINAL or message_id_for(declaration) != submission.message_id:
        return None  # withdrawn, cancelled, or submitted again since: this round is over
    steps = plan(declaration)
    if step >= len(steps):
        return None
    receipt = steps[step]
    if receipt.wait_for_payment and declaration.status != DeclarationStatus.PAID:
        if declaration.status not in (DeclarationStatus.ASSESSED, DeclarationStatus.INSPECTION):
            return None
        if polls >= PAYMENT_POLLS:
            logger.info("sandbox: declaration %s was never paid; no release", declaration.reference)
            return None
        return FollowUp(submission_id, step, PAYMENT_POLL_SECONDS, polls + 1)
    payload = gateway.receipt_payload(submission, receipt, sequence=_sandbox_sequence(submission, step))
    receipt_ingest(gateway=gateway.name, message_format=gateway.message_format, payload=payload)
    if step + 1 >= len(steps):
        return None
    return FollowUp(submission_id, step + 1, delay_for(step + 1))


# -- staff: the quarantine ----------------------------------------------------------------------------------


def _require_staff(actor: Actor, *, absent: bool = False) -> None:
    """Platform staff only; for a page about one receipt, anyone else finds no such receipt (404), as the
    tenant-isolation walker expects of every object URL."""
    if not (actor.user.is_authenticated and actor.user.is_staff and actor.has_scope("customs", "write")):
        if absent:
            raise NotFound(_("No such receipt."))
        raise PermissionDenied(_("Only platform staff handle quarantined receipts."))


def _quarantined(receipt_id: int) -> GatewayReceipt:
    receipt = GatewayReceipt.objects.select_for_update().filter(pk=receipt_id).first()
    if receipt is None:
        raise NotFound(_("No such receipt."))
    if receipt.state != ReceiptState.QUARANTINED:
        raise Conflict(
            _("This receipt is not in quarantine (it is %(state)s).") % {"state": receipt.get_state_display()}
        )
    return receipt


@transaction.atomic
def receipt_reapply(*, actor: Actor, receipt_id: int) -> GatewayReceipt:
    """Staff try a quarantined receipt again (the declaration exists now, or its status allows it now). When it
    still cannot apply, nothing changes and the reason is the error."""
    _require_staff(actor, absent=True)
    receipt = _quarantined(receipt_id)
    parsed = _parse_stored(receipt)
    if parsed is None:
        raise Conflict(_("The receipt is still unreadable, or its gateway is gone."))
    if not parsed.known:
        raise Conflict(_("Unknown receipt code “%(code)s”.") % {"code": parsed.code[:10]})
    declaration_id = receipt.declaration_id or _declaration_id(receipt.gateway, parsed)
    if declaration_id is None:
        raise Conflict(_("Still no declaration matches %(key)s.") % {"key": parsed.declaration_key})
    declaration = Declaration.objects.unscoped().select_for_update().get(pk=declaration_id)
    _decide(receipt, parsed, declaration)
    if receipt.state == ReceiptState.QUARANTINED:
        raise Conflict(receipt.display_state_reason)
    if receipt.state == ReceiptState.APPLIED and receipt.transition:
        _retry_waiting(declaration)
    receipt.refresh_from_db()
    return receipt


@transaction.atomic
def receipt_dismiss(*, actor: Actor, receipt_id: int, reason: str) -> GatewayReceipt:
    """Staff decide a quarantined receipt will never apply; the reason is kept with who decided."""
    _require_staff(actor, absent=True)
    cleaned = " ".join(str(reason or "").split())
    if not cleaned:
        raise ValidationFailed.on("reason", _("Say why the receipt is dismissed."))
    if len(cleaned) > 400:
        raise ValidationFailed.on("reason", _("At most 400 characters."))
    receipt = _quarantined(receipt_id)
    _set_reason(
        receipt, ReceiptState.DISMISSED, ReceiptReason.DISMISSED, name=actor.user.get_username(), reason=cleaned
    )
    receipt.save()
    return receipt


@transaction.atomic
def customs_connection_set(*, actor: Actor, gateway: str) -> CustomsConnection | None:
    """Choose the connection the active enterprise files its declarations through (owner or administrator);
    "" goes back to the platform's default. Declarations already submitted keep the one they were sent with."""
    enterprise = actor.enterprise
    if enterprise is None or not actor.can("customs", "manage"):
        raise PermissionDenied(_("Only an owner or administrator of the enterprise chooses its customs connection."))
    name = str(gateway or "").strip()
    current = CustomsConnection.objects.for_actor(actor, "write").filter(enterprise=enterprise)
    existing = current.select_for_update().first()
    if not name:
        if existing is not None:
            existing.delete()
        return None
    gateway_named(name)
    if existing is None:
        return CustomsConnection.objects.create(enterprise=enterprise, gateway=name)
    if existing.gateway != name:
        existing.gateway = name
        existing.save()
    return existing
