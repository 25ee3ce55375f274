"""Our declaration as a UN/EDIFACT CUSDEC (directory D.96B), and the CUSRES reply the sandbox writes.

Segments are built as pydifact Segments and serialised by pydifact, which writes the UNA service string advice and
escapes the release character ('?') before every separator and before itself. The interchange uses syntax UNOW
version 4 (UTF-8), so Chinese names travel as they are. docs/customs/edifact.md is the segment map: which
qualifier carries which field, and which codes are our mutually defined (ZZZ) ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from pydifact.control import Characters
from pydifact.segments import Segment
from pydifact.serializer import Serializer

from cpass.customs.choices import RevisionKind
from cpass.customs.gateway.singlewindow.mapper import CHARGE_MARKS, container_items, number
from cpass.customs.models import Declaration, DeclarationItem, RevisionRequest
from cpass.parties.models import Party
from cpass.reference.selectors import code_entry
from cpass.reference.tables import Table
from cpass.shipments.choices import Direction

#: Component ':', element '+', decimal '.', release '?', reserved ' ', terminator "'".
CHARACTERS = Characters(decimal_point=".")
SYNTAX = ["UNOW", "4"]
CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
#: BGM document name codes (UNTDID 1001): goods declaration for importation / exportation; customs response.
DOC_IMPORT, DOC_EXPORT, DOC_RESPONSE = "929", "830", "962"
#: BGM message function codes (UNTDID 1225): 9 original (a first filing); 5 replace, "message replacing a previous
#: message" (the whole corrected declaration after customs approved an amendment); 1 cancellation, "message
#: cancelling a previous transmission for a given transaction" (a withdrawal request); 13 request, "the referenced
#: message is a request" (an amendment request: it carries no changed items, which 4 "change" would announce).
FUNCTION_ORIGINAL, FUNCTION_REPLACE, FUNCTION_CANCEL, FUNCTION_REQUEST = "9", "5", "1", "13"
REVISION_FUNCTIONS: dict[str, str] = {RevisionKind.AMEND: FUNCTION_REQUEST, RevisionKind.WITHDRAW: FUNCTION_CANCEL}
#: MOA qualifiers (UNTDID 5025) of the three charges: 64 freight charge, 67 insurance amount, 160 other costs (杂费;
#: 5025's definition leaves packing out, which China's 杂费 may hold: a counterpart's guide may ask otherwise); and
#: the GIS list naming how each is given (mark 1 rate, 2 per unit, 3 total).
_CHARGES = (("freight", "64", "FRT"), ("insurance", "67", "INS"), ("other", "160", "OTH"))
#: TDT transport stage (UNTDID 8051) 11, at border: the declaration names the means of transport that carries the
#: goods across China's border (进出境运输工具) and its mode (运输方式).
_AT_BORDER = "11"
#: LOC location function qualifiers (UNTDID 3227), import / export: customs office of entry / exit, port of call
#: (the last foreign port before China / the next one after it), the domestic area (region of destination / of
#: production).
_ENTRY_EXIT_OFFICE = ("41", "42")
_PORT_OF_CALL = ("125", "61")
_DOMESTIC_AREA = ("47", "48")


def seg(tag: str, *elements: str | list[str]) -> Segment:
    """A segment without trailing empty data elements, and with a composite whose code is empty left empty."""
    cleaned: list[str | list[str]] = [
        "" if isinstance(e, list) and not e[0] and not any(e[3:]) else e for e in elements
    ]
    while cleaned and cleaned[-1] in ("", []):
        cleaned.pop()
    return Segment(tag, *cleaned)


def control_reference(*parts: str) -> str:
    """A 14-character interchange control reference, the same for the same parts (so a resend is recognisable)."""
    return hashlib.sha1("|".join(parts).encode(), usedforsecurity=False).hexdigest()[:14].upper()


def _interchange(sender: str, recipient: str, reference: str, at: dt.datetime, body: list[Segment]) -> str:
    local = at.astimezone(CHINA)
    segments = [
        seg("UNB", SYNTAX, [sender, "ZZZ"], [recipient, "ZZZ"], [f"{local:%Y%m%d}", f"{local:%H%M}"], reference),
        *body,
    ]
    segments.append(seg("UNZ", "1", reference))
    return Serializer(CHARACTERS).serialize(segments, with_una_header=True, break_lines=True)


def _message(kind: str, body: list[Segment]) -> list[Segment]:
    """UNH … UNT around `body`; UNT counts every segment of the message including UNH and UNT."""
    return [seg("UNH", "1", [kind, "D", "96B", "UN"]), *body, seg("UNT", str(len(body) + 2), "1")]


def _nad(qualifier: str, party: Party | None) -> Segment | None:
    if party is None:
        return None
    identifier, scheme = (party.uscc, "SCC") if party.uscc else (party.customs_code, "CCC")
    return seg("NAD", qualifier, [identifier, scheme, "ZZZ"] if identifier else "", "", party.name_local)


def _rec19(transport_mode: str, on: dt.date | None) -> str:
    """The UN/ECE Recommendation 19 mode of transport of a customs transport mode (运输方式), from the code table's
    `rec19` attribute: TDT's mode element is Rec. 19, where "2" means rail, not waterway. "" when it has none (a
    bonded area, say); the customs code itself goes in GIS TRF."""
    entry = code_entry(Table.TRANSPORT_MODE, transport_mode, on=on) if transport_mode else None
    return str(entry.attributes.get("rec19", "")) if entry is not None else ""


def _amount(value: Decimal | None) -> str:
    return number(value)


def _item_segments(item: DeclarationItem, *, importing: bool) -> list[Segment]:
    currency = item.currency
    segments = [
        seg(
            "CST",
            str(item.item_number),
            [item.hs_code, "TAR", "ZZZ"],
            [item.ciq_code, "CIQ", "ZZZ"],
            [item.duty_mode, "DUT", "ZZZ"],
        ),
        seg("FTX", "AAA", "", "", [item.name, item.specification]),
        seg("LOC", "27", item.origin_country),
        seg("LOC", "28", item.destination_country),
    ]
    if item.domestic_area:
        segments.append(seg("LOC", _DOMESTIC_AREA[not importing], [item.domestic_area, "", "ZZZ"]))
    for qualifier, quantity, unit in (
        ("47", item.quantity, item.trade_unit),
        ("ZL1", item.legal_quantity_1, item.legal_unit_1),
        ("ZL2", item.legal_quantity_2, item.legal_unit_2),
    ):
        if quantity is not None:
            segments.append(seg("QTY", [qualifier, number(quantity), unit]))
    if item.unit_price is not None:
        segments.append(seg("MOA", ["146", _amount(item.unit_price), currency]))
    if item.total_price is not None:
        segments.append(seg("MOA", ["38", _amount(item.total_price), currency]))
    return segments


def cusdec_message(
    declaration: Declaration, *, message_id: str, sender: str, recipient: str, modification: bool = False
) -> str:
    """The CUSDEC interchange for `declaration` (parties, items, documents and containers loaded). A
    `modification` replaces the accepted declaration (BGM function 5) named by its entry number (RFF ABT)."""
    importing = declaration.direction == Direction.IMPORT
    body: list[Segment | None] = [
        seg(
            "BGM",
            DOC_IMPORT if importing else DOC_EXPORT,
            message_id,
            FUNCTION_REPLACE if modification else FUNCTION_ORIGINAL,
        ),
        seg("CST", "", [declaration.trade_mode, "TRM", "ZZZ"], [declaration.levy_nature, "LEV", "ZZZ"]),
        seg("LOC", "22", [declaration.declaring_customs, "", "ZZZ"]),
        seg("LOC", _ENTRY_EXIT_OFFICE[not importing], [declaration.entry_exit_customs, "", "ZZZ"]),
        seg("LOC", "35" if importing else "28", declaration.departure_country),
        seg("LOC", "40", declaration.trade_country),
        seg("LOC", "9" if importing else "11", [declaration.departure_port, "", "ZZZ"]),
        seg("LOC", _PORT_OF_CALL[not importing], [declaration.stop_port, "", "ZZZ"]),
        seg("LOC", "ZEP", [declaration.entry_exit_port, "", "ZZZ"]),
        seg("LOC", "14", ["", "", "", declaration.goods_location]) if declaration.goods_location else None,
    ]
    if declaration.declaration_date:
        body.append(seg("DTM", ["137", f"{declaration.declaration_date:%Y%m%d}", "102"]))
    if declaration.import_export_date:
        body.append(seg("DTM", ["178" if importing else "186", f"{declaration.import_export_date:%Y%m%d}", "102"]))
    promises = "".join(
        {"yes": "1", "no": "0"}.get(answer, "9")
        for answer in (declaration.related_party, declaration.price_influence, declaration.royalty_payment)
    )
    body += [
        seg("GIS", [promises, "PRM", "ZZZ"]),
        seg("GIS", ["Z" if declaration.self_assessment else "N", "SAS", "ZZZ"]),
        seg("GIS", [declaration.transaction_terms, "TRT", "ZZZ"]) if declaration.transaction_terms else None,
        seg("GIS", [declaration.transport_mode, "TRF", "ZZZ"]) if declaration.transport_mode else None,
    ]
    for field, moa_code, gis_list in _CHARGES:
        mode = getattr(declaration, f"{field}_mode")
        if not mode:
            continue
        body.append(seg("GIS", [CHARGE_MARKS[mode], gis_list, "ZZZ"]))
        currency = "" if mode == "rate" else getattr(declaration, f"{field}_currency")
        body.append(seg("MOA", [moa_code, _amount(getattr(declaration, f"{field}_value")), currency]))
    if declaration.marks_and_remarks:
        body.append(seg("FTX", "AAI", "", "", declaration.marks_and_remarks))
    for qualifier, value in (
        ("ABT", declaration.entry_number if modification else ""),
        ("CT", declaration.contract_number),
        ("BM", declaration.bill_number),
        ("IP" if importing else "EX", declaration.licence_number),  # 1153: import / export permit identifier
        ("ZRN", declaration.record_number),
    ):
        if value:
            body.append(seg("RFF", [qualifier, value]))
    body += [
        _nad("CN" if importing else "CZ", declaration.domestic_trader),
        _nad("CZ" if importing else "CN", declaration.overseas_trader),
        _nad("UC" if importing else "MF", declaration.consumer_producer),
        _nad("AG", declaration.declarant),
    ]
    vessel = (
        ["", "", "", declaration.vessel_name]
        if not declaration.imo_number
        else [declaration.imo_number, "146", "ZZZ", declaration.vessel_name]
    )
    mode = [_rec19(declaration.transport_mode, declaration.declaration_date)]
    body.append(seg("TDT", _AT_BORDER, declaration.voyage, mode, "", "", "", "", vessel))
    # UNTDID 6313: AAD consignment gross weight, AAC total net weight.
    for qualifier, weight in (("AAD", declaration.gross_weight_kg), ("AAC", declaration.net_weight_kg)):
        if weight is not None:
            body.append(seg("MEA", "WT", qualifier, ["KGM", number(weight)]))
    if declaration.package_count is not None or declaration.package_type:
        body.append(seg("PAC", number(declaration.package_count), "", [declaration.package_type, "", "ZZZ"]))
    for document in sorted(declaration.documents.all(), key=lambda d: (d.code, d.number)):
        body.append(seg("DOC", [document.code, "", "ZZZ"], document.number))
    loaded = container_items(declaration)
    for container in sorted(declaration.containers.all(), key=lambda c: c.number):
        body.append(seg("EQD", "CN", container.number, [container.size_type, "6346", "5"]))
        goods = ",".join(str(n) for n in loaded.get(container.pk, []))
        if goods:
            body.append(seg("RFF", ["ZGN", goods]))
    items = sorted(declaration.items.all(), key=lambda i: i.item_number)
    body.append(seg("UNS", "D"))
    for item in items:
        body.extend(_item_segments(item, importing=importing))
    body.append(seg("UNS", "S"))
    body.append(seg("CNT", ["5", str(len(items))]))
    kept = [s for s in body if s is not None and not (s.tag == "LOC" and len(s.elements) < 2)]
    segments = _message("CUSDEC", kept)
    return _interchange(sender, recipient, control_reference(message_id), timezone.now(), segments)


def cusdec_revision(request: RevisionRequest, *, message_id: str, sender: str, recipient: str) -> str:
    """The CUSDEC asking customs to amend (BGM function 13, request) or withdraw (1, cancellation) the accepted
    declaration named by its entry number (RFF ABT): the reason code of GACC Order No. 220 (GIS, list ZRC, ours)
    and the declarant's account (FTX ACD, reason)."""
    declaration = request.declaration
    importing = declaration.direction == Direction.IMPORT
    body = [
        seg("BGM", DOC_IMPORT if importing else DOC_EXPORT, message_id, REVISION_FUNCTIONS[request.kind]),
        seg("LOC", "22", [declaration.declaring_customs, "", "ZZZ"]),
        seg("GIS", [request.reason_code, "ZRC", "ZZZ"]),
        seg("FTX", "ACD", "", "", request.reason[:512]),
        seg("RFF", ["ABT", declaration.entry_number]),
    ]
    if declaration.pre_entry_number:
        body.append(seg("RFF", ["ACD", declaration.pre_entry_number]))
    return _interchange(sender, recipient, control_reference(message_id), timezone.now(), _message("CUSDEC", body))


def cusres_message(
    *,
    client_seq_no: str,
    pre_entry_number: str,
    entry_number: str,
    code: str,
    issued_at: dt.datetime,
    note: str,
    customs_office: str,
    sequence: int,
    sender: str,
    recipient: str,
    errors: Iterable[tuple[str, int | None, str]] = (),
) -> str:
    """A CUSRES answering the CUSDEC whose BGM number was `client_seq_no`: status code (GIS), numbers (RFF), errors
    (ERP/ERC/FTX) and customs' note (FTX AAI)."""
    local = issued_at.astimezone(CHINA)
    body: list[Segment] = [
        seg("BGM", DOC_RESPONSE, client_seq_no),
        seg("DTM", ["137", f"{local:%Y%m%d%H%M%S}", "204"]),
        seg("LOC", "22", [customs_office, "", "ZZZ"]),
        seg("GIS", [code, "120", "ZZZ"]),
    ]
    if entry_number:
        body.append(seg("RFF", ["ABT", entry_number]))
    if pre_entry_number:
        body.append(seg("RFF", ["ACD", pre_entry_number]))
    body.append(seg("RFF", ["ZSQ", str(sequence)]))
    for error_code, item_number, text in errors:
        body += [
            seg("ERP", ["6", str(item_number or 0)]),
            seg("ERC", [error_code, "", "ZZZ"]),
            seg("FTX", "AAO", "", "", text[:512]),
        ]
    if note:
        body.append(seg("FTX", "AAI", "", "", note[:512]))
    reference = control_reference(client_seq_no, code, str(sequence))
    return _interchange(sender, recipient, reference, issued_at, _message("CUSRES", body))
