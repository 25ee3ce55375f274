"""One engine for every file people and partners load: tariffs, code tables, ports, rates,
restricted-party lists, products.

An `Importer` names its columns, turns one row into a value (`parse`) or raises `RowError`, and
writes batches of values (`write`). `run_import` streams CSV (UTF-8 or GB18030, as Excel in
China saves it), XLSX (the first sheet, read by `xlsx.py`) or JSON (a top-level array, parsed by
ijson) in constant memory, checks every row, collects row-level issues with their line numbers, and
commits all-or-nothing by default: one bad row and nothing is written. Whole-file problems
(undecodable text, missing columns, merged cells, formulas) raise `FileRejected` before a row
is written. The run is one transaction; on PostgreSQL, importers writing with `bulk.insert_rows` have
their COPYs sent from a writer thread while the next rows are checked (`bulk.write_behind`).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar, Generic, TypeVar

import ijson
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from cpass.core.actor import Actor
from cpass.core.errors import Message, ValidationFailed
from cpass.imports.bulk import write_behind

T = TypeVar("T")

FORMATS = ("csv", "xlsx", "json")
#: Issues kept in a result; the count goes on past it.
MAX_ISSUES = 1000
_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = True
    aliases: tuple[str, ...] = ()
    help: str | Promise = ""


@dataclass(frozen=True)
class Option:
    """A setting of one import run, asked on the upload page and given as --option on the command line."""

    name: str
    label: str | Promise
    required: bool = False
    default: str = ""
    help: str | Promise = ""


@dataclass(frozen=True)
class RowIssue:
    #: CSV: the file's line number (the header is line 1); XLSX: the sheet row; JSON: the item number.
    line: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


class RowError(Exception):
    """A row that cannot be loaded. Raise from `Importer.parse` (or `write`) with the column at fault."""

    def __init__(self, message: Message, *, column: str = "") -> None:
        super().__init__(str(message))
        self.message = message
        self.column = column


class FileRejected(ValidationFailed):
    """The file as a whole cannot be read (encoding, format, columns, merged cells, formulas)."""

    @classmethod
    def because(cls, message: Message) -> FileRejected:
        return cls(message, errors={"file": [message]})


@dataclass
class ImportResult:
    rows: int = 0
    written: int = 0
    skipped: int = 0
    issue_count: int = 0
    issues: list[RowIssue] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return self.issue_count == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "written": self.written,
            "skipped": self.skipped,
            "issue_count": self.issue_count,
            "issues": [issue.as_dict() for issue in self.issues],
            "committed": self.committed,
        }


class Importer(Generic[T]):
    """Subclass, set the class attributes, implement `parse` and `write`, and decorate with `register`.

    One instance serves one run, so it may keep state across rows (seen keys, the current heading).
    `write` is called inside the run's transaction with at most `batch_size` parsed values.
    """

    kind: ClassVar[str]
    label: ClassVar[str | Promise]
    #: "platform" (reference data, platform staff) or "enterprise" (the actor's enterprise data).
    scope: ClassVar[str] = "platform"
    #: For enterprise importers: the module whose write permission the run needs.
    module: ClassVar[str] = ""
    columns: ClassVar[Sequence[Column]] = ()
    options: ClassVar[Sequence[Option]] = ()
    formats: ClassVar[Sequence[str]] = FORMATS
    batch_size: ClassVar[int] = 5000
    #: The documentation page of the file format, shown on the upload page.
    format_doc: ClassVar[str] = ""
    #: Pages list importer classes; Django templates would otherwise call (instantiate) them.
    do_not_call_in_templates: ClassVar[bool] = True

    def __init__(self, *, actor: Actor | None = None, options: Mapping[str, str] | None = None) -> None:
        self.actor = actor
        given = dict(options or {})
        unknown = set(given) - {option.name for option in self.options}
        if unknown:
            raise ValidationFailed.on(
                "options", _("Unknown option(s): %(names)s.") % {"names": ", ".join(sorted(unknown))}
            )
        self.option_values: dict[str, str] = {}
        for option in self.options:
            value = str(given.get(option.name, option.default)).strip()
            if option.required and not value:
                raise ValidationFailed.on(option.name, _("This option is required."))
            self.option_values[option.name] = value
        self.clean_options()

    def clean_options(self) -> None:
        """Check `self.option_values` further; raise ValidationFailed.on(option, ...)."""

    def parse(self, row: Mapping[str, str], line: int) -> T | None:
        """The value to write for this row, None to skip it, or raise RowError."""
        raise NotImplementedError

    def write(self, batch: list[T]) -> int:
        """Write parsed values; return how many rows were written (inserted or updated)."""
        raise NotImplementedError

    def finish(self) -> list[RowIssue]:
        """After the last row, inside the transaction: checks across rows (e.g. overlapping periods)."""
        return []


_registry: dict[str, type[Importer[Any]]] = {}
_committed_hooks: list[tuple[frozenset[str], Callable[[str], None]]] = []


def on_committed(kinds: set[str] | frozenset[str], hook: Callable[[str], None]) -> None:
    """Call `hook(kind)` after a run of one of `kinds` commits (e.g. refresh a search index).

    Registered explicitly from an AppConfig.ready(); the hook runs on transaction commit, so it
    may enqueue a background job.
    """
    _committed_hooks.append((frozenset(kinds), hook))


def register(importer: type[Importer[Any]]) -> type[Importer[Any]]:
    _registry[importer.kind] = importer
    return importer


def importer_class(kind: str) -> type[Importer[Any]]:
    try:
        return _registry[kind]
    except KeyError:
        raise ValidationFailed.on("kind", _("There is no importer “%(kind)s”.") % {"kind": kind}) from None


def importer_classes() -> list[type[Importer[Any]]]:
    return sorted(_registry.values(), key=lambda importer: importer.kind)


def file_format(filename: str) -> str:
    suffix = Path(filename).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise FileRejected.because(
            _("“%(name)s” is not a CSV, XLSX or JSON file (by its extension).") % {"name": Path(filename).name}
        )
    return suffix


# -- readers ---------------------------------------------------------------------------------


class _CountingReader(io.RawIOBase):
    """Counts the bytes read from a binary stream, for the progress bar."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.count += size
        return size


def _detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) when the start of the file decodes as such, else GB18030."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the sniffing boundary
            try:
                head.decode("gb18030")
            except UnicodeDecodeError:
                raise FileRejected.because(
                    _("The file is neither UTF-8 nor GB18030 text. Save it as “CSV UTF-8”.")
                ) from None
            return "gb18030"
    return "utf-8-sig"


def _csv_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    buffered = io.BufferedReader(stream, buffer_size=_SNIFF_BYTES)  # type: ignore[arg-type,type-var]
    head = buffered.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
    if b"\x00" in head:
        raise FileRejected.because(_("The file is binary, not CSV text. Was it an Excel file with a .csv name?"))
    encoding = _detect_encoding(head)
    text = io.TextIOWrapper(buffered, encoding=encoding, newline="")
    first_line = head.split(b"\n", 1)[0].decode(encoding, errors="replace")
    delimiter = max([",", ";", "\t"], key=first_line.count) if first_line else ","
    reader = csv.reader(text, delimiter=delimiter)
    try:
        for row in reader:
            yield reader.line_num, row
    except UnicodeDecodeError:
        raise FileRejected.because(
            _("The file's text encoding breaks after line %(line)s: save the whole file as “CSV UTF-8”.")
            % {"line": reader.line_num}
        ) from None
    except csv.Error as exc:
        raise FileRejected.because(
            _("The CSV is malformed at line %(line)s: %(error)s") % {"line": reader.line_num, "error": exc}
        ) from None


def _json_rows(stream: IO[bytes], columns: Sequence[Column]) -> Iterator[tuple[int, list[str]]]:
    names = [column.name for column in columns]
    if isinstance(stream, io.BufferedReader):
        if stream.peek(3)[:3] == codecs.BOM_UTF8:
            stream.read(3)  # Windows tools write one; ijson does not accept it
        start = stream.peek(4096)[:4096].lstrip(b" \t\r\n")[:1]
        if start and start != b"[":
            raise FileRejected.because(_("The JSON file is not an array of objects: it must start with “[”."))
    yield 0, names
    number = 0
    try:
        for number, item in enumerate(ijson.items(stream, "item", use_float=False), start=1):
            if not isinstance(item, dict):
                raise FileRejected.because(
                    _("Item %(number)s of the JSON array is not an object.") % {"number": number}
                )
            unknown = set(item) - set(names)
            if unknown:
                raise FileRejected.because(
                    _("Item %(number)s has unknown keys: %(keys)s.")
                    % {"number": number, "keys": ", ".join(sorted(map(str, unknown)))}
                )
            yield number, [_json_text(item.get(name)) for name in names]
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        raise FileRejected.because(
            _("The JSON is malformed after item %(number)s: %(error)s") % {"number": number, "error": exc}
        ) from None


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value).strip()


def _header_map(header: Sequence[str], columns: Sequence[Column]) -> dict[str, int]:
    """column name -> position, matching names and aliases case-insensitively."""
    positions = {name.strip().lstrip("\ufeff").lower(): index for index, name in enumerate(header) if name.strip()}
    found: dict[str, int] = {}
    missing = []
    for column in columns:
        for candidate in (column.name, *column.aliases):
            if candidate.lower() in positions:
                found[column.name] = positions[candidate.lower()]
                break
        else:
            if column.required:
                missing.append(column.name)
    if missing:
        raise FileRejected.because(
            _("Missing column(s): %(missing)s. The first row must name the columns: %(expected)s.")
            % {"missing": ", ".join(missing), "expected": ", ".join(column.name for column in columns)}
        )
    return found


def _row_builder(positions: Mapping[str, int]) -> Callable[[list[str]], dict[str, str]]:
    """A function making the row mapping (column name -> stripped cell) of one row's cells.

    The cells are picked, stripped and zipped with the names in C; a shorter row (trailing cells missing, as
    spreadsheets leave blank cells out) is first filled with "".
    """
    names = tuple(positions)
    indexes = tuple(positions.values())
    width = max(indexes, default=-1) + 1
    strip = str.strip
    pick: Callable[[list[str]], Any]
    if len(indexes) > 1:
        pick = operator.itemgetter(*indexes)
    else:  # itemgetter of one index gives the item, not a tuple

        def pick(cells: list[str]) -> tuple[str, ...]:
            return tuple(cells[index] for index in indexes)

    def to_row(cells: list[str]) -> dict[str, str]:
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        return dict(zip(names, map(strip, pick(cells)), strict=True))

    return to_row


ProgressCallback = Callable[[int, float | None], None]


def run_import(
    importer: Importer[Any],
    stream: IO[bytes],
    *,
    filename: str,
    size: int | None = None,
    all_or_nothing: bool = True,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Load `stream` (named `filename`, whose extension gives the format) through `importer`.

    With `all_or_nothing` (the default) any row issue rolls the whole run back; without it, rows
    with issues are skipped and the rest are committed. `progress(rows, fraction)` is called every
    batch, with the fraction of the file read when `size` is known.
    """
    fmt = file_format(filename)
    if fmt not in importer.formats:
        raise FileRejected.because(
            _("%(kind)s files must be %(formats)s.")
            % {"kind": importer.label, "formats": ", ".join(f.upper() for f in importer.formats)}
        )
    counting = _CountingReader(stream)
    source: IO[bytes] = io.BufferedReader(counting)  # type: ignore[assignment]
    sheet = None
    rows: Iterator[tuple[int, list[str]]]
    if fmt == "csv":
        rows = _csv_rows(source)
    elif fmt == "xlsx":
        from cpass.imports.xlsx import XlsxRows  # it raises FileRejected: imported here, not at the top

        rows = sheet = XlsxRows(stream)  # zipfile needs to seek: it reads the zip directory
    else:
        rows = _json_rows(source, importer.columns)

    def read_fraction() -> float | None:
        if sheet is not None:
            return sheet.fraction
        return min(counting.count / size, 1.0) if size else None

    result = ImportResult()
    with transaction.atomic(), write_behind(), contextlib.closing(sheet) if sheet else contextlib.nullcontext():
        first = next(rows, None)
        if first is None:
            raise FileRejected.because(_("The file is empty."))
        positions = _header_map(first[1], importer.columns)
        to_row = _row_builder(positions)
        batch: list[Any] = []
        batch_size = importer.batch_size
        parse = importer.parse

        def issue(line: int, column: str, message: Message) -> None:
            result.issue_count += 1
            if len(result.issues) < MAX_ISSUES:
                result.issues.append(RowIssue(line, column, str(message)))

        def flush() -> None:
            if not batch:
                return
            try:
                result.written += importer.write(batch)
            except RowError as exc:
                issue(0, exc.column, exc.message)
            batch.clear()
            if progress:
                progress(result.rows, read_fraction())

        count = 0
        for line, cells in rows:
            joined = "".join(cells)  # every reader gives text cells
            if not joined or joined.isspace():
                continue  # blank lines are not rows
            count += 1
            try:
                value = parse(to_row(cells), line)
            except RowError as exc:
                issue(line, exc.column, exc.message)
                result.skipped += 1
                continue
            if value is None:
                result.skipped += 1
                continue
            batch.append(value)
            if len(batch) >= batch_size:
                result.rows = count
                flush()
        result.rows = count
        flush()
        for cross_row_issue in importer.finish():
            issue(cross_row_issue.line, cross_row_issue.column, cross_row_issue.message)
        if result.rows == 0:
            raise FileRejected.because(_("The file has a header but no rows."))
        if result.issue_count and all_or_nothing:
            transaction.set_rollback(True)
            result.written = 0
        else:
            result.committed = True
            for kinds, hook in _committed_hooks:
                if importer.kind in kinds:
                    transaction.on_commit(lambda hook=hook: hook(importer.kind))  # type: ignore[misc]
    if progress:
        progress(result.rows, 1.0)
    return result
