"""Amendment and withdrawal requests (修撤单) of declarations customs has accepted: filing (roles, statuses,
reasons, one open request), the messages in both formats, customs' decisions as receipts (recorded fixtures,
applied once, quarantined when they match no request), the sandbox end to end, the API and the page."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError
from django.utils import translation

from cpass.core.errors import Conflict, PermissionDenied, ValidationFailed
from cpass.customs import services
from cpass.customs.choices import (
    DeclarationStatus,
    EventKind,
    MessageFormat,
    ReceiptReason,
    ReceiptState,
    RevisionState,
)
from cpass.customs.gateway.edifact.parser import parse_cusres, segments
from cpass.customs.gateway.services import receipt_ingest, revision_send
from cpass.customs.gateway.singlewindow.parser import parse_declaration, parse_receipt, parse_revision
from cpass.customs.gateway.tasks import sandbox_customs_task
from cpass.customs.models import Declaration, DeclarationEvent, GatewayReceipt, GatewaySubmission, RevisionRequest
from cpass.customs.tests.factories import DeclarationFactory, DeclarationItemFactory, RevisionRequestFactory
from cpass.organizations.tests.factories import MembershipFactory
from cpass.shipments import services as shipment_services
from cpass.shipments.choices import Direction

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "gateway" / "fixtures"
T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
REQUEST_SEQ = "CR00000007260305093000"
BASE = "/api/v1/customs/declarations"


def accepted(enterprise: Any, status: str = DeclarationStatus.ACCEPTED, gateway: str = "sandbox", **fields: Any):
    """A declaration customs accepted (entry number given) through `gateway`, with one item its rules pass."""
    declaration = DeclarationFactory.create(
        enterprise=enterprise,
        status=status,
        submitted_at=T0,
        declaration_date=dt.date(2026, 3, 2),
        gateway=gateway,
        pre_entry_number="I20260000000000042",
        **fields,
    )
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(entry_number=f"2248202610{declaration.pk:08d}")
    DeclarationItemFactory.create(
        enterprise=enterprise, declaration=declaration, specification="0|0|齿轮泵|液压|CBN-E306"
    )
    return Declaration.objects.unscoped().get(pk=declaration.pk)


def message(request: RevisionRequest) -> GatewaySubmission:
    """The message a request went out as."""
    assert request.submission is not None
    return request.submission


def latest_message(declaration: Declaration) -> GatewaySubmission:
    found = GatewaySubmission.objects.unscoped().filter(declaration=declaration).order_by("-pk").first()
    assert found is not None
    return found


def fresh(obj: Any) -> Any:
    return type(obj)._base_manager.get(pk=obj.pk)


def file(actor: Any, declaration: Declaration, capture: Any, *, kind: str = "amend", **fields: Any) -> RevisionRequest:
    """File a request and let the background send it (and the quick sandbox answer it)."""
    values = {"reason_code": "clerical", "reason": "Item 1: quantity keyed as 10 instead of 100"} | fields
    with capture(execute=True):
        request = services.revision_request_create(actor=actor, declaration_id=declaration.pk, kind=kind, **values)
    return fresh(request)


@pytest.fixture
def operator(enterprise: Any, make_actor: Any) -> Any:
    return make_actor(MembershipFactory.create(enterprise=enterprise, role="operator").user, enterprise)


# -- filing ---------------------------------------------------------------------------------------------


def test_an_approved_amendment_reopens_the_declaration_with_its_entry_number_and_the_correction_replaces_it(
    operator, enterprise, quick_sandbox, rules_pass, django_capture_on_commit_callbacks
):
    declaration = accepted(enterprise)
    request = file(operator, declaration, django_capture_on_commit_callbacks)
    assert (request.state, request.from_status, request.requested_by) == (
        RevisionState.APPROVED,
        "accepted",
        operator.user,
    )
    assert "同意修改" in request.customs_reply
    reopened = fresh(declaration)
    assert (reopened.status, reopened.entry_number) == (DeclarationStatus.DRAFT, declaration.entry_number)
    assert reopened.status_reason == request.customs_reply
    # The request went as a DecModMessage naming the accepted declaration.
    sent = parse_revision(message(request).payload)
    assert sent["head"] == {
        "EntryId": declaration.entry_number,
        "SeqNo": "I20260000000000042",
        "IEFlag": "I",
        "CustomMaster": "2248",
        "ModType": "1",
        "ReasonCode": "clerical",
        "Reason": "Item 1: quantity keyed as 10 instead of 100",
    }
    assert sent["sign"]["ClientSeqNo"] == message(request).message_id
    timeline = DeclarationEvent.objects.unscoped().filter(declaration=declaration).order_by("occurred_at", "pk")
    assert [(e.kind, e.transition, e.to_status) for e in timeline] == [
        (EventKind.REVISION, "amend", ""),
        (EventKind.SUBMISSION, "amend", ""),
        (EventKind.RECEIPT, "reopen", "draft"),
    ]
    with translation.override("en"):
        assert timeline[0].display_reason == "Amend (修改) requested: Item 1: quantity keyed as 10 instead of 100"
    # Customs holds it meanwhile: nobody cancels it; it is corrected and sent again as a modification.
    with pytest.raises(Conflict, match="holds this declaration under entry number"):
        services.declaration_transition(actor=operator, declaration_id=declaration.pk, transition="cancel", reason="x")
    for step in ("validate", "submit"):
        with django_capture_on_commit_callbacks(execute=True):
            services.declaration_transition(actor=operator, declaration_id=declaration.pk, transition=step)
    resent = latest_message(declaration)
    corrected = parse_declaration(resent.payload)
    assert (corrected["head"]["EntryId"], corrected["sign"]["OperType"]) == (declaration.entry_number, "M")
    again = fresh(declaration)
    assert (again.status, again.entry_number) == (DeclarationStatus.ASSESSED, declaration.entry_number)


def test_a_first_filing_names_no_entry_number(enterprise, quick_sandbox, rules_pass, actor):
    from cpass.customs.gateway.services import _loaded
    from cpass.customs.gateway.singlewindow.mapper import declaration_message

    declaration = accepted(enterprise, status=DeclarationStatus.RETURNED)
    first = parse_declaration(declaration_message(_loaded(declaration.pk), message_id="CP1"))
    assert (first["head"]["EntryId"], first["sign"]["OperType"]) == ("", "C")


def test_withdrawing_is_a_managers_request_and_approval_cancels(
    actor, operator, enterprise, quick_sandbox, django_capture_on_commit_callbacks
):
    declaration = accepted(enterprise, status=DeclarationStatus.PAID)
    with pytest.raises(PermissionDenied):
        file(operator, declaration, django_capture_on_commit_callbacks, kind="withdraw", reason_code="discrepancy")
    request = file(actor, declaration, django_capture_on_commit_callbacks, kind="withdraw", reason_code="discrepancy")
    assert request.state == RevisionState.APPROVED
    assert parse_revision(message(request).payload)["head"]["ModType"] == "2"
    cancelled = fresh(declaration)
    assert (cancelled.status, cancelled.entry_number) == (DeclarationStatus.CANCELLED, declaration.entry_number)
    event = DeclarationEvent.objects.unscoped().get(declaration=declaration, kind=EventKind.RECEIPT)
    assert (event.transition, event.from_status, event.to_status) == ("revoke", "paid", "cancelled")
    # Its shipment may be cancelled now: customs no longer has the declaration.
    shipment_services.shipment_transition(
        actor=actor, shipment_id=declaration.shipment_id, status="cancelled", note="Order cancelled"
    )


def test_customs_refuses_while_the_goods_are_under_inspection_and_the_status_stays(
    operator, enterprise, quick_sandbox, django_capture_on_commit_callbacks
):
    declaration = accepted(enterprise, status=DeclarationStatus.INSPECTION, status_reason="查验通知")
    request = file(operator, declaration, django_capture_on_commit_callbacks)
    assert request.state == RevisionState.REFUSED
    assert "第八条" in request.customs_reply
    assert request.replied_at is not None
    after = fresh(declaration)
    assert (after.status, after.status_reason) == (DeclarationStatus.INSPECTION, "查验通知")
    refusal = DeclarationEvent.objects.unscoped().get(
        declaration=declaration, kind=EventKind.REVISION, receipt__isnull=False
    )
    with translation.override("zh-hans"):
        assert refusal.display_reason.startswith("海关不予同意")
    # The request is decided: another may be filed.
    with django_capture_on_commit_callbacks(execute=False):
        services.revision_request_create(
            actor=operator, declaration_id=declaration.pk, kind="amend", reason_code="technical", reason="again"
        )


def test_one_open_request_per_declaration(operator, enterprise, django_capture_on_commit_callbacks):
    declaration = accepted(enterprise)
    with django_capture_on_commit_callbacks(execute=False):
        services.revision_request_create(
            actor=operator, declaration_id=declaration.pk, kind="amend", reason_code="clerical", reason="x"
        )
    with pytest.raises(Conflict, match="already has a request"):
        services.revision_request_create(
            actor=operator, declaration_id=declaration.pk, kind="amend", reason_code="technical", reason="y"
        )
    with pytest.raises(IntegrityError):
        RevisionRequestFactory.create(enterprise=enterprise, declaration=declaration, state=RevisionState.SENT)


def test_requests_need_an_accepted_declaration_and_a_reason_that_fits(operator, actor, enterprise):
    for status in (DeclarationStatus.SUBMITTED, DeclarationStatus.RETURNED, DeclarationStatus.CLOSED):
        with pytest.raises(Conflict):
            services.revision_request_create(
                actor=operator,
                declaration_id=accepted(enterprise, status=status).pk,
                kind="amend",
                reason_code="clerical",
                reason="x",
            )
    draft = DeclarationFactory.create(enterprise=enterprise)
    with pytest.raises(Conflict):
        services.revision_request_create(
            actor=actor, declaration_id=draft.pk, kind="withdraw", reason_code="clerical", reason="x"
        )
    declaration = accepted(enterprise)
    with pytest.raises(ValidationFailed) as exc:
        services.revision_request_create(
            actor=operator, declaration_id=declaration.pk, kind="fix", reason_code="whim", reason=" "
        )
    assert sorted(exc.value.errors) == ["kind", "reason", "reason_code"]
    with pytest.raises(ValidationFailed) as exc:  # art. 5(1) is for exports once released
        services.revision_request_create(
            actor=operator, declaration_id=declaration.pk, kind="amend", reason_code="shut_out", reason="x"
        )
    assert str(exc.value.errors["reason_code"][0]) == "This reason is for export declarations only."
    export = accepted(enterprise, direction=Direction.EXPORT)
    with pytest.raises(ValidationFailed) as exc:
        services.revision_request_create(
            actor=actor, declaration_id=export.pk, kind="withdraw", reason_code="shut_out", reason="x"
        )
    assert "once customs has released the goods" in str(exc.value.errors["reason_code"][0])
    assert not RevisionRequest.objects.unscoped().exists()


def test_a_released_export_shut_out_is_withdrawn_after_release(
    actor, enterprise, quick_sandbox, django_capture_on_commit_callbacks
):
    export = accepted(enterprise, status=DeclarationStatus.RELEASED, direction=Direction.EXPORT)
    request = file(
        actor, export, django_capture_on_commit_callbacks, kind="withdraw", reason_code="shut_out", reason="退关"
    )
    assert (request.state, fresh(export).status) == (RevisionState.APPROVED, DeclarationStatus.CANCELLED)


def test_a_declaration_under_amendment_holds_its_shipment_until_withdrawn(
    actor, enterprise, quick_sandbox, django_capture_on_commit_callbacks
):
    declaration = accepted(enterprise, status=DeclarationStatus.DRAFT)
    with pytest.raises(Conflict) as exc:
        shipment_services.shipment_transition(
            actor=actor, shipment_id=declaration.shipment_id, status="cancelled", note="x"
        )
    assert "(Draft): submit the correction, or a manager applies to customs to withdraw it" in str(exc.value.detail)
    with pytest.raises(Conflict):  # an amendment is already approved: only a withdrawal may be asked
        services.revision_request_create(
            actor=actor, declaration_id=declaration.pk, kind="amend", reason_code="clerical", reason="x"
        )
    file(actor, declaration, django_capture_on_commit_callbacks, kind="withdraw", reason_code="discrepancy")
    assert fresh(declaration).status == DeclarationStatus.CANCELLED
    shipment_services.shipment_transition(
        actor=actor, shipment_id=declaration.shipment_id, status="cancelled", note="x"
    )


def test_sending_twice_sends_one_message(actor, enterprise, quick_sandbox, django_capture_on_commit_callbacks):
    declaration = accepted(enterprise)
    with django_capture_on_commit_callbacks(execute=False):
        request = services.revision_request_create(
            actor=actor, declaration_id=declaration.pk, kind="amend", reason_code="clerical", reason="x"
        )
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(status=DeclarationStatus.INSPECTION)
    sent = revision_send(request_id=request.pk)
    assert sent is not None
    first, follow = sent
    assert follow is not None
    assert (fresh(request).state, follow.submission_id) == (RevisionState.SENT, first.pk)
    assert revision_send(request_id=request.pk) == (first, None)
    sandbox_customs_task(first.pk, 0)  # the sandbox's answer the first send scheduled
    assert revision_send(request_id=request.pk) is None  # decided: nothing more to send
    assert GatewaySubmission.objects.unscoped().filter(declaration=declaration).get() == first
    assert fresh(request).state == RevisionState.REFUSED


# -- messages and receipts ------------------------------------------------------------------------------


def test_the_cusdec_request_and_correction_use_the_message_functions_of_untdid_1225(
    actor, enterprise, quick_sandbox, rules_pass, django_capture_on_commit_callbacks
):
    declaration = accepted(enterprise, gateway="sandbox-edifact")
    request = file(actor, declaration, django_capture_on_commit_callbacks)
    found = {s.tag: s for s in segments(message(request).payload)}
    assert found["BGM"].elements == ["929", message(request).message_id, "13"]
    assert found["GIS"].elements == [["clerical", "ZRC", "ZZZ"]]
    assert found["FTX"].elements[0] == "ACD"
    assert ["ABT", declaration.entry_number] in [s.elements[0] for s in segments(message(request).payload)]
    receipt = GatewayReceipt.objects.get(declaration=declaration, code="MA")
    assert (receipt.message_format, receipt.state, receipt.transition) == ("edifact", ReceiptState.APPLIED, "reopen")
    for step in ("validate", "submit"):
        with django_capture_on_commit_callbacks(execute=True):
            services.declaration_transition(actor=actor, declaration_id=declaration.pk, transition=step)
    correction = latest_message(declaration)
    body = segments(correction.payload)
    bgm = next(s for s in body if s.tag == "BGM")
    assert bgm.elements[2] == "5"
    assert ["ABT", declaration.entry_number] in [s.elements[0] for s in body if s.tag == "RFF"]
    withdrawal = accepted(enterprise, gateway="sandbox-edifact", status=DeclarationStatus.PAID)
    request = file(actor, withdrawal, django_capture_on_commit_callbacks, kind="withdraw", reason_code="technical")
    assert next(s for s in segments(message(request).payload) if s.tag == "BGM").elements[2] == "1"


def test_the_recorded_decisions_read_alike_in_both_formats():
    for name, code in (("approved", "MA"), ("refused", "MR")):
        xml = parse_receipt((FIXTURES / f"sw_receipt_revision_{name}.xml").read_text())
        edi = parse_cusres((FIXTURES / f"cusres_revision_{name}.edi").read_text())
        for parsed in (xml, edi):
            assert (parsed.code, parsed.client_seq_no, parsed.entry_number, parsed.sequence) == (
                code,
                REQUEST_SEQ,
                "224820261000000042",
                11,
            )
            assert parsed.transition == ""
        assert xml.note == edi.note
    assert "查验" in parse_receipt((FIXTURES / "sw_receipt_revision_refused.xml").read_text()).note


def _sent_request(enterprise: Any, **fields: Any) -> tuple[Declaration, RevisionRequest]:
    """A request whose message went out under the id the recorded decisions echo."""
    declaration = accepted(enterprise, **fields)
    submission = GatewaySubmission.objects.create(
        enterprise=enterprise,
        declaration=declaration,
        gateway="sandbox",
        message_format=MessageFormat.SINGLE_WINDOW_XML,
        message_id=REQUEST_SEQ,
        payload="<DecModMessage/>",
        sent_at=T0,
    )
    request = RevisionRequestFactory.create(
        enterprise=enterprise, declaration=declaration, submission=submission, state=RevisionState.SENT
    )
    return declaration, request


def ingest(name: str, message_format: str = MessageFormat.SINGLE_WINDOW_XML) -> GatewayReceipt:
    suffix = "xml" if message_format == MessageFormat.SINGLE_WINDOW_XML else "edi"
    prefix = "sw_receipt" if message_format == MessageFormat.SINGLE_WINDOW_XML else "cusres"
    payload = (FIXTURES / f"{prefix}_revision_{name}.{suffix}").read_text()
    return receipt_ingest(gateway="sandbox", message_format=message_format, payload=payload)


def test_a_decision_applies_once_and_a_contrary_one_is_quarantined(enterprise):
    declaration, request = _sent_request(enterprise)
    approved = ingest("approved")
    assert (approved.state, approved.transition, approved.declaration) == (ReceiptState.APPLIED, "reopen", declaration)
    assert (fresh(request).state, fresh(declaration).status) == (RevisionState.APPROVED, DeclarationStatus.DRAFT)
    again = ingest("approved")
    assert (again.state, again.reason, again.pk) == (ReceiptState.DUPLICATE, ReceiptReason.REDELIVERED, None)
    same_in_cusres = ingest("approved", MessageFormat.EDIFACT)  # the same decision in another envelope
    assert (same_in_cusres.state, same_in_cusres.reason) == (ReceiptState.DUPLICATE, ReceiptReason.SAME_CONTENT)
    contrary = ingest("refused")
    assert (contrary.state, contrary.reason) == (ReceiptState.QUARANTINED, ReceiptReason.REQUEST_DECIDED)
    with translation.override("en"):
        assert contrary.display_state_reason == f"Request {REQUEST_SEQ} was already decided (Approved by customs)."
    assert (fresh(request).state, fresh(declaration).status) == (RevisionState.APPROVED, DeclarationStatus.DRAFT)


def test_a_refusal_leaves_the_status_and_records_customs_reason(enterprise):
    declaration, request = _sent_request(enterprise, status=DeclarationStatus.INSPECTION)
    refused = ingest("refused", MessageFormat.EDIFACT)
    assert (refused.state, refused.transition) == (ReceiptState.APPLIED, "")
    request = fresh(request)
    assert (request.state, request.receipt, fresh(declaration).status) == (
        RevisionState.REFUSED,
        refused,
        DeclarationStatus.INSPECTION,
    )
    assert request.customs_reply.startswith("不予修改或撤销")
    assert request.replied_at == dt.datetime(2026, 3, 5, 1, 43, 12, tzinfo=dt.UTC)


def test_a_decision_for_no_known_request_is_quarantined(enterprise, caplog):
    declaration = accepted(enterprise)
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(entry_number="224820261000000042")
    # The declaration is known by its entry number, the request message id is not ours.
    unknown = ingest("approved")
    assert (unknown.state, unknown.reason, unknown.declaration) == (
        ReceiptState.QUARANTINED,
        ReceiptReason.NO_REQUEST,
        declaration,
    )
    assert fresh(declaration).status == DeclarationStatus.ACCEPTED
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(entry_number="", pre_entry_number="")
    nowhere = ingest("refused")
    assert (nowhere.state, nowhere.reason) == (ReceiptState.QUARANTINED, ReceiptReason.NO_DECLARATION)
    assert "quarantined" in caplog.text


# -- API and page ---------------------------------------------------------------------------------------


def call(client: Any, method: str, path: str, data: dict | None = None) -> Any:
    if method == "get":
        return client.get(path)
    return client.post(path, data=json.dumps(data or {}), content_type="application/json")


def test_the_api_files_lists_and_reads_requests_with_problem_details(
    login, owner, enterprise, make_member, quick_sandbox, django_capture_on_commit_callbacks
):
    declaration = accepted(enterprise, status=DeclarationStatus.INSPECTION)
    client = login(owner)
    url = f"{BASE}/{declaration.pk}/revision-requests"
    bad = call(client, "post", url, {"kind": "withdraw", "reason_code": "clerical", "reason": ""})
    assert (bad.status_code, bad["Content-Type"]) == (422, "application/problem+json")
    assert [e["field"] for e in bad.json()["errors"]] == ["reason"]
    unknown = call(client, "post", url, {"kind": "withdraw", "reason_code": "whim", "reason": "x"})
    assert [e["field"] for e in unknown.json()["errors"]] == ["reason_code"]
    operator = login(make_member(enterprise, "operator").user)
    forbidden = call(operator, "post", url, {"kind": "withdraw", "reason_code": "technical", "reason": "x"})
    assert (forbidden.status_code, forbidden["Content-Type"]) == (403, "application/problem+json")
    with django_capture_on_commit_callbacks(execute=True):
        created = call(client, "post", url, {"kind": "withdraw", "reason_code": "technical", "reason": "系统故障"})
    assert created.status_code == 201
    body = created.json()
    assert (body["kind"], body["state"], body["from_status"], body["requested_by"]["id"]) == (
        "withdraw",
        "requested",
        "inspection",
        owner.pk,
    )
    listed = client.get(url).json()
    assert [(r["id"], r["state"]) for r in listed["items"]] == [(body["id"], "refused")]
    one = client.get(f"{url}/{body['id']}", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert one["message_id"].startswith("CR")
    assert "第八条" in one["customs_reply"]
    assert one["state_label"] == "海关不予同意"
    assert client.get(f"{url}/999999")["Content-Type"] == "application/problem+json"
    again = call(client, "post", url, {"kind": "withdraw", "reason_code": "technical", "reason": "x"})
    assert again.status_code == 201  # the refused one is decided; a new one may be filed


def test_the_api_refuses_a_second_open_request_and_hides_other_tenants(
    login, owner, enterprise, django_capture_on_commit_callbacks
):
    declaration = accepted(enterprise)
    client = login(owner)
    url = f"{BASE}/{declaration.pk}/revision-requests"
    with django_capture_on_commit_callbacks(execute=False):
        assert call(client, "post", url, {"kind": "amend", "reason_code": "clerical", "reason": "x"}).status_code == 201
    conflict = call(client, "post", url, {"kind": "amend", "reason_code": "clerical", "reason": "x"})
    assert (conflict.status_code, conflict["Content-Type"]) == (409, "application/problem+json")
    other = accepted(DeclarationFactory.create().enterprise)
    assert client.get(f"{BASE}/{other.pk}/revision-requests").status_code == 404
    assert (
        call(
            client,
            "post",
            f"{BASE}/{other.pk}/revision-requests",
            {"kind": "amend", "reason_code": "clerical", "reason": "x"},
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("language", "title", "kind"), [("en", "Amendment or withdrawal", "Amend (修改)"), ("zh-hans", "修撤单", "修改")]
)
def test_the_gateway_tab_offers_the_request_form_in_both_languages(login, owner, enterprise, language, title, kind):
    declaration = accepted(enterprise)
    client = login(owner)
    page = client.get(
        f"/customs/declarations/{declaration.pk}/?tab=gateway", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert 'data-testid="revision-form"' in page
    assert title in page
    assert kind in page


def test_the_request_form_shows_errors_inline_and_files_with_htmx(
    login, owner, enterprise, quick_sandbox, django_capture_on_commit_callbacks
):
    declaration = accepted(enterprise, status=DeclarationStatus.INSPECTION)
    client = login(owner)
    url = f"/customs/declarations/{declaration.pk}/revision-requests/"
    invalid = client.post(url, {"kind": "amend", "reason_code": "", "reason": ""}, HTTP_HX_REQUEST="true")
    assert invalid.status_code == 200  # the panel with its inline errors, for HTMX to swap in
    page = invalid.content.decode()
    assert 'data-testid="revision-form"' in page
    assert "<html" not in page  # the panel alone
    assert page.count('class="errorlist"') == 2
    with django_capture_on_commit_callbacks(execute=True):
        filed = client.post(
            url, {"kind": "amend", "reason_code": "clerical", "reason": "数量录错"}, HTTP_HX_REQUEST="true"
        )
    assert (filed.status_code, filed["HX-Redirect"]) == (204, f"/customs/declarations/{declaration.pk}/?tab=gateway")
    panel = client.get(f"/customs/declarations/{declaration.pk}/?tab=gateway").content.decode()
    assert 'data-testid="revision-history"' in panel
    assert "第八条" in panel
    plain = client.post(url, {"kind": "amend", "reason_code": "", "reason": "again"})
    assert plain.status_code == 422
    assert "<html" in plain.content.decode()
    filed = client.post(url, {"kind": "amend", "reason_code": "clerical", "reason": "again"})
    assert filed.status_code == 302
