"""Reading Single Window style XML: the DEC_RESULT receipt (and, for the sandbox and tests, our DecMessage).

Untrusted XML is parsed with defusedxml (no entity expansion, no external entities, no DTD tricks).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from xml.etree.ElementTree import Element  # noqa: S405 - the type only; parsing is defusedxml's

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from cpass.customs.gateway.base import MessageUnreadable, ParsedReceipt, ReceiptError
from cpass.customs.gateway.singlewindow.mapper import NAMESPACE

#: Customs writes receipt times in China time, without an offset.
CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
_OLD_NOTICE = re.compile(r"^(\d{8})T(\d{6})\d*$")  # 20180208T15032200 (older receipts)


def _root(payload: str | bytes) -> Element:
    try:
        return fromstring(payload)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise MessageUnreadable(f"not well-formed XML: {exc}") from exc


def _text(parent: Element, tag: str) -> str:
    child = parent.find(tag)
    return (child.text or "").strip() if child is not None else ""


def notice_time(raw: str) -> dt.datetime | None:
    """NOTICE_DATE as an aware time: 2024-04-17T09:15:03 (China time unless an offset is given) or 20180208T150322."""
    if not raw:
        return None
    old = _OLD_NOTICE.match(raw)
    if old:
        raw = f"{old[1][:4]}-{old[1][4:6]}-{old[1][6:]}T{old[2][:2]}:{old[2][2:4]}:{old[2][4:6]}"
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise MessageUnreadable(f"NOTICE_DATE {raw!r} is not a date and time") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=CHINA)


def parse_receipt(payload: str | bytes) -> ParsedReceipt:
    """A DEC_RESULT receipt (bare, or inside DEC_DATA as older receipts come) as a ParsedReceipt.

    The receipt carries no message id of its own; its identity is the declaration number, channel, notice time and
    notice sequence, so a receipt delivered twice has the same id.
    """
    root = _root(payload)
    result = root if root.tag == "DEC_RESULT" else root.find("DEC_RESULT")
    if result is None:
        raise MessageUnreadable(f"expected a DEC_RESULT receipt, found <{root.tag}>")
    channel = _text(result, "CHANNEL")
    if not channel:
        raise MessageUnreadable("the receipt has no CHANNEL code")
    pre_entry = _text(result, "CUS_CIQ_NO") or _text(result, "SEQ_NO")
    client = _text(result, "CLIENT_SEQ_NO")
    entry = _text(result, "ENTRY_ID")
    if not (pre_entry or client or entry):
        raise MessageUnreadable("the receipt names no declaration (CUS_CIQ_NO, CLIENT_SEQ_NO or ENTRY_ID)")
    raw_seq = _text(result, "NOTICE_SEQ") or "0"
    if not raw_seq.isdigit():
        raise MessageUnreadable(f"NOTICE_SEQ {raw_seq!r} is not a whole number")
    issued_at = notice_time(_text(result, "NOTICE_DATE"))
    errors = []
    for info in result.findall("RESULT_INFO"):
        g_no = _text(info, "G_NO")
        errors.append(ReceiptError(_text(info, "CODE"), _text(info, "TEXT"), int(g_no) if g_no.isdigit() else None))
    stamp = issued_at.astimezone(CHINA).strftime("%Y%m%d%H%M%S") if issued_at else "-"
    message_id = f"{pre_entry or client or entry}:{channel}:{stamp}:{raw_seq}"[:64]
    return ParsedReceipt(
        message_id=message_id,
        code=channel,
        issued_at=issued_at,
        client_seq_no=client,
        pre_entry_number=pre_entry,
        entry_number=entry,
        sequence=int(raw_seq),
        note=_text(result, "NOTE"),
        errors=tuple(errors),
    )


def _fields(element: Element | None) -> dict[str, str]:
    if element is None:
        return {}
    prefix = f"{{{NAMESPACE}}}"
    return {child.tag.removeprefix(prefix): (child.text or "") for child in element}


def parse_revision(payload: str | bytes) -> dict[str, dict[str, str]]:
    """Our DecModMessage (an amendment or withdrawal request) read back: its head and signature."""
    root = _root(payload)
    ns = f"{{{NAMESPACE}}}"
    if root.tag != f"{ns}DecModMessage":
        raise MessageUnreadable(f"expected a DecModMessage, found <{root.tag}>")
    return {"head": _fields(root.find(f"{ns}DecModHead")), "sign": _fields(root.find(f"{ns}DecSign"))}


def parse_declaration(payload: str | bytes) -> dict[str, Any]:
    """Our DecMessage read back into plain dicts: head, items, containers, documents, free text and signature."""
    root = _root(payload)
    ns = f"{{{NAMESPACE}}}"
    if root.tag != f"{ns}DecMessage":
        raise MessageUnreadable(f"expected a DecMessage, found <{root.tag}>")

    def rows(group: str, row: str) -> list[dict[str, str]]:
        parent = root.find(f"{ns}{group}")
        return [] if parent is None else [_fields(child) for child in parent.findall(f"{ns}{row}")]

    return {
        "head": _fields(root.find(f"{ns}DecHead")),
        "items": rows("DecLists", "DecList"),
        "containers": rows("DecContainers", "Container"),
        "documents": rows("DecLicenseDocus", "LicenseDocu"),
        "free": _fields(root.find(f"{ns}DecFreeTxt")),
        "sign": _fields(root.find(f"{ns}DecSign")),
    }
