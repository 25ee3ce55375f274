"""The rows of an XLSX workbook's first sheet as cell text, streamed from the sheet's XML.

Why not openpyxl's read-only mode: it builds a cell object per cell, about 20 µs each, so a 26-column item sheet
read at 0.5 ms a row, slower than checking and writing the row (docs/decisions/0003). Here the values are the ones
openpyxl gives (numbers as int or float, dates by the cell's number format and the workbook's epoch, booleans,
shared and inline strings; a test compares the two on generated workbooks), turned into text by `cell_text`.
Memory is constant but for the shared-string table, which openpyxl keeps too.

Two readers give the same rows:
- The row reader (`_RowScanner`) takes the rows of the sheet data as spreadsheet programs write them, a row at a
  time with one regular expression: cells in the order of the schema (`r`, `s`, `t`), each empty, with a `<v>`
  value or a plain inline string, and no entity, carriage return or other element. About twice as fast.
- expat (`_SheetParser`) takes any other row (a formula, rich text, phonetic guides, entities, another order of
  attributes…), each such row parsed on its own, and the whole sheet when its XML is not in UTF-8.

A formula or a merged range makes the whole file refused (`SheetError`): a formula as soon as it is met, merged
cells when the sheet's XML lists them, after its rows. A DTD or entity declaration is refused, so no entity can
expand.

This module does not import Django: `python -m cpass.imports.sheetxml FILE` reads a large sheet in a process of
its own (`cpass.imports.xlsx`), so that the import's process only checks and writes rows.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import itertools
import os
import pickle
import posixpath
import re
import struct
import sys
import zipfile
import zlib
from array import array
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any
from xml.etree.ElementTree import ParseError  # noqa: S405 - the exception class only
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_COLUMN = re.compile(r"[A-Z]+")
#: How far the sheet is read at a time.
_CHUNK = 1 << 16
#: Local element names by the names the parsers give ("{namespace}c" or "x:c" -> "c").
_TAGS: dict[str, str] = {}


class SheetError(Exception):
    """The workbook is refused. `kind` says why (one of the names below); `params` fill the message."""

    UNREADABLE = "unreadable"
    DTD = "dtd"
    FORMULA = "formula"  # params: cell
    MERGED = "merged"  # params: ranges
    VALUE = "value"  # params: cell, value

    def __init__(self, kind: str, **params: str) -> None:
        super().__init__(kind, params)
        self.kind = kind
        self.params = params


class SheetRows:
    """The rows of the first sheet, (row number as Excel shows it, cell texts from column A) for each row with
    cells, and how far the sheet has been read (`fraction`, for a progress bar)."""

    def __init__(self, stream: IO[bytes]) -> None:
        try:
            archive = zipfile.ZipFile(stream)
            sheet_path, shared_path, styles_path, epoch = _workbook_parts(archive)
            shared = _shared_strings(archive, shared_path)
            date_styles = _date_styles(archive, styles_path)
            self._size = archive.getinfo(sheet_path).file_size
            self._sheet = archive.open(sheet_path)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            KeyError,
            OSError,
            ParseError,
            DefusedXmlException,
            ValueError,
        ):
            raise SheetError(SheetError.UNREADABLE) from None
        self._parser = _SheetParser(shared, date_styles, epoch)
        self._read = 0
        self._rows = self._all_rows()

    @property
    def fraction(self) -> float:
        return min(self._read / self._size, 1.0) if self._size else 1.0

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self._rows

    def __next__(self) -> tuple[int, list[str]]:
        return next(self._rows)

    def _chunks(self) -> Iterator[bytes]:
        with self._sheet as sheet:
            try:
                while chunk := sheet.read(_CHUNK):
                    self._read += len(chunk)
                    yield chunk
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):  # a damaged entry: CRC, deflate
                raise SheetError(SheetError.UNREADABLE) from None

    def _all_rows(self) -> Iterator[tuple[int, list[str]]]:
        chunks = self._chunks()
        first = next(chunks, b"")
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _NOT_UTF8.match(first):
            yield from self._parser.rows(_prepend(first, chunks))
        else:
            yield from _RowScanner(self._parser).rows(_prepend(first, chunks))
        if self._parser.merged:
            raise SheetError(SheetError.MERGED, ranges=", ".join(self._parser.merged[:5]))


def sheet_size(stream: IO[bytes]) -> int:
    """The size of the first sheet's XML, uncompressed."""
    try:
        archive = zipfile.ZipFile(stream)
        return archive.getinfo(_workbook_parts(archive)[0]).file_size
    except (zipfile.BadZipFile, KeyError, OSError, ParseError, DefusedXmlException, ValueError):
        raise SheetError(SheetError.UNREADABLE) from None


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


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


def _local(name: str) -> str:
    """An element's name without its namespace or prefix, remembered: the sheet asks for every cell."""
    tag = _TAGS.get(name)
    if tag is None:
        tag = _TAGS[name] = name.rpartition("}")[2].rpartition(":")[2]
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


class SharedStrings:
    """The shared-string table, each text stripped, kept as large blocks of text and their offsets: a workbook of
    a million rows can hold a million strings, about 100 MB as Python strings and a third of that here."""

    BLOCK = 4096

    def __init__(self) -> None:
        self._blocks: list[str] = []
        self._offsets: list[array[int]] = []
        self._pending: list[str] = []
        self._count = 0

    def extend(self, texts: Iterable[str]) -> None:
        pending = self._pending
        before = len(pending)
        pending.extend(map(str.strip, texts))
        self._count += len(pending) - before
        while len(pending) >= self.BLOCK:
            self._seal()
            pending = self._pending

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < self._count:
            raise IndexError(index)
        block, position = divmod(index, self.BLOCK)
        if block == len(self._blocks):
            return self._pending[position]
        offsets = self._offsets[block]
        return self._blocks[block][offsets[position] : offsets[position + 1]]

    def _seal(self) -> None:
        """Join the first BLOCK pending strings into a block."""
        texts = self._pending[: self.BLOCK]
        self._blocks.append("".join(texts))
        self._offsets.append(array("Q", itertools.accumulate(map(len, texts), initial=0)))
        self._pending = self._pending[self.BLOCK :]


def _shared_strings(archive: zipfile.ZipFile, path: str | None) -> SharedStrings:
    """Each shared string's text: its runs joined, phonetic guides (rPh) left out, as openpyxl reads them. Plain
    strings (one run, no entity) are taken by regular expression, the others by expat, as the rows are."""
    strings = SharedStrings()
    if path is None:
        return strings
    with archive.open(path) as part:
        chunks = iter(lambda: part.read(_CHUNK), b"")
        first = next(chunks, b"")
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _NOT_UTF8.match(first):
            strings.extend(_shared_items(_prepend(first, chunks)))
            return strings
        xml = _XmlText(_prepend(first, chunks))
        start = xml.open(_SHARED_TABLE)
        if start.group(2):
            return strings  # <sst/>
        prefix = f"{start.group(1)}:" if start.group(1) else ""
        plain = _shared_pattern(prefix)
        for block in xml.blocks(f"</{prefix}si>", f"</{prefix}sst>"):
            _scan_shared(block, plain, strings)
        if xml.rest().strip():
            raise SheetError(SheetError.UNREADABLE)
    return strings


def _scan_shared(xml: str, plain: re.Pattern[str], strings: SharedStrings) -> None:
    found: list[str] = []
    position = 0
    for match in plain.finditer(xml):
        if match.start() != position and not xml[position : match.start()].isspace():
            found.extend(_shared_items(("<sst>", xml[position : match.start()], "</sst>")))
        found.append(match.group(1))
        position = match.end()
    if position != len(xml) and not xml[position:].isspace():
        found.extend(_shared_items(("<sst>", xml[position:], "</sst>")))
    strings.extend(found)


def _shared_items(pieces: Iterable[str | bytes]) -> list[str]:
    """The strings of the <si> items in `pieces`, read by expat without namespaces (a prefix is dropped): a whole
    part not in UTF-8, or items that are not plain. A DTD is refused, so no entity can expand."""
    strings: list[str] = []
    parts: list[str] = []
    state = {"phonetic": 0, "collect": False}

    def start(name: str, _attributes: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "rPh":
            state["phonetic"] += 1
        elif tag == "t" and not state["phonetic"]:
            state["collect"] = True

    def end(name: str) -> None:
        tag = _local(name)
        if tag == "rPh":
            state["phonetic"] -= 1
        elif tag == "t":
            state["collect"] = False
        elif tag == "si":
            strings.append("".join(parts))
            parts.clear()

    def characters(data: str) -> None:
        if state["collect"]:
            parts.append(data)

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        for piece in pieces:
            parser.Parse(piece, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise SheetError(SheetError.UNREADABLE) from None
    return strings


def _refuse_dtd(*_args: Any) -> None:
    raise SheetError(SheetError.DTD)


class _XmlText:
    """UTF-8 XML read a chunk at a time: up to an opening tag, then what it holds in blocks of whole items."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.text = ""

    def open(self, tag: re.Pattern[str]) -> re.Match[str]:
        """Read past the opening tag; a DTD before it is refused."""
        while (start := tag.search(self.text)) is None and self._more():
            pass
        head = self.text[: start.start()] if start else self.text
        if "<!DOCTYPE" in head or "<!ENTITY" in head:
            raise SheetError(SheetError.DTD)
        if start is None:
            raise SheetError(SheetError.UNREADABLE)
        self.text = self.text[start.end() :]
        return start

    def blocks(self, item_end: str, end: str) -> Iterator[str]:
        """Pieces of whole items up to the closing tag `end` (read past); a file that ends first is refused."""
        while (stop := self.text.find(end)) < 0:
            cut = self.text.rfind(item_end)
            if cut >= 0:
                cut += len(item_end)
                block, self.text = self.text[:cut], self.text[cut:]
                yield block
            if not self._more():
                raise SheetError(SheetError.UNREADABLE)  # never closed: a damaged file
        block, self.text = self.text[:stop], self.text[stop + len(end) :]
        yield block

    def rest(self) -> str:
        """Everything after what was read."""
        while self._more():
            pass
        return self.text

    def _more(self) -> bool:
        chunk = next(self.chunks, None)
        try:
            self.text += self.decoder.decode(chunk or b"", chunk is None)
        except UnicodeDecodeError:
            raise SheetError(SheetError.UNREADABLE) from None
        return chunk is not None


_SHARED_TABLE = re.compile(r"<(?:([A-Za-z_][\w.-]*):)?sst\b[^>]*?(/?)>")


@functools.cache
def _shared_pattern(prefix: str) -> re.Pattern[str]:
    p = re.escape(prefix)
    return re.compile(rf'<{p}si><{p}t(?: xml:space="preserve")?>([^<&\r]*)</{p}t></{p}si>')


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


class _SheetParser:
    """expat callbacks that assemble rows, and the conversion of a cell's raw text that both readers share."""

    def __init__(self, shared: SharedStrings, date_styles: dict[int, bool], epoch: dt.datetime) -> None:
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

    def rows(self, chunks: Iterator[bytes]) -> Iterator[tuple[int, list[str]]]:
        """The rows of a whole sheet's XML."""
        parser = self._parser(namespaces=True)
        try:
            for chunk in chunks:
                parser.Parse(chunk, False)
                yield from self.done
                self.done.clear()
            parser.Parse(b"", True)
        except expat.ExpatError:
            raise SheetError(SheetError.UNREADABLE) from None
        yield from self.done
        self.done.clear()

    def fragment_rows(self, xml: str) -> list[tuple[int, list[str]]]:
        """The rows of a piece of the sheet data (whole rows), read without namespaces: a prefix is dropped."""
        try:
            self._parser(namespaces=False).Parse(f"<sheetData>{xml}</sheetData>", True)
        except expat.ExpatError:
            raise SheetError(SheetError.UNREADABLE) from None
        rows = list(self.done)
        self.done.clear()
        return rows

    def _parser(self, *, namespaces: bool) -> Any:
        parser = expat.ParserCreate(namespace_separator="}") if namespaces else expat.ParserCreate()
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = _refuse_dtd
        parser.EntityDeclHandler = _refuse_dtd
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._characters
        return parser

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
            raise SheetError(SheetError.FORMULA, cell=self.cell_ref)
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
            text = self.text_of(self.cell_type, self.cell_style, "".join(self.value), self.cell_ref)
            place(self.row, _column(self.cell_ref.rstrip(_DIGITS)) if self.cell_ref else len(self.row), text)
        elif tag == "row":
            if self.row:
                self.done.append((self.row_number, self.row))

    def text_of(self, kind: str, style: int, raw: str, ref: str) -> str:
        """A cell's text from its type, style and raw text."""
        try:
            value = self._value(kind, style, raw)
        except (ValueError, IndexError, OverflowError):
            raise SheetError(SheetError.VALUE, cell=ref, value=raw[:30]) from None
        return value.strip() if type(value) is str else cell_text(value)

    def _value(self, kind: str, style: int, raw: str) -> Any:
        """The value openpyxl would give for the cell's raw text, type and style."""
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
        date_kind = self.date_styles.get(style)
        if date_kind is None:
            return number
        try:
            return from_excel(number, self.epoch, timedelta=not date_kind)
        except (OverflowError, ValueError):
            return "#VALUE!"  # a date format on a number beyond the calendar: openpyxl's error value too


def place(row: list[str], column: int, text: str) -> None:
    """Put a cell's text in its column, blank cells before it."""
    if column == len(row):
        row.append(text)
    elif column > len(row):
        row.extend([""] * (column - len(row)))
        row.append(text)
    else:
        row[column] = text


#: What the row reader takes: a cell as spreadsheet programs write it (group 1: column letters, 2: style, 3: type,
#: 4: <v> text, 5: inline string text). Anything else in a row sends the row to expat.
_CELL = (
    r'<{p}c r="([A-Z]{{1,3}})[0-9]+"(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")? ?'
    r'(?:/>|>(?:<{p}v>([^<&\r]*)</{p}v>|<{p}is><{p}t(?: xml:space="preserve")?>([^<&\r]*)</{p}t></{p}is>)?</{p}c>)'
)
_NOT_UTF8 = re.compile(rb"""\s*<\?xml[^>]*encoding=["'](?!utf-?8["'])""", re.IGNORECASE)


class _RowScanner:
    """Rows of UTF-8 sheet XML taken by regular expression where they are plain, by expat where they are not."""

    def __init__(self, parser: _SheetParser) -> None:
        self.parser = parser
        self.shared = parser.shared
        #: Style attributes ("" for none) of cells whose numbers are not dates or durations.
        self.plain_styles = {""} if 0 not in parser.date_styles else set()
        #: Shared strings by the text of their index, as rows repeat them (codes, units, currencies): a dict
        #: lookup instead of parsing the index and slicing the table's block; emptied when it grows large.
        self.shared_by_index: dict[str, str] = {}

    def rows(self, chunks: Iterator[bytes]) -> Iterator[tuple[int, list[str]]]:
        xml = _XmlText(chunks)
        start = xml.open(_SHEET_DATA)
        prefix = f"{start.group(1)}:" if start.group(1) else ""
        row_pattern, cells = _patterns(prefix)
        if not start.group(2):  # not <sheetData/>
            for block in xml.blocks(f"</{prefix}row>", f"</{prefix}sheetData>"):
                yield from self._block(block, row_pattern, cells)
        rest = xml.rest()
        if not rest.rstrip().endswith(f"</{prefix}worksheet>"):
            raise SheetError(SheetError.UNREADABLE)  # cut short after its rows
        self.parser.merged.extend(
            match.group(2) for match in re.finditer(rf"<{prefix}mergeCell\b[^>]*?\bref=([\"'])(.*?)\1", rest)
        )

    def _block(
        self, xml: str, row_pattern: re.Pattern[str], cell_pattern: re.Pattern[str]
    ) -> Iterator[tuple[int, list[str]]]:
        """The rows of a piece of sheet data that holds whole rows."""
        parser = self.parser
        shared = self.shared
        shared_by_index = self.shared_by_index
        plain_styles = self.plain_styles
        cells = cell_pattern.findall
        position = 0
        for match in row_pattern.finditer(xml):
            if match.start() != position and not xml[position : match.start()].isspace():
                yield from parser.fragment_rows(xml[position : match.start()])
            position = match.end()
            number_text, content = match.groups()
            number = parser.row_number = int(number_text)
            if not content:
                continue
            row: list[str] = []
            for letters, style, kind, value, inline in cells(content):
                if kind == "s":
                    text = shared_by_index.get(value)  # type: ignore[assignment]
                    if text is None:
                        try:
                            text = shared[int(value)] if value else ""
                        except (ValueError, IndexError):
                            raise SheetError(SheetError.VALUE, cell=f"{letters}{number}", value=value[:30]) from None
                        if len(shared_by_index) >= _SHARED_MEMO:
                            shared_by_index.clear()
                        shared_by_index[value] = text
                elif kind == "inlineStr":
                    text = (value or inline).strip()
                elif not kind and style in plain_styles and value.isdigit() and value[0] != "0":
                    text = value  # a whole number, as str(int(value)) gives it
                elif not kind and style in plain_styles and "." in value and _is_shortest_fraction(value):
                    text = value  # as cell_text(float(value)) gives it
                else:
                    text = parser.text_of(kind or "n", int(style) if style else 0, value, f"{letters}{number}")
                column = _COLUMNS.get(letters)
                if column is None:
                    column = _column(letters)
                if column != len(row):
                    if column < len(row):
                        row[column] = text
                        continue
                    row.extend(_BLANKS[: column - len(row)])
                row.append(text)
            yield number, row
        if position != len(xml) and not xml[position:].isspace():
            yield from parser.fragment_rows(xml[position:])


_SHEET_DATA = re.compile(r"<(?:([A-Za-z_][\w.-]*):)?sheetData\b[^>]*?(/?)>")


@functools.cache
def _patterns(prefix: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The row pattern (group 1: row number, 2: its cells) and the cell pattern, for the sheet's prefix."""
    p = re.escape(prefix)
    cell = _CELL.format(p=p)
    plain_cell = re.sub(r"\((?!\?)", "(?:", cell)
    row = rf'<{p}row r="([0-9]+)"[^<>]*?(?:/>|>((?:\s*{plain_cell})*+)\s*</{p}row>)'
    return re.compile(row), re.compile(cell)


def _is_shortest_fraction(text: str) -> bool:
    """Whether a number's text is the shortest for its float, not whole and without an exponent: then `cell_text`
    gives it unchanged."""
    if "e" in text:
        return False
    try:
        number = float(text)
    except ValueError:
        return False
    return repr(number) == text and not number.is_integer()


_BLANKS = [""] * 16384  # Excel's widest row
#: At most this many shared strings are kept by index in `_RowScanner` (about 100 bytes each).
_SHARED_MEMO = 20_000
#: Column indexes by letters.
_COLUMNS: dict[str, int] = {}
_DIGITS = "0123456789"


def _column(letters: str) -> int:
    """0 for column A (of "A7"), 26 for "AA"; a reference without letters is column A."""
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for letter in letters.upper() if _COLUMN.fullmatch(letters.upper()) else "A":
            index = index * 26 + ord(letter) - 64
        index = _COLUMNS[letters] = index - 1
    return index


# The reading process: `python -m cpass.imports.sheetxml FILE` writes frames to its standard output, each a 4-byte
# length and a pickle: ("rows", fraction, [(number, cells), …]), then ("end", {"rows": …, "peak_kb": its peak
# resident memory}) or ("error", kind, params).
FRAME_HEADER = struct.Struct("!I")
FRAME_ROWS = 500
#: The reading process yields the processor to the import and the database when they need it: it reads ahead
#: into its pipe when a core is idle, and the import waits on it only when it has fallen behind.
_NICENESS = 10


def write_frames(path: str, out: IO[bytes]) -> None:
    def send(message: tuple[Any, ...]) -> None:
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(FRAME_HEADER.pack(len(payload)))
        out.write(payload)

    count = 0
    try:
        with open(path, "rb") as stream:
            rows = SheetRows(stream)
            batch: list[tuple[int, list[str]]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= FRAME_ROWS:
                    count += len(batch)
                    send(("rows", rows.fraction, batch))
                    batch = []
            count += len(batch)
            send(("rows", rows.fraction, batch))
    except SheetError as exc:
        send(("error", exc.kind, exc.params))
    else:
        send(("end", {"rows": count, "peak_kb": _peak_kb()}))
    out.flush()


def _peak_kb() -> int:
    """This process's peak resident memory: VmHWM on Linux (ru_maxrss there keeps the forking parent's too)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    os.nice(_NICENESS)
    write_frames(sys.argv[1], sys.stdout.buffer)
