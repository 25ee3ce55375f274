"""Reading UN/EDIFACT: the CUSRES customs response (and, for tests and the sandbox, any interchange's segments).

pydifact tokenises the interchange (honouring the UNA service string advice and the release character); this module
only walks the segments. Anything that is not a CUSRES inside UNB … UNZ is refused as unreadable.
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

from pydifact.exceptions import EDISyntaxError
from pydifact.parser import Parser
from pydifact.segments import Segment

from cpass.customs.gateway.base import MessageUnreadable, ParsedReceipt, ReceiptError
from cpass.customs.gateway.edifact.mapper import CHINA


def segments(payload: str | bytes) -> list[Segment]:
    """Every segment of the interchange (UNA excluded); MessageUnreadable when it does not tokenise."""
    if isinstance(payload, bytes):
        try:
            payload = payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MessageUnreadable("the interchange is not UTF-8 (syntax UNOW)") from exc
    text = payload.strip()
    if not text.startswith(("UNA", "UNB")):
        raise MessageUnreadable("an interchange starts with UNA or UNB")
    try:
        with warnings.catch_warnings():
            # pydifact warns that it has no directory files to validate against; we check the segments ourselves.
            warnings.simplefilter("ignore")
            found = [s for s in Parser().parse(text) if s.tag != "UNA"]
    except (EDISyntaxError, ValueError, IndexError) as exc:
        raise MessageUnreadable(f"EDIFACT syntax error: {exc}") from exc
    if not found or found[0].tag != "UNB" or found[-1].tag != "UNZ":
        raise MessageUnreadable("the interchange must be enclosed in UNB … UNZ")
    return found


def component(element: Any, index: int = 0) -> str:
    """Component `index` of a data element (a plain string is its own first component)."""
    if isinstance(element, list):
        return str(element[index]) if index < len(element) and element[index] is not None else ""
    if index == 0 and element is not None:
        return str(element)
    return ""


def element(segment: Segment, index: int, part: int = 0) -> str:
    return component(segment.elements[index], part) if index < len(segment.elements) else ""


def _moment(raw: str, fmt: str) -> dt.datetime:
    formats = {"204": "%Y%m%d%H%M%S", "203": "%Y%m%d%H%M", "102": "%Y%m%d"}
    if fmt not in formats:
        raise MessageUnreadable(f"DTM format {fmt!r} is not one we read (102, 203, 204)")
    try:
        return dt.datetime.strptime(raw, formats[fmt]).replace(tzinfo=CHINA)
    except ValueError as exc:
        raise MessageUnreadable(f"DTM {raw!r} does not match format {fmt}") from exc


def parse_cusres(payload: str | bytes) -> ParsedReceipt:
    """A CUSRES as a ParsedReceipt: BGM names our CUSDEC, GIS the status code, DTM 137 the time, RFF the numbers,
    ERP/ERC/FTX AAO the errors and FTX AAI customs' note. Its id is the interchange and message reference."""
    found = segments(payload)
    unb = found[0]
    heads = [s for s in found if s.tag == "UNH"]
    if len(heads) != 1:
        raise MessageUnreadable("expected exactly one message (UNH) in the interchange")
    unh = heads[0]
    if element(unh, 1, 0) != "CUSRES":
        raise MessageUnreadable(f"expected a CUSRES message, found {element(unh, 1, 0) or 'none'}")
    body = found[found.index(unh) + 1 : -1]
    if not body or body[-1].tag != "UNT":
        raise MessageUnreadable("the message is not closed by UNT")
    if element(body[-1], 0) != str(len(body) + 1):
        raise MessageUnreadable(f"UNT counts {element(body[-1], 0)} segments; the message has {len(body) + 1}")
    client_seq_no = code = entry = pre_entry = note = ""
    sequence = 0
    issued_at: dt.datetime | None = None
    errors: list[ReceiptError] = []
    pending_item: int | None = None
    pending_code = ""
    for segment in body[:-1]:
        tag = segment.tag
        if tag == "BGM":
            client_seq_no = element(segment, 1)
        elif tag == "DTM" and element(segment, 0, 0) == "137":
            issued_at = _moment(element(segment, 0, 1), element(segment, 0, 2) or "102")
        elif tag == "GIS":
            code = element(segment, 0, 0)
        elif tag == "RFF":
            qualifier, value = element(segment, 0, 0), element(segment, 0, 1)
            if qualifier == "ABT":
                entry = value
            elif qualifier == "ACD":
                pre_entry = value
            elif qualifier == "ZSQ":
                if not value.isdigit():
                    raise MessageUnreadable(f"RFF ZSQ {value!r} is not a whole number")
                sequence = int(value)
        elif tag == "ERP":
            raw_item = element(segment, 0, 1)
            pending_item = int(raw_item) if raw_item.isdigit() and int(raw_item) > 0 else None
        elif tag == "ERC":
            pending_code = element(segment, 0, 0)
        elif tag == "FTX":
            text = "".join(component(segment.elements[3], i) for i in range(5)) if len(segment.elements) > 3 else ""
            if element(segment, 0) == "AAO":
                errors.append(ReceiptError(pending_code, text, pending_item))
                pending_code, pending_item = "", None
            elif element(segment, 0) == "AAI":
                note = text
    if not code:
        raise MessageUnreadable("the CUSRES has no status (GIS)")
    if not (client_seq_no or pre_entry or entry):
        raise MessageUnreadable("the CUSRES names no declaration (BGM, RFF ACD or RFF ABT)")
    message_id = f"{element(unb, 4)}/{element(unh, 0)}"
    return ParsedReceipt(
        message_id=message_id[:64],
        code=code,
        issued_at=issued_at,
        client_seq_no=client_seq_no,
        pre_entry_number=pre_entry,
        entry_number=entry,
        sequence=sequence,
        note=note,
        errors=tuple(errors),
    )
