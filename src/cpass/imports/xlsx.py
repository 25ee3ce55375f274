"""The rows of an XLSX workbook's first sheet as cell text, streamed from the sheet's XML with expat.

Why not openpyxl's read-only mode, which this replaces for reading: it builds a cell object per cell, about
20 µs each, so a 26-column item sheet read at 0.5 ms a row, slower than checking and writing the row. Here
the sheet is parsed once by expat and each cell costs a few callbacks. The values are the ones openpyxl
gives (numbers as int or float, dates by the cell's number format and the workbook's epoch, booleans,
shared and inline strings; a test compares the two on generated workbooks), turned into text by the import
engine's `cell_text`. Memory is constant but for the shared-string table, which openpyxl keeps too.

A formula or a merged range makes the whole file refused (`FileRejected`): a formula as soon as it is met,
merged cells when the sheet's XML lists them, after its rows. A DTD or entity declaration is refused, so
no entity can expand.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any
from xml.etree.ElementTree import ParseError  # noqa: S405 - the exception class only
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from cpass.imports.framework import FileRejected

_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_COLUMN = re.compile(r"[A-Z]+")
#: How far the sheet is read per expat call.
_CHUNK = 1 << 16
#: Local element names by the names the parsers give ("{namespace}c" -> "c").
_TAGS: dict[str, str] = {}


def xlsx_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    """(row number as Excel shows it, cell texts from column A) for each row of the first sheet with cells."""
    try:
        archive = zipfile.ZipFile(stream)
        sheet_path, shared_path, styles_path, epoch = _workbook_parts(archive)
        shared = _shared_strings(archive, shared_path)
        date_styles = _date_styles(archive, styles_path)
        sheet = archive.open(sheet_path)
    except (zipfile.BadZipFile, KeyError, OSError, ParseError, DefusedXmlException, ValueError):
        raise FileRejected.because(_unreadable()) from None
    with sheet:
        yield from _SheetReader(shared, date_styles, epoch).rows(sheet)


def cell_text(value: Any) -> str:
    """A cell's value as the text an importer parses: whole numbers without ".0", dates in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(Decimal(repr(value)))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _unreadable() -> str:
    return _("The file is not a readable XLSX workbook. Save it again as .xlsx.")


def _local(name: str) -> str:
    """An element's name without its namespace ("{…main}c" -> "c"), remembered: the sheet asks for every cell."""
    tag = _TAGS.get(name)
    if tag is None:
        tag = _TAGS[name] = name.rpartition("}")[2]
    return tag


def _parse(archive: zipfile.ZipFile, path: str, events: tuple[str, ...] = ("end",)) -> Iterator[tuple[str, Any]]:
    """The elements of a small workbook part (workbook, relationships, shared strings, styles); a DTD is
    refused (defusedxml), so no entity can expand."""
    with archive.open(path) as part:
        yield from iterparse(part, events=events, forbid_dtd=True)


def _workbook_parts(archive: zipfile.ZipFile) -> tuple[str, str | None, str | None, dt.datetime]:
    """The first sheet's part, the shared strings and styles parts (if any) and the date epoch."""
    names = set(archive.namelist())
    workbook_path = "xl/workbook.xml"
    first_id, epoch = None, CALENDAR_WINDOWS_1900
    for _event, element in _parse(archive, workbook_path):
        tag = _local(element.tag)
        if tag == "workbookPr" and element.get("date1904", "").lower() in ("1", "true"):
            epoch = CALENDAR_MAC_1904
        elif tag == "sheet" and first_id is None:
            first_id = element.get(f"{{{_RELATIONSHIPS}}}id")
    targets: dict[str, str] = {}
    by_type: dict[str, str] = {}
    rels_path = "xl/_rels/workbook.xml.rels"
    for _event, element in _parse(archive, rels_path) if rels_path in names else ():
        if element.tag == f"{{{_PACKAGE_RELATIONSHIPS}}}Relationship":
            target = element.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            targets[element.get("Id", "")] = path
            by_type[element.get("Type", "").rpartition("/")[2]] = path
    sheet_path = targets.get(first_id or "", "xl/worksheets/sheet1.xml")
    shared = by_type.get("sharedStrings", "xl/sharedStrings.xml")
    styles = by_type.get("styles", "xl/styles.xml")
    return sheet_path, shared if shared in names else None, styles if styles in names else None, epoch


def _shared_strings(archive: zipfile.ZipFile, path: str | None) -> list[str]:
    """Each shared string's text: its runs joined, phonetic guides (rPh) left out, as openpyxl reads them."""
    if path is None:
        return []
    strings: list[str] = []
    parts: list[str] = []
    phonetic = 0
    for event, element in _parse(archive, path, ("start", "end")):
        tag = _local(element.tag)
        if event == "start":
            phonetic += tag == "rPh"
        elif tag == "rPh":
            phonetic -= 1
        elif tag == "t" and not phonetic:
            parts.append(element.text or "")
        elif tag == "si":
            strings.append("".join(parts))
            parts.clear()
            element.clear()
    return strings


def _date_styles(archive: zipfile.ZipFile, path: str | None) -> dict[int, bool]:
    """Cell style index -> True for a date format, False for a duration format ([h]:mm); others absent."""
    if path is None:
        return {}
    custom: dict[int, str] = {}
    formats: list[int] = []
    in_cell_xfs = False
    for event, element in _parse(archive, path, ("start", "end")):
        tag = _local(element.tag)
        if tag == "cellXfs":
            in_cell_xfs = event == "start"
        elif event == "end" and tag == "numFmt":
            custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
        elif event == "end" and tag == "xf" and in_cell_xfs:
            formats.append(int(element.get("numFmtId", "0")))
    kinds: dict[int, bool] = {}
    for index, format_id in enumerate(formats):
        code = custom.get(format_id, BUILTIN_FORMATS.get(format_id, "General"))
        if is_date_format(code):
            kinds[index] = not is_timedelta_format(code)
    return kinds


class _SheetReader:
    """expat callbacks that assemble the rows of one sheet."""

    def __init__(self, shared: list[str], date_styles: dict[int, bool], epoch: dt.datetime) -> None:
        self.shared = shared
        self.date_styles = date_styles
        self.epoch = epoch
        self.done: list[tuple[int, list[str]]] = []
        self.merged: list[str] = []
        self.row: list[str] = []
        self.row_number = 0
        self.cell_ref = ""
        self.cell_type = ""
        self.cell_style = 0
        self.text: list[str] | None = None  # collecting the characters of a <v> or an inline <t>
        self.value: list[str] = []
        self.phonetic = 0  # inside a phonetic guide (rPh) of an inline string: its text is not the value

    def rows(self, sheet: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._doctype
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._characters
        try:
            while chunk := sheet.read(_CHUNK):
                parser.Parse(chunk, False)
                yield from self.done
                self.done.clear()
            parser.Parse(b"", True)
        except expat.ExpatError:
            raise FileRejected.because(_unreadable()) from None
        yield from self.done
        if self.merged:
            raise FileRejected.because(
                _("The sheet has merged cells (%(ranges)s). Unmerge them: each row must stand alone.")
                % {"ranges": ", ".join(self.merged[:5])}
            )

    def _doctype(self, *_args: Any) -> None:
        raise FileRejected.because(_("The sheet declares a DTD, which spreadsheets never do: it is refused."))

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        tag = _TAGS.get(name) or _local(name)
        if tag == "c":
            self.cell_ref = attributes.get("r", "")
            self.cell_type = attributes.get("t", "n")
            self.cell_style = int(attributes.get("s", "0"))
            self.value = []
        elif tag == "v" or (tag == "t" and self.cell_type == "inlineStr" and not self.phonetic):
            self.text = self.value
        elif tag == "f":
            raise FileRejected.because(
                _("Cell %(cell)s holds a formula. Paste the values instead (Paste Special → Values).")
                % {"cell": self.cell_ref}
            )
        elif tag == "row":
            self.row_number = int(attributes.get("r", self.row_number + 1))
            self.row = []
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "mergeCell":
            self.merged.append(attributes.get("ref", ""))

    def _characters(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def _end(self, name: str) -> None:
        tag = _TAGS.get(name) or _local(name)
        if tag in ("v", "t"):
            self.text = None
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "c":
            self._cell()
        elif tag == "row":
            if self.row:
                self.done.append((self.row_number, self.row))

    def _cell(self) -> None:
        raw = "".join(self.value)
        try:
            value = self._value(raw)
        except (ValueError, IndexError, OverflowError):
            raise FileRejected.because(
                _("Cell %(cell)s holds “%(value)s”, which is not a value of its kind: type it again.")
                % {"cell": self.cell_ref, "value": raw[:30]}
            ) from None
        row = self.row
        if self.cell_ref:
            letters = self.cell_ref.rstrip(_DIGITS)
            column = _COLUMNS.get(letters)
            if column is None:
                column = _COLUMNS[letters] = _column_index(letters)
        else:
            column = len(row)
        text = value.strip() if type(value) is str else cell_text(value)
        if column == len(row):
            row.append(text)
        elif column > len(row):
            row.extend([""] * (column - len(row)))
            row.append(text)
        else:
            row[column] = text

    def _value(self, raw: str) -> Any:
        """The value openpyxl would give for the cell's raw text, type and style."""
        kind = self.cell_type
        if not raw:
            return None
        if kind == "s":
            return self.shared[int(raw)]
        if kind == "b":
            return raw == "1"
        if kind in ("inlineStr", "str", "e"):
            return raw
        if kind == "d":
            return dt.datetime.fromisoformat(raw)
        number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
        date_kind = self.date_styles.get(self.cell_style)
        if date_kind is None:
            return number
        try:
            return from_excel(number, self.epoch, timedelta=not date_kind)
        except (OverflowError, ValueError):
            return "#VALUE!"  # a date format on a number beyond the calendar: openpyxl's error value too


#: Column indexes by letters.
_COLUMNS: dict[str, int] = {}
_DIGITS = "0123456789"


def _column_index(letters: str) -> int:
    """0 for column A (of "A7"), 26 for "AA"; a reference without letters is column A."""
    index = 0
    for letter in letters.upper() if _COLUMN.fullmatch(letters.upper()) else "A":
        index = index * 26 + ord(letter) - 64
    return index - 1
