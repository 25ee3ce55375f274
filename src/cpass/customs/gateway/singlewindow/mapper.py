"""Our declaration as a Single Window style XML message (DecMessage), and the DEC_RESULT style receipt.

Element names follow the public China Single Window declaration message (报关单报文: DecHead, DecLists/DecList,
DecContainers/Container, DecLicenseDocus/LicenseDocu, DecFreeTxt, DecSign). docs/customs/single-window-xml.md says
which element carries which field, where each name comes from and what is our own choice. Built with the standard
library's ElementTree (building is safe; parsing untrusted text goes through defusedxml in parser.py).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET  # noqa: S405 - building only; receipts are parsed with defusedxml
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

from cpass.customs.choices import ChargeMode, Confirmation, RevisionKind
from cpass.customs.models import Declaration, DeclarationItem, RevisionRequest
from cpass.parties.models import Party
from cpass.shipments.choices import Direction

NAMESPACE = "http://www.chinaport.gov.cn/dec"
#: 运费/保费/杂费标记: 1 rate (%), 2 per unit, 3 total amount.
CHARGE_MARKS: dict[str, str] = {ChargeMode.RATE: "1", ChargeMode.UNIT: "2", ChargeMode.TOTAL: "3"}
#: 价格说明 (PromiseItmes) positions: special relationship, price influence, royalty payment; 1 yes, 0 no, 9 blank.
_CONFIRMATION: dict[str, str] = {Confirmation.YES: "1", Confirmation.NO: "0"}
#: DecSign/OperType for a declaration sent to be filed, and for the correction of one customs holds under its
#: entry number after approving an amendment request (our choices, see the schema document).
OPER_TYPE_DECLARE = "C"
OPER_TYPE_MODIFY = "M"
#: DecModHead/ModType of a request (our choice): 1 amend (修改), 2 withdraw (撤销).
MOD_TYPES: dict[str, str] = {RevisionKind.AMEND: "1", RevisionKind.WITHDRAW: "2"}


def number(value: Decimal | int | None) -> str:
    """A decimal as the message carries it: plain digits, no exponent, no trailing zeros ("" when absent)."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _date(value: dt.date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def _sub(parent: ET.Element, tag: str, text: str | None = "") -> ET.Element:
    element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}")
    element.text = text or ""
    return element


def _party(head: ET.Element, party: Party | None, *, code: str, scc: str | None, name: str) -> None:
    _sub(head, code, party.customs_code if party else "")
    if scc:
        _sub(head, scc, party.uscc if party else "")
    _sub(head, name, party.name_local if party else "")


def _charge(head: ET.Element, prefix: str, mode: str, value: Decimal | None, currency: str) -> None:
    _sub(head, f"{prefix}Mark", CHARGE_MARKS.get(mode, "") if mode else "")
    _sub(head, f"{prefix}Rate", number(value))
    _sub(head, f"{prefix}Curr", "" if mode == ChargeMode.RATE else currency)


def _promises(declaration: Declaration) -> str:
    answers = (declaration.related_party, declaration.price_influence, declaration.royalty_payment)
    return "".join(_CONFIRMATION.get(answer, "9") for answer in answers)


def _item(lists: ET.Element, item: DeclarationItem) -> None:
    row = _sub(lists, "DecList")
    _sub(row, "GNo", str(item.item_number))
    _sub(row, "CodeTS", item.hs_code)
    _sub(row, "CiqCode", item.ciq_code)
    _sub(row, "GName", item.name)
    _sub(row, "GModel", item.specification)
    _sub(row, "GQty", number(item.quantity))
    _sub(row, "GUnit", item.trade_unit)
    _sub(row, "FirstQty", number(item.legal_quantity_1))
    _sub(row, "FirstUnit", item.legal_unit_1)
    _sub(row, "SecondQty", number(item.legal_quantity_2))
    _sub(row, "SecondUnit", item.legal_unit_2)
    _sub(row, "DeclPrice", number(item.unit_price))
    _sub(row, "DeclTotal", number(item.total_price))
    _sub(row, "TradeCurr", item.currency)
    _sub(row, "OriginCountry", item.origin_country)
    _sub(row, "DestinationCountry", item.destination_country)
    _sub(row, "DistrictCode", item.domestic_area)
    _sub(row, "DutyMode", item.duty_mode)


def container_items(declaration: Declaration) -> dict[int, list[int]]:
    """Container id -> the item numbers whose goods line is loaded in it (from the shipment's container loads)."""
    by_line: dict[int, list[int]] = {}
    for item in declaration.items.all():
        if item.goods_line_id is not None:
            by_line.setdefault(item.goods_line_id, []).append(item.item_number)
    result: dict[int, list[int]] = {}
    for container in declaration.containers.all():
        numbers = sorted({n for load in container.loads.all() for n in by_line.get(load.goods_line_id, [])})
        result[container.pk] = numbers
    return result


def declaration_message(declaration: Declaration, *, message_id: str, modification: bool = False) -> str:
    """The DecMessage for `declaration`; `message_id` goes out as DecSign/ClientSeqNo and comes back on receipts.

    A `modification` (the correction after customs approved an amendment request) names the accepted declaration
    by DecHead/EntryId and goes with DecSign/OperType M; a first filing leaves EntryId empty (OperType C).
    The declaration should come with its parties, items, documents and containers (with loads) loaded.
    """
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(f"{{{NAMESPACE}}}DecMessage")
    head = _sub(root, "DecHead")
    _sub(head, "SeqNo", declaration.pre_entry_number)
    _sub(head, "EntryId", declaration.entry_number if modification else "")
    _sub(head, "IEFlag", "I" if declaration.direction == Direction.IMPORT else "E")
    _sub(head, "Type", "Z" if declaration.self_assessment else "")
    _sub(head, "CustomMaster", declaration.declaring_customs)
    _sub(head, "IEPort", declaration.entry_exit_customs)
    _sub(head, "ManualNo", declaration.record_number)
    _sub(head, "ContrNo", declaration.contract_number)
    _sub(head, "IEDate", _date(declaration.import_export_date))
    _party(head, declaration.domestic_trader, code="TradeCode", scc="TradeCoScc", name="TradeName")
    _party(head, declaration.consumer_producer, code="OwnerCode", scc="OwnerCodeScc", name="OwnerName")
    _party(head, declaration.declarant, code="AgentCode", scc="AgentCodeScc", name="AgentName")
    overseas = declaration.overseas_trader
    role = "Consignor" if declaration.direction == Direction.IMPORT else "Consignee"
    _sub(head, f"Overseas{role}Code", overseas.aeo_number if overseas else "")
    _sub(head, f"Overseas{role}Ename", (overseas.name_en or overseas.name_local) if overseas else "")
    _sub(head, "TrafMode", declaration.transport_mode)
    _sub(head, "TrafName", declaration.vessel_name)
    _sub(head, "BillNo", declaration.bill_number)
    _sub(head, "GoodsPlace", declaration.goods_location)
    _sub(head, "TradeMode", declaration.trade_mode)
    _sub(head, "CutMode", declaration.levy_nature)
    _sub(head, "LicenseNo", declaration.licence_number)
    _sub(head, "TradeCountry", declaration.departure_country)
    _sub(head, "TradeAreaCode", declaration.trade_country)
    _sub(head, "DespPortCode", declaration.departure_port)
    _sub(head, "DistinatePort", declaration.stop_port)
    _sub(head, "EntyPortCode", declaration.entry_exit_port)
    _sub(head, "WrapType", declaration.package_type)
    _sub(head, "PackNo", number(declaration.package_count))
    _sub(head, "GrossWet", number(declaration.gross_weight_kg))
    _sub(head, "NetWt", number(declaration.net_weight_kg))
    _sub(head, "TransMode", declaration.transaction_terms)
    _charge(head, "Fee", declaration.freight_mode, declaration.freight_value, declaration.freight_currency)
    _charge(head, "Insur", declaration.insurance_mode, declaration.insurance_value, declaration.insurance_currency)
    _charge(head, "Other", declaration.other_mode, declaration.other_value, declaration.other_currency)
    _sub(head, "PromiseItmes", _promises(declaration))
    _sub(head, "NoteS", declaration.marks_and_remarks)

    lists = _sub(root, "DecLists")
    for item in sorted(declaration.items.all(), key=lambda i: i.item_number):
        _item(lists, item)

    containers = _sub(root, "DecContainers")
    loaded = container_items(declaration)
    for container in sorted(declaration.containers.all(), key=lambda c: c.number):
        box = _sub(containers, "Container")
        _sub(box, "ContainerId", container.number)
        _sub(box, "ContainerMd", container.size_type)
        _sub(box, "GoodsNo", ",".join(str(n) for n in loaded.get(container.pk, [])))
        _sub(box, "ContainerWt", number(container.tare_kg))

    documents = _sub(root, "DecLicenseDocus")
    for document in sorted(declaration.documents.all(), key=lambda d: (d.code, d.number)):
        docu = _sub(documents, "LicenseDocu")
        _sub(docu, "DocuCode", document.code)
        _sub(docu, "CertCode", document.number)

    free = _sub(root, "DecFreeTxt")
    _sub(free, "VoyNo", declaration.voyage)

    sign = _sub(root, "DecSign")
    _sub(sign, "OperType", OPER_TYPE_MODIFY if modification else OPER_TYPE_DECLARE)
    _sub(sign, "ClientSeqNo", message_id)
    _sub(sign, "OperTime", timezone.localtime().strftime("%Y%m%d%H%M%S"))
    return _serialise(root)


def revision_message(request: RevisionRequest, *, message_id: str) -> str:
    """The DecModMessage (ours) asking customs to amend or withdraw the accepted declaration named by its entry
    number: the kind, the reason code of GACC Order No. 220 and the declarant's account. `message_id` goes out as
    DecSign/ClientSeqNo and comes back on customs' decision."""
    declaration = request.declaration
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(f"{{{NAMESPACE}}}DecModMessage")
    head = _sub(root, "DecModHead")
    _sub(head, "EntryId", declaration.entry_number)
    _sub(head, "SeqNo", declaration.pre_entry_number)
    _sub(head, "IEFlag", "I" if declaration.direction == Direction.IMPORT else "E")
    _sub(head, "CustomMaster", declaration.declaring_customs)
    _sub(head, "ModType", MOD_TYPES[request.kind])
    _sub(head, "ReasonCode", request.reason_code)
    _sub(head, "Reason", request.reason)
    sign = _sub(root, "DecSign")
    _sub(sign, "ClientSeqNo", message_id)
    _sub(sign, "OperTime", timezone.localtime().strftime("%Y%m%d%H%M%S"))
    return _serialise(root)


def _serialise(root: ET.Element) -> str:
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def receipt_message(
    *,
    client_seq_no: str,
    pre_entry_number: str,
    entry_number: str,
    channel: str,
    notice_at: dt.datetime,
    note: str,
    customs_office: str,
    sequence: int,
    import_export_date: dt.date | None = None,
    declaration_date: dt.date | None = None,
    errors: Iterable[tuple[str, int | None, str]] = (),
) -> str:
    """A DEC_RESULT receipt as customs sends it (the sandbox writes these; so do the recorded fixtures).

    CLIENT_SEQ_NO, NOTICE_SEQ and RESULT_INFO are our additions (see the schema document); the rest is the public
    receipt's. NOTICE_DATE is in China time, as customs writes it.
    """
    root = ET.Element("DEC_RESULT")
    local = timezone.localtime(notice_at, dt.timezone(dt.timedelta(hours=8)))
    for tag, text in [
        ("CUS_CIQ_NO", pre_entry_number),
        ("ENTRY_ID", entry_number),
        ("NOTICE_DATE", local.strftime("%Y-%m-%dT%H:%M:%S")),
        ("CHANNEL", channel),
        ("NOTE", note),
        ("CUSTOM_MASTER", customs_office),
        ("I_E_DATE", _date(import_export_date)),
        ("D_DATE", declaration_date.isoformat() if declaration_date else ""),
        ("CLIENT_SEQ_NO", client_seq_no),
        ("NOTICE_SEQ", str(sequence)),
    ]:
        element = ET.SubElement(root, tag)
        element.text = text
    for code, item_number, text in errors:
        info = ET.SubElement(root, "RESULT_INFO")
        for tag, value in [("CODE", code), ("G_NO", "" if item_number is None else str(item_number)), ("TEXT", text)]:
            element = ET.SubElement(info, tag)
            element.text = value
    return _serialise(root)
