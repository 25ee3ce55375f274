"""The customs gateway: message mappers and parsers (with recorded fixtures), receipt ingestion (duplicates,
ordering, quarantine), the staff quarantine actions and the sandbox customs end to end."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpass.core.errors import Conflict, NotFound, ValidationFailed
from cpass.customs import services as customs_services
from cpass.customs.choices import DeclarationStatus, EventKind, MessageFormat, ReceiptState
from cpass.customs.gateway import sandbox
from cpass.customs.gateway.base import MessageUnreadable
from cpass.customs.gateway.edifact.mapper import cusres_message
from cpass.customs.gateway.edifact.parser import parse_cusres, segments
from cpass.customs.gateway.services import declaration_send, receipt_dismiss, receipt_ingest, receipt_reapply
from cpass.customs.gateway.singlewindow.mapper import receipt_message
from cpass.customs.gateway.singlewindow.parser import parse_declaration, parse_receipt
from cpass.customs.gateway.tasks import declaration_send_task, sandbox_customs_task
from cpass.customs.models import Declaration, DeclarationEvent, GatewayReceipt, GatewaySubmission
from cpass.customs.tests.factories import DeclarationDocumentFactory, DeclarationFactory, DeclarationItemFactory
from cpass.parties.tests.factories import PartyFactory

FIXTURES = Path(__file__).resolve().parents[1] / "gateway" / "fixtures"
CLIENT_SEQ = "CP00000042260302101000"
T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def submitted(message_id: str = CLIENT_SEQ, **fields) -> Declaration:
    """A submitted declaration with one item and a submission whose message id is `message_id`."""
    declaration = DeclarationFactory.create(
        status=DeclarationStatus.SUBMITTED, submitted_at=T0, declaration_date=dt.date(2026, 3, 2), **fields
    )
    DeclarationItemFactory.create(
        enterprise=declaration.enterprise, declaration=declaration, specification="0|0|齿轮泵|液压|CBN-E306"
    )
    GatewaySubmission.objects.create(
        enterprise=declaration.enterprise,
        declaration=declaration,
        gateway="sandbox",
        message_format=MessageFormat.SINGLE_WINDOW_XML,
        message_id=message_id,
        payload="<DecMessage/>",
        sent_at=T0,
    )
    return declaration


def sw(code: str, seq: int, *, minutes: int = 0, entry: str = "", note: str = "", client: str = CLIENT_SEQ) -> str:
    return receipt_message(
        client_seq_no=client,
        pre_entry_number="I20260000000000042",
        entry_number=entry,
        channel=code,
        notice_at=T0 + dt.timedelta(minutes=minutes),
        note=note,
        customs_office="2248",
        sequence=seq,
    )


def ingest(payload: str) -> GatewayReceipt:
    return receipt_ingest(gateway="sandbox", message_format=MessageFormat.SINGLE_WINDOW_XML, payload=payload)


def status_of(declaration: Declaration) -> str:
    return Declaration.objects.unscoped().get(pk=declaration.pk).status


# -- mappers and parsers -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_xml_declaration_carries_header_items_documents_and_signature():
    trader = PartyFactory.create(
        name_local="上海东方贸易有限公司", uscc="91310000MA1K000001", customs_code="3101234567"
    )
    declaration = DeclarationFactory.create(
        enterprise=trader.enterprise,
        domestic_trader=trader,
        contract_number="HP-2026-001",
        freight_mode="total",
        freight_value=Decimal("850.00"),
        freight_currency="EUR",
        self_assessment=True,
        related_party="no",
    )
    DeclarationItemFactory.create(
        enterprise=declaration.enterprise, declaration=declaration, specification="0|0|齿轮泵<&>"
    )
    DeclarationDocumentFactory.create(enterprise=declaration.enterprise, declaration=declaration, number="CO1")
    from cpass.customs.gateway.services import _loaded

    message = sandbox.SandboxGateway("sandbox", MessageFormat.SINGLE_WINDOW_XML).build(
        _loaded(declaration.pk), message_id="CP1"
    )
    read = parse_declaration(message.payload)
    assert read["head"]["IEFlag"] == "I"
    assert read["head"]["TradeCoScc"] == "91310000MA1K000001"
    assert read["head"]["TradeName"] == "上海东方贸易有限公司"
    assert read["head"]["ContrNo"] == "HP-2026-001"
    assert (read["head"]["FeeMark"], read["head"]["FeeRate"], read["head"]["FeeCurr"]) == ("3", "850", "EUR")
    assert read["head"]["Type"] == "Z"
    assert read["head"]["PromiseItmes"] == "099"
    assert read["items"][0]["CodeTS"] == "8413602100"
    assert read["items"][0]["GModel"] == "0|0|齿轮泵<&>"
    assert (read["items"][0]["SecondQty"], read["items"][0]["SecondUnit"]) == ("1000", "035")
    assert read["documents"] == [{"DocuCode": "Y", "CertCode": "CO1"}]
    assert read["sign"]["ClientSeqNo"] == "CP1"


@pytest.mark.django_db
def test_the_cusdec_escapes_separators_and_counts_its_segments():
    declaration = DeclarationFactory.create(marks_and_remarks="N/M: box 1+2 'fragile'?")
    DeclarationItemFactory.create(enterprise=declaration.enterprise, declaration=declaration, specification="a:b+c")
    from cpass.customs.gateway.services import _loaded

    message = sandbox.SandboxGateway("sandbox-edifact", MessageFormat.EDIFACT).build(
        _loaded(declaration.pk), message_id="CP2"
    )
    assert message.payload.startswith("UNA:+.? '")
    assert "N/M?: box 1?+2 ?'fragile?'??" in message.payload
    found = segments(message.payload)
    tags = [s.tag for s in found]
    assert tags[:3] == ["UNB", "UNH", "BGM"]
    assert tags[-2:] == ["UNT", "UNZ"]
    assert found[2].elements == ["929", "CP2", "9"]
    unt = found[-2]
    assert unt.elements[0] == str(tags.index("UNT") - tags.index("UNH") + 1)
    ftx = next(s for s in found if s.tag == "FTX" and s.elements[0] == "AAI")
    assert ftx.elements[3] == "N/M: box 1+2 'fragile'?"
    item_text = next(s for s in found if s.tag == "FTX" and s.elements[0] == "AAA")
    assert item_text.elements[3] == ["齿轮泵", "a:b+c"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("direction", "office", "port_of_call", "area", "licence"),
    [("import", "41", "125", "47", "IP"), ("export", "42", "61", "48", "EX")],
)
def test_the_cusdec_uses_the_untdid_qualifier_of_each_place_weight_mode_and_licence(
    direction, office, port_of_call, area, licence
):
    declaration = DeclarationFactory.create(
        direction=direction,
        stop_port="NLRTM",
        transport_mode="5",
        licence_number="L-2026-7",
        freight_mode="total",
        freight_value=Decimal("800"),
        freight_currency="USD",
        insurance_mode="rate",
        insurance_value=Decimal("0.3"),
        other_mode="total",
        other_value=Decimal("120"),
        other_currency="USD",
    )
    DeclarationItemFactory.create(
        enterprise=declaration.enterprise,
        declaration=declaration,
        domestic_area="31222",
        quantity=Decimal("10"),
        unit_price=Decimal("5"),
        total_price=Decimal("50"),
        currency="USD",
    )
    from cpass.customs.gateway.services import _loaded

    message = sandbox.SandboxGateway("sandbox-edifact", MessageFormat.EDIFACT).build(
        _loaded(declaration.pk), message_id="CP3"
    )
    found = segments(message.payload)
    places = {s.elements[0]: s.elements[1] for s in found if s.tag == "LOC"}
    assert places[office] == ["2248", "", "ZZZ"]  # 3227: customs office of entry (41) / exit (42)
    assert places["40"] == "DEU"  # country of trading
    assert places[port_of_call] == ["NLRTM", "", "ZZZ"]  # last port of call (125) / next port of call (61)
    assert places[area] == ["31222", "", "ZZZ"]  # region of destination (47) / of production (48)
    weights = {s.elements[1]: s.elements[2] for s in found if s.tag == "MEA"}
    assert weights == {"AAD": ["KGM", "1200"], "AAC": ["KGM", "1000"]}  # 6313: consignment gross, total net
    transport = next(s for s in found if s.tag == "TDT")
    assert transport.elements[0] == "11"  # 8051: transport at the border
    assert transport.elements[2] in ("4", ["4"])  # UN/ECE Rec. 19: air (customs 5)
    amounts = {s.elements[0][0]: s.elements[0][1:] for s in found if s.tag == "MOA"}
    # 5025: freight charge, insurance amount (a rate: no currency), other costs; unit price, invoice item amount.
    assert amounts == {
        "64": ["800", "USD"],
        "67": ["0.3"],
        "160": ["120", "USD"],
        "146": ["5", "USD"],
        "38": ["50", "USD"],
    }
    assert [s.elements[0][:2] for s in found if s.tag == "QTY"][0] == ["47", "10"]  # 6063: invoiced quantity
    assert [s.elements[0] for s in found if s.tag == "CNT"] == [["5", "1"]]  # 6069: customs item detail lines
    assert any(s.tag == "GIS" and s.elements[0] == ["5", "TRF", "ZZZ"] for s in found)  # the customs code itself
    assert not {"ZTC", "ZSP", "ZDA"} & set(places)
    assert ["RFF", [licence, "L-2026-7"]] in [[s.tag, s.elements[0]] for s in found]  # 1153: import / export permit


def test_recorded_xml_receipts_are_read():
    accepted = parse_receipt((FIXTURES / "sw_receipt_accepted.xml").read_bytes())
    assert (accepted.code, accepted.transition, accepted.entry_number) == ("L", "accept", "224820261000000042")
    assert accepted.client_seq_no == CLIENT_SEQ
    assert accepted.issued_at == dt.datetime(2026, 3, 2, 2, 15, 3, tzinfo=dt.UTC)
    assert accepted.sequence == 2
    returned = parse_receipt((FIXTURES / "sw_receipt_returned.xml").read_bytes())
    assert returned.transition == "return"
    assert returned.reason == "退单: 申报内容不符合要求; SBX-001 [1] 规格型号未申报品牌类型"
    legacy = parse_receipt((FIXTURES / "sw_receipt_legacy.xml").read_bytes())
    assert (legacy.code, legacy.pre_entry_number, legacy.transition) == ("P", "I20260000000000042", "release")
    assert legacy.issued_at == dt.datetime(2026, 3, 2, 2, 17, tzinfo=dt.UTC)


def test_recorded_cusres_receipts_are_read():
    accepted = parse_cusres((FIXTURES / "cusres_accepted.edi").read_text())
    assert (accepted.code, accepted.entry_number, accepted.pre_entry_number) == (
        "L",
        "224820261000000042",
        "I20260000000000042",
    )
    assert accepted.message_id == "A1B2C3D4E5F601/1"
    assert accepted.issued_at == dt.datetime(2026, 3, 2, 2, 15, 3, tzinfo=dt.UTC)
    returned = parse_cusres((FIXTURES / "cusres_returned.edi").read_text())
    assert returned.transition == "return"
    assert (returned.errors[0].code, returned.errors[0].item_number) == ("SBX-002", 1)
    assert returned.errors[0].text == "申报总价与单价×数量不符 (total + 5:1 is not 'unit price' × quantity)"


def test_a_cusres_written_by_the_sandbox_reads_back_the_same():
    payload = cusres_message(
        client_seq_no="CP9",
        pre_entry_number="I20260000000000009",
        entry_number="",
        code="E",
        issued_at=T0,
        note="退单",
        customs_office="2248",
        sequence=2,
        sender="CNCUSTOMS-SANDBOX",
        recipient="CPASS1",
        errors=[("CUS-HDR-001", None, "declarant: 请填写申报单位'?"), ("SBX-001", 3, "品牌类型")],
    )
    read = parse_cusres(payload)
    assert (read.client_seq_no, read.code, read.sequence, read.note) == ("CP9", "E", 2, "退单")
    assert [(e.code, e.item_number, e.text) for e in read.errors] == [
        ("CUS-HDR-001", None, "declarant: 请填写申报单位'?"),
        ("SBX-001", 3, "品牌类型"),
    ]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("<DEC_RESULT><CHANNEL>L</CHANNEL>", "not well-formed"),
        ("<OTHER/>", "expected a DEC_RESULT"),
        ("<DEC_RESULT><CUS_CIQ_NO>I1</CUS_CIQ_NO></DEC_RESULT>", "no CHANNEL"),
        ("<DEC_RESULT><CHANNEL>L</CHANNEL></DEC_RESULT>", "names no declaration"),
        (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            "<DEC_RESULT><CHANNEL>&b;</CHANNEL></DEC_RESULT>",
            "not well-formed",
        ),
    ],
)
def test_unreadable_xml_receipts_are_refused_without_expanding_entities(payload, message):
    with pytest.raises(MessageUnreadable, match=message):
        parse_receipt(payload)


def test_a_cusres_with_a_wrong_segment_count_is_refused():
    text = (FIXTURES / "cusres_accepted.edi").read_text().replace("UNT+10+1", "UNT+9+1")
    with pytest.raises(MessageUnreadable, match="UNT counts 9"):
        parse_cusres(text)


# -- receipt ingestion ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_accept_receipt_moves_the_declaration_and_writes_its_timeline():
    declaration = submitted()
    receipt = ingest(sw("L", 2, entry="224820261000000042", note="海关入库成功"))
    assert receipt.state == ReceiptState.APPLIED
    stored = Declaration.objects.unscoped().get(pk=declaration.pk)
    assert (stored.status, stored.entry_number) == (DeclarationStatus.ACCEPTED, "224820261000000042")
    event = DeclarationEvent.objects.unscoped().get(declaration=declaration, kind=EventKind.RECEIPT)
    assert (event.transition, event.receipt_id) == ("accept", receipt.pk)


@pytest.mark.django_db
def test_an_information_receipt_records_the_pre_entry_number_without_a_status_change():
    declaration = submitted()
    receipt = ingest(sw("7", 1, note="申报成功"))
    assert receipt.state == ReceiptState.APPLIED
    stored = Declaration.objects.unscoped().get(pk=declaration.pk)
    assert (stored.status, stored.pre_entry_number) == (DeclarationStatus.SUBMITTED, "I20260000000000042")


@pytest.mark.django_db
def test_a_receipt_delivered_twice_is_applied_once():
    declaration = submitted()
    payload = sw("L", 2, entry="224820261000000042")
    first = ingest(payload)
    again = ingest(payload)
    assert again.pk is None
    assert again.state == ReceiptState.DUPLICATE
    assert (again.reason, again.reason_params) == ("redelivered", {"id": str(first.pk), "state": "applied"})
    with translation.override("zh-hans"):
        assert again.display_state_reason == f"已作为回执 {first.pk} 收到（已处理），不再重复处理。"
    assert GatewayReceipt.objects.count() == 1
    assert DeclarationEvent.objects.unscoped().filter(declaration=declaration, kind=EventKind.RECEIPT).count() == 1


@pytest.mark.django_db
def test_the_same_receipt_in_a_new_envelope_is_recorded_as_duplicate():
    declaration = submitted(gateway="sandbox")
    cusres: dict[str, Any] = dict(
        client_seq_no=CLIENT_SEQ,
        pre_entry_number="",
        entry_number="224820261000000042",
        code="L",
        issued_at=T0,
        note="",
        customs_office="2248",
        sequence=2,
        recipient="CPASS1",
    )
    first = receipt_ingest(
        gateway="sandbox", message_format=MessageFormat.EDIFACT, payload=cusres_message(sender="A", **cusres)
    )
    resent = cusres_message(sender="A", **cusres).replace(first.message_id.split("/")[0], "RESENT00000001")
    second = receipt_ingest(gateway="sandbox", message_format=MessageFormat.EDIFACT, payload=resent)
    assert first.state == ReceiptState.APPLIED
    assert second.state == ReceiptState.DUPLICATE
    assert second.pk is not None
    assert status_of(declaration) == DeclarationStatus.ACCEPTED


@pytest.mark.django_db
def test_an_older_receipt_arriving_late_is_stale():
    declaration = submitted()
    ingest(sw("L", 2, minutes=1, entry="224820261000000042"))
    ingest(sw("T", 4, minutes=3))
    late = ingest(sw("C", 3, minutes=2))
    assert late.state == ReceiptState.STALE
    assert status_of(declaration) == DeclarationStatus.ASSESSED


@pytest.mark.django_db
def test_a_receipt_for_an_unknown_declaration_is_quarantined_and_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="cpass.customs.gateway.services"):
        receipt = ingest(sw("L", 2, entry="224820261000000099", client="CP-NOBODY"))
    assert receipt.state == ReceiptState.QUARANTINED
    assert receipt.declaration_id is None
    assert receipt.declaration_key == "CP-NOBODY"
    assert (receipt.reason, receipt.reason_params) == ("no_declaration", {"key": "CP-NOBODY"})
    with translation.override("en"):
        assert receipt.display_state_reason == "No declaration matches CP-NOBODY."
    assert "quarantined" in caplog.text


@pytest.mark.django_db
def test_unknown_codes_unreadable_messages_and_disallowed_steps_are_quarantined():
    declaration = submitted()
    unknown = ingest(sw("Q", 2))
    unreadable = ingest("<DEC_RESULT>")
    early_release = ingest(sw("P", 5, minutes=5))
    assert [r.state for r in (unknown, unreadable, early_release)] == [ReceiptState.QUARANTINED] * 3
    assert (unknown.reason, unknown.reason_params) == ("unknown_code", {"code": "Q"})
    assert unreadable.reason == "unreadable"
    assert unreadable.reason_params["error"].startswith("not well-formed XML")
    assert (early_release.reason, early_release.reason_params) == (
        "status_refused",
        {"status": "submitted", "action": "release"},
    )
    # decided by the background job in English; read in the reader's language
    with translation.override("zh-hans"):
        assert GatewayReceipt.objects.get(pk=early_release.pk).display_state_reason == (
            "状态为“已申报”的报关单不能执行“海关放行”。"
        )
        assert GatewayReceipt.objects.get(pk=unknown.pk).display_state_reason == "未知的回执代码“Q”。"
    with translation.override("en"):
        assert GatewayReceipt.objects.get(pk=early_release.pk).display_state_reason == (
            "A declaration that is Submitted cannot be moved by “Released by customs”."
        )
    assert status_of(declaration) == DeclarationStatus.SUBMITTED
    assert ingest("<DEC_RESULT>").state == ReceiptState.DUPLICATE


@pytest.mark.django_db
def test_a_receipt_arriving_before_its_predecessor_applies_when_the_predecessor_comes():
    declaration = submitted()
    hold = ingest(sw("C", 3, minutes=2, note="查验"))
    assert hold.state == ReceiptState.QUARANTINED
    ingest(sw("L", 2, minutes=1, entry="224820261000000042"))
    hold.refresh_from_db()
    assert hold.state == ReceiptState.APPLIED
    assert status_of(declaration) == DeclarationStatus.INSPECTION


@pytest.mark.django_db
def test_an_unknown_gateway_or_format_is_a_field_error():
    with pytest.raises(ValidationFailed) as exc:
        receipt_ingest(gateway="nowhere", message_format="sw_xml", payload="<x/>")
    assert list(exc.value.errors) == ["gateway"]
    with pytest.raises(ValidationFailed) as exc:
        receipt_ingest(gateway="sandbox", message_format="pdf", payload="<x/>")
    assert list(exc.value.errors) == ["message_format"]


# Customs-only receipt sequences that are valid from "submitted", with the status each ends in.
SEQUENCES = [
    (["7", "L", "C", "T"], DeclarationStatus.ASSESSED),
    (["7", "L", "T", "C"], DeclarationStatus.INSPECTION),
    (["7", "L", "C", "P"], DeclarationStatus.RELEASED),
    (["7", "L", "P"], DeclarationStatus.RELEASED),
    (["7", "E"], DeclarationStatus.RETURNED),
    (["7", "L", "E"], DeclarationStatus.RETURNED),
]


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_order_or_repetition_of_receipts_ends_where_the_ordered_sequence_ends(data):
    codes, final = data.draw(st.sampled_from(SEQUENCES))
    GatewayReceipt.objects.all().delete()
    Declaration.objects.unscoped().filter(reference__startswith="DC-PROP").delete()
    declaration = submitted(reference=f"DC-PROP-{data.draw(st.integers(0, 10**6))}")
    GatewaySubmission.objects.unscoped().filter(declaration=declaration).update(message_id=declaration.reference)
    payloads = [
        sw(code, seq, minutes=seq, entry="224820261000000042" if code == "L" else "", client=declaration.reference)
        for seq, code in enumerate(codes, start=1)
    ]
    repeated = data.draw(st.lists(st.sampled_from(payloads), max_size=4))
    delivery = data.draw(st.permutations(payloads + repeated))
    for payload in delivery:
        ingest(payload)
    assert status_of(declaration) == final
    applied = GatewayReceipt.objects.filter(declaration=declaration, state=ReceiptState.APPLIED)
    assert applied.count() <= len(codes)


# -- staff: the quarantine -------------------------------------------------------------------------------


@pytest.fixture
def staff_actor(make_actor, enterprise, make_member):
    user = make_member(enterprise, "owner").user
    user.is_staff = True
    user.save()
    return make_actor(user, enterprise)


@pytest.mark.django_db
def test_staff_apply_a_quarantined_receipt_again_once_the_declaration_exists(staff_actor):
    orphan = ingest(sw("L", 2, entry="224820261000000042", client="CP-LATER"))
    with pytest.raises(Conflict, match="Still no declaration"):
        receipt_reapply(actor=staff_actor, receipt_id=orphan.pk)
    declaration = submitted()
    GatewaySubmission.objects.unscoped().filter(declaration=declaration).update(message_id="CP-LATER")
    applied = receipt_reapply(actor=staff_actor, receipt_id=orphan.pk)
    assert applied.state == ReceiptState.APPLIED
    assert status_of(declaration) == DeclarationStatus.ACCEPTED
    with pytest.raises(Conflict, match="not in quarantine"):
        receipt_reapply(actor=staff_actor, receipt_id=orphan.pk)


@pytest.mark.django_db
def test_staff_dismiss_with_a_reason_and_others_may_not(staff_actor, actor):
    orphan = ingest(sw("L", 2, client="CP-NONE"))
    with pytest.raises(NotFound):  # a receipt page is absent for anyone but staff
        receipt_dismiss(actor=actor, receipt_id=orphan.pk, reason="test")
    with pytest.raises(ValidationFailed) as exc:
        receipt_dismiss(actor=staff_actor, receipt_id=orphan.pk, reason="  ")
    assert list(exc.value.errors) == ["reason"]
    dismissed = receipt_dismiss(actor=staff_actor, receipt_id=orphan.pk, reason="test message from the gateway")
    assert dismissed.state == ReceiptState.DISMISSED
    assert dismissed.reason_params == {
        "name": staff_actor.user.get_username(),
        "reason": "test message from the gateway",
    }
    with translation.override("zh-hans"):
        assert (
            dismissed.display_state_reason
            == f"由 {staff_actor.user.get_username()} 驳回：test message from the gateway"
        )


# -- the sandbox customs, end to end ---------------------------------------------------------------------


def sent(declaration: Declaration, gateway: str = "sandbox") -> Declaration:
    Declaration.objects.unscoped().filter(pk=declaration.pk).update(gateway=gateway)
    GatewaySubmission.objects.unscoped().filter(declaration=declaration).delete()
    declaration_send_task(declaration.pk)
    return Declaration.objects.unscoped().get(pk=declaration.pk)


@pytest.mark.django_db
def test_the_sandbox_returns_a_declaration_that_breaks_our_rules_with_the_reasons(quick_sandbox, demo):
    declaration = sent(submitted())
    assert declaration.status == DeclarationStatus.RETURNED
    assert declaration.pre_entry_number == sandbox.pre_entry_number(declaration)
    assert "CUS-HDR-001" in declaration.status_reason
    codes = list(GatewayReceipt.objects.filter(declaration=declaration).order_by("sequence").values_list("code"))
    assert codes == [("7",), ("E",)]


@pytest.mark.django_db
def test_the_sandbox_accepts_assesses_and_releases_after_payment(quick_sandbox, rules_pass, actor, enterprise):
    declaration = sent(submitted(enterprise=enterprise))
    assert declaration.status == DeclarationStatus.ASSESSED
    assert declaration.entry_number == sandbox.entry_number(declaration)
    assert len(declaration.entry_number) == 18
    assert declaration.entry_number.startswith("224820261")
    submission = GatewaySubmission.objects.unscoped().get(declaration=declaration)
    assert submission.sent_at is not None
    assert parse_declaration(submission.payload)["sign"]["ClientSeqNo"] == submission.message_id
    customs_services.declaration_transition(actor=actor, declaration_id=declaration.pk, transition="pay")
    sandbox_customs_task(submission.pk, 3)  # the payment poll the sandbox scheduled
    assert status_of(declaration) == DeclarationStatus.RELEASED
    assert Declaration.objects.unscoped().get(pk=declaration.pk).released_at is not None


@pytest.mark.django_db
def test_the_sandbox_holds_the_selected_share_for_inspection(quick_sandbox, rules_pass):
    quick_sandbox.CPASS_SANDBOX_INSPECTION_RATE = 100
    declaration = sent(submitted(self_assessment=True))
    codes = [
        c for (c,) in GatewayReceipt.objects.filter(declaration=declaration).order_by("sequence").values_list("code")
    ]
    assert codes == ["7", "L", "C", "P"]
    assert declaration.status == DeclarationStatus.RELEASED
    hold = DeclarationEvent.objects.unscoped().get(declaration=declaration, transition="hold")
    assert "查验" in hold.reason


@pytest.mark.django_db
def test_the_sandbox_checks_the_brand_type_itself_and_answers_in_cusres(quick_sandbox, rules_pass):
    declaration = submitted()
    declaration.items.unscoped().update(specification="液压齿轮泵")
    declaration = sent(declaration, gateway="sandbox-edifact")
    assert declaration.status == DeclarationStatus.RETURNED
    assert "SBX-001" in declaration.status_reason
    receipt = GatewayReceipt.objects.get(declaration=declaration, code="E")
    assert receipt.message_format == MessageFormat.EDIFACT
    assert receipt.payload.startswith("UNA")


@pytest.mark.django_db
def test_sending_twice_sends_one_message(quick_sandbox, rules_pass):
    declaration = submitted()
    GatewaySubmission.objects.unscoped().filter(declaration=declaration).delete()
    first = declaration_send(declaration_id=declaration.pk)
    second = declaration_send(declaration_id=declaration.pk)
    assert first is not None
    assert second is not None
    assert first[0].pk == second[0].pk
    assert second[1] is None
    assert GatewaySubmission.objects.unscoped().filter(declaration=declaration).count() == 1
    events = DeclarationEvent.objects.unscoped().filter(declaration=declaration, kind=EventKind.SUBMISSION)
    assert events.count() == 1


def test_inspection_selection_and_numbers_are_deterministic(settings):
    settings.CPASS_SANDBOX_INSPECTION_RATE = 50
    picks = [sandbox.selected_for_inspection(Declaration(reference=f"DC-2026-{n:05d}")) for n in range(200)]
    assert picks == [sandbox.selected_for_inspection(Declaration(reference=f"DC-2026-{n:05d}")) for n in range(200)]
    assert 60 < sum(picks) < 140
    declaration = Declaration(pk=42, direction="import", declaring_customs="2248", submitted_at=T0)
    assert sandbox.entry_number(declaration) == "224820261000000042"
    assert sandbox.pre_entry_number(declaration) == "I20260000000000042"
