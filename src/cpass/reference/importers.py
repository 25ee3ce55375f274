"""The `codes` importer: code table rows from CSV, XLSX or JSON (format: docs/reference/code-tables.md).

A row is one version of one code, identified by (table, code, valid_from). Loading a row whose
version exists updates it; otherwise it is added. A file that brings a new version of a code must
also close the open one (repeat its row with `valid_to` set): after the last row the importer checks
that no two versions of any code it touched overlap, and the whole file is refused if they do.
Loading the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpass.core.errors import ValidationFailed
from cpass.imports.framework import Column, Importer, Option, RowError, RowIssue, register
from cpass.reference.models import CodeEntry, CodeTable
from cpass.reference.selectors import codes_changed
from cpass.reference.services import entry_errors, overlaps, period_text

_FIELDS = ("name_en", "name_zh", "attributes", "valid_to")


@dataclass(frozen=True)
class CodeRow:
    line: int
    table: CodeTable
    code: str
    name_en: str
    name_zh: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    attributes: dict[str, Any]

    @property
    def key(self) -> tuple[int, str, dt.date | None]:
        return (self.table.pk, self.code, self.valid_from)


def _date(value: str, column: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10] if len(value) > 10 and value[10] in "T " else value)
    except ValueError:
        raise RowError(
            _("“%(value)s” is not a date in the form 2026-01-31.") % {"value": value}, column=column
        ) from None


@register
class CodeImporter(Importer[CodeRow]):
    kind = "codes"
    label = gettext_lazy("Code table entries")
    columns: ClassVar = (
        Column("table", required=False, help=gettext_lazy("Table key, e.g. country; or give the table option.")),
        Column("code"),
        Column("name_en", aliases=("name (English)", "english")),
        Column("name_zh", aliases=("name (Chinese)", "chinese", "名称")),
        Column("valid_from", required=False),
        Column("valid_to", required=False),
        Column("attributes", required=False, help=gettext_lazy('A JSON object, e.g. {"rec20": "KGM"}.')),
    )
    options: ClassVar = (
        Option(
            "table",
            gettext_lazy("Table"),
            help=gettext_lazy("The table every row belongs to, when the file has no table column."),
        ),
    )
    format_doc = "docs/reference/code-tables.md"

    def clean_options(self) -> None:
        self.tables = {table.key: table for table in CodeTable.objects.all()}
        key = self.option_values["table"]
        if key and key not in self.tables:
            raise ValidationFailed.on("table", _("There is no code table “%(key)s”.") % {"key": key})
        self.seen: dict[tuple[int, str, dt.date | None], int] = {}
        self.lines: dict[tuple[int, str, dt.date | None], int] = {}
        self.touched: set[tuple[int, str]] = set()

    def parse(self, row: Mapping[str, str], line: int) -> CodeRow:
        key = row.get("table", "") or self.option_values["table"]
        if not key:
            raise RowError(_("Give the table in a table column or as the table option."), column="table")
        if self.option_values["table"] and row.get("table") and row["table"] != self.option_values["table"]:
            raise RowError(
                _("The row says table “%(row)s” but the import is for “%(option)s”.")
                % {"row": row["table"], "option": self.option_values["table"]},
                column="table",
            )
        table = self.tables.get(key)
        if table is None:
            raise RowError(_("There is no code table “%(key)s”.") % {"key": key}, column="table")
        valid_from = _date(row.get("valid_from", ""), "valid_from")
        valid_to = _date(row.get("valid_to", ""), "valid_to")
        attributes: Any = {}
        text = row.get("attributes", "")
        if text:
            try:
                attributes = json.loads(text)
            except ValueError as exc:
                raise RowError(
                    _("Attributes are not valid JSON: %(error)s") % {"error": exc}, column="attributes"
                ) from None
        errors = entry_errors(
            table=table,
            code=row["code"],
            name_en=row["name_en"],
            name_zh=row["name_zh"],
            valid_from=valid_from,
            valid_to=valid_to,
            attributes=attributes,
        )
        if errors:
            column, messages = next(iter(errors.items()))
            raise RowError(messages[0], column=column)
        value = CodeRow(line, table, row["code"], row["name_en"], row["name_zh"], valid_from, valid_to, attributes)
        first = self.seen.get(value.key)
        if first is not None:
            raise RowError(
                _("Line %(line)s already has this code with the same “valid from”.") % {"line": first}, column="code"
            )
        self.seen[value.key] = line
        return value

    def write(self, batch: list[CodeRow]) -> int:
        by_key = {value.key: value for value in batch}
        match = Q()
        for table_id in {value.table.pk for value in batch}:
            match |= Q(table_id=table_id, code__in={value.code for value in batch if value.table.pk == table_id})
        existing = {(entry.table_id, entry.code, entry.valid_from): entry for entry in CodeEntry.objects.filter(match)}
        now = timezone.now()
        new, changed = [], []
        for key, value in by_key.items():
            self.touched.add((value.table.pk, value.code))
            entry = existing.get(key)
            if entry is None:
                new.append(
                    CodeEntry(
                        table=value.table,
                        code=value.code,
                        name_en=value.name_en,
                        name_zh=value.name_zh,
                        attributes=value.attributes,
                        valid_from=value.valid_from,
                        valid_to=value.valid_to,
                    )
                )
            elif any(getattr(entry, field) != getattr(value, field) for field in _FIELDS):
                for field in _FIELDS:
                    setattr(entry, field, getattr(value, field))
                entry.updated_at = now
                changed.append(entry)
        CodeEntry.objects.bulk_create(new)
        CodeEntry.objects.bulk_update(changed, [*_FIELDS, "updated_at"])
        self.lines.update({key: value.line for key, value in by_key.items()})
        if new or changed:
            codes_changed()
        return len(new) + len(changed)

    def finish(self) -> list[RowIssue]:
        issues: list[RowIssue] = []
        touched = sorted(self.touched)
        for start in range(0, len(touched), 500):
            chunk = touched[start : start + 500]
            match = Q()
            for table_id, code in chunk:
                match |= Q(table_id=table_id, code=code)
            versions: dict[tuple[int, str], list[CodeEntry]] = {}
            for entry in CodeEntry.objects.filter(match).select_related("table"):
                versions.setdefault((entry.table_id, entry.code), []).append(entry)
            for rows in versions.values():
                for before, after in overlaps(rows):
                    line = self.lines.get((after.table_id, after.code, after.valid_from)) or self.lines.get(
                        (before.table_id, before.code, before.valid_from), 0
                    )
                    issues.append(
                        RowIssue(
                            line,
                            "valid_from",
                            _(
                                "Code “%(code)s” of %(table)s: the version valid %(after)s overlaps the version "
                                "valid %(before)s. Close the earlier one with its valid_to in the same file."
                            )
                            % {
                                "code": after.code,
                                "table": after.table.key,
                                "after": period_text(after),
                                "before": period_text(before),
                            },
                        )
                    )
        return issues
