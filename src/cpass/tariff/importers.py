"""Tariff files through the shared import engine: our national format, the HS nomenclature, the US HTS
and declaration-element templates. Formats: docs/reference/tariff-formats.md.

Lines are parsed to plain tuples and written in batches (executemany on SQLite, COPY on
PostgreSQL; no per-row ORM saves). Each line carries a digest of its content, so reloading an
unchanged file writes nothing; a changed line is updated in place and its rates replaced.

Speed (bench/tariff_loader.py): a schedule repeats a few hundred rate texts and field values over
100,000 lines, so every check of repeated text is memoised per run, the stored versions are read
once per run instead of per batch, and a rate shared by many lines of a batch is inserted with one
set-based statement.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpass.core.errors import ValidationFailed
from cpass.imports import bulk
from cpass.imports.framework import Column, Importer, Option, RowError, RowIssue, register
from cpass.reference.models import CodeEntry
from cpass.reference.tables import Table
from cpass.tariff.models import (
    DeclarationElements,
    DutyRate,
    HsLevel,
    HsNode,
    Jurisdiction,
    RateKind,
    RateSet,
    TariffLine,
)
from cpass.tariff.rates import (
    AgreementRate,
    ParsedRate,
    RateSyntaxError,
    UsRate,
    decimal_places,
    parse_agreement_rates,
    parse_rate,
    parse_us_rate,
    parse_us_special,
    rate_set_key,
)

logger = logging.getLogger(__name__)

FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: (kind, agreement, origins, ad_valorem, amount, currency, unit, combination, text, unparsed)
RateRow = tuple[str, str, str, str | None, str | None, str, str, str, str, bool]
#: A line's rate rows and their repr, made once per distinct set (a schedule repeats a few hundred).
ParsedRates = tuple[tuple[RateRow, ...], str]

#: PostgreSQL advisory lock taken by a tariff load's first write ("tarf").
LOAD_LOCK = 0x74617266
#: Bound of the importers' per-run memo tables (rate texts, field combinations): past it they start again.
MEMO_LIMIT = 50_000


class LineRecord(NamedTuple):
    """One national line as the writer stores it: strings ready for the database, and its rates.

    A named tuple, not a dataclass: a schedule makes 100,000 of them and the tuple is cheap to build.
    Fields 3 to 12 (valid_to … source) are the stored columns of LineWriter.LINE_COLUMNS, in order.
    """

    code: str
    ciq_code: str
    valid_from: str
    valid_to: str | None
    description_en: str
    description_zh: str
    unit_1: str
    unit_2: str
    vat_rate: str | None
    supervision_conditions: str
    inspection_categories: str
    hs_edition: str
    source: str
    rates: tuple[RateRow, ...]
    line: int
    #: repr(rates), computed once per distinct rate set, for the digest.
    rates_repr: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.code, self.ciq_code, self.valid_from)

    def digest(self) -> str:
        """Hash of the stored content (columns and rates), so an unchanged reload writes nothing."""
        content = repr(self[3:13]) + (self.rates_repr or repr(self.rates))
        return hashlib.blake2b(content.encode(), digest_size=16).hexdigest()


def parsed_rates(rows: tuple[RateRow, ...]) -> ParsedRates:
    return (rows, repr(rows))


def _rate_row(
    kind: str, rate: ParsedRate, *, agreement: str = "", origins: str = "", unparsed: bool = False
) -> RateRow:
    return (
        kind,
        agreement,
        origins,
        None if rate.ad_valorem is None else str(rate.ad_valorem),
        None if rate.specific_amount is None else str(rate.specific_amount),
        rate.specific_currency,
        rate.specific_unit,
        rate.combination,
        rate.text[:300],
        unparsed,
    )


#: A date column as ISO text, per database: read as text, SQLite's date converter (a Python regex
#: per value) is skipped, and PostgreSQL's output does not depend on the server's DateStyle.
_ISO_DATE = {"sqlite": "CAST({} AS TEXT)", "postgresql": "to_char({}, 'YYYY-MM-DD')"}
#: One version stored before the run: (valid_from, valid_to, id, digest).
Stored = tuple[str, str | None, int, str]


class LineWriter:
    """Upserts LineRecords of one jurisdiction and checks validity periods across the file and the database.

    At the first write it reads the jurisdiction's stored versions once ((code, CIQ) -> valid_from,
    valid_to, id, digest): that snapshot decides insert / update / unchanged for every batch and is
    the "before" of the overlap check. New lines get their ids from the table's sequence before they are
    inserted (`bulk.reserve_ids`). A line points to the `RateSet` of its rates: the sets already stored are read
    once too (by key), and a set not yet stored is written with its rates the first time a line needs it.
    """

    LINE_COLUMNS = (
        "valid_to",
        "description_en",
        "description_zh",
        "unit_1",
        "unit_2",
        "vat_rate",
        "supervision_conditions",
        "inspection_categories",
        "hs_edition",
        "source",
        "digest",
    )
    RATE_COLUMNS = (
        "rate_set_id",
        "kind",
        "agreement",
        "origin_countries",
        "ad_valorem",
        "specific_amount",
        "specific_currency",
        "specific_unit",
        "combination",
        "text",
        "unparsed",
    )
    INSERT_COLUMNS = (
        "jurisdiction_id",
        "code",
        "ciq_code",
        "valid_from",
        *LINE_COLUMNS,
        "created_at",
        "updated_at",
        "rate_set_id",
    )
    #: Rate set and line ids are reserved this many at a time (bulk.IdPool).
    SET_IDS = 1024
    LINE_IDS = 50_000

    def __init__(self, jurisdiction: Jurisdiction) -> None:
        self.jurisdiction = jurisdiction
        self.line_table = connection.ops.quote_name(TariffLine._meta.db_table)
        #: Stored rate sets by key (read at the first write), and by the repr of a record's rates (this run's).
        self.sets_by_key: dict[str, int] = {}
        self.sets_by_repr: dict[str, int] = {}
        self.set_ids = bulk.IdPool(RateSet, self.SET_IDS)
        self.line_ids = bulk.IdPool(TariffLine, self.LINE_IDS)
        #: (code, ciq) -> (valid_from, valid_to, line) of the file's first version, for the overlap check;
        #: further versions of the same code in `more` (a plain tuple each: fewer objects for the GC to walk).
        self.periods: dict[tuple[str, str], tuple[str, str | None, int]] = {}
        self.more: dict[tuple[str, str], list[tuple[str, str | None, int]]] = {}
        #: The database's versions before this run wrote anything; None until the first write.
        #: (code, ciq) -> its first stored version; `stored_more` has all of them where there are several.
        self.stored: dict[tuple[str, str], Stored] | None = None
        self.stored_more: dict[tuple[str, str], list[Stored]] = {}

    def remember(self, record: LineRecord) -> int | None:
        """Note the record's period; return the line of an earlier row with the same key, if any."""
        key = (record[0], record[1])
        first = self.periods.get(key)
        if first is None:
            self.periods[key] = (record[2], record[3], record[14])
            return None
        versions = self.more.setdefault(key, [first])
        for valid_from, _valid_to, line in versions:
            if valid_from == record[2]:
                return line
        versions.append((record[2], record[3], record[14]))
        return None

    def _date_sql(self, column: str) -> str:
        return _ISO_DATE.get(connection.vendor, "{}").format(column)

    def _snapshot(self) -> dict[tuple[str, str], Stored]:
        stored: dict[tuple[str, str], Stored] = {}
        more = self.stored_more
        iso: dict[Any, str] = {}  # date objects (other databases) -> ISO text, once per distinct date
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT code, ciq_code, {self._date_sql('valid_from')}, {self._date_sql('valid_to')}, id, digest "  # noqa: S608 - constant names
                f"FROM {self.line_table} WHERE jurisdiction_id = %s",
                [self.jurisdiction.pk],
            )
            while rows := cursor.fetchmany(10_000):
                for code, ciq, valid_from, valid_to, pk, digest in rows:
                    if not isinstance(valid_from, str):
                        valid_from = iso.get(valid_from) or iso.setdefault(valid_from, valid_from.isoformat())
                    if valid_to is not None and not isinstance(valid_to, str):
                        valid_to = iso.get(valid_to) or iso.setdefault(valid_to, valid_to.isoformat())
                    version = (valid_from, valid_to, pk, digest)
                    first = stored.setdefault((code, ciq), version)
                    if first is not version:
                        more.setdefault((code, ciq), [first]).append(version)
        return stored

    def _stored_versions(self, key: tuple[str, str]) -> Sequence[Stored]:
        several = self.stored_more.get(key)
        if several is not None:
            return several
        first = (self.stored or {}).get(key)
        return () if first is None else (first,)

    def write(self, batch: list[LineRecord]) -> int:
        if self.stored is None:
            if connection.vendor == "postgresql":  # SQLite's writers take turns already
                # One tariff load at a time, until it commits: loads share rate sets, and the snapshots below would
                # miss what another load is writing (its sets would be stored twice, which the key refuses).
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOAD_LOCK])
            self.stored = self._snapshot()
            self.sets_by_key = dict(RateSet.objects.values_list("key", "id"))
        stored = self.stored
        now = timezone.now().isoformat()
        jurisdiction_id = self.jurisdiction.pk
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        new_sets: list[tuple[int, str]] = []
        new_rates: list[tuple[Any, ...]] = []
        for record in batch:
            digest = record.digest()
            found = stored.get((record[0], record[1]))
            if found is not None and found[0] != record[2]:
                found = next((v for v in self._stored_versions((record[0], record[1])) if v[0] == record[2]), None)
            if found is None:
                set_id = self._rate_set(record, new_sets, new_rates)
                inserts.append((jurisdiction_id, *record[:13], digest, now, now, set_id))
            elif found[3] != digest:
                set_id = self._rate_set(record, new_sets, new_rates)
                updates.append((*record[3:13], digest, now, set_id, found[2]))
        # Sets before the rates and lines that point to them: inside bulk.write_behind foreign keys are checked as
        # each insert ends.
        bulk.insert_rows(RateSet, ("id", "key"), new_sets)
        bulk.insert_rows(DutyRate, self.RATE_COLUMNS, new_rates)
        if updates:
            assignments = ", ".join(f"{name} = %s" for name in (*self.LINE_COLUMNS, "updated_at", "rate_set_id"))
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {self.line_table} SET {assignments} WHERE id = %s", updates)  # noqa: S608
        if inserts:
            ids = self.line_ids.take(len(inserts))
            rows = [(pk, *row) for pk, row in zip(ids, inserts, strict=True)]
            bulk.insert_rows(TariffLine, ("id", *self.INSERT_COLUMNS), rows)
        return len(inserts) + len(updates)

    def _rate_set(
        self, record: LineRecord, new_sets: list[tuple[int, str]], new_rates: list[tuple[Any, ...]]
    ) -> int | None:
        """The id of the set of the record's rates (None without rates); a set not stored yet goes to `new_sets`
        and its rates to `new_rates`."""
        if not record.rates:
            return None
        text = record.rates_repr or repr(record.rates)
        pk = self.sets_by_repr.get(text)
        if pk is not None:
            return pk
        key = rate_set_key(record.rates)
        found = self.sets_by_key.get(key)
        if found is None:
            (found,) = self.set_ids.take(1)
            self.sets_by_key[key] = found
            new_sets.append((found, key))
            new_rates.extend((found, *rate) for rate in record.rates)
        if len(self.sets_by_repr) >= MEMO_LIMIT:
            self.sets_by_repr.clear()
        self.sets_by_repr[text] = found
        return found

    def overlaps(self) -> list[RowIssue]:
        """Versions of one code + CIQ code whose periods overlap, in the file or against the database."""
        issues: list[RowIssue] = []
        stored = self.stored or {}
        more = self.more
        for key, first in self.periods.items():
            versions = more.get(key)
            if versions is None:
                one = stored.get(key)
                if one is None or (one[0] == first[0] and key not in self.stored_more):
                    continue  # one version, new or replacing the stored one: nothing to overlap
                versions = [first]
            before = self._stored_versions(key)
            in_file = {valid_from for valid_from, _to, _line in versions}
            periods: list[tuple[str, str | None, int]] = list(versions)
            periods += [(f, t, 0) for f, t, _pk, _digest in before if f not in in_file]
            if len(periods) < 2:
                continue
            code, ciq = key
            periods.sort()
            for previous, current in zip(periods, periods[1:], strict=False):
                if previous[1] is None or previous[1] >= current[0]:
                    row = current if current[2] else previous
                    other = previous if row is current else current
                    where = (
                        _("the row at line %(line)s") % {"line": other[2]}
                        if other[2]
                        else _("the version already loaded")
                    )
                    issues.append(
                        RowIssue(
                            row[2],
                            "valid_from",
                            _("%(code)s%(ciq)s: the period %(this)s overlaps %(where)s (%(other)s).")
                            % {
                                "code": code,
                                "ciq": f"/{ciq}" if ciq else "",
                                "this": _period_text(row[0], row[1]),
                                "where": where,
                                "other": _period_text(other[0], other[1]),
                            },
                        )
                    )
        issues.sort(key=lambda issue: issue.line)
        return issues


def _period_text(valid_from: str, valid_to: str | None) -> str:
    return f"{valid_from}–{valid_to or _('open')}"


@lru_cache(maxsize=1024)
def _date(text: str) -> str:
    """An ISO date (as the database wants it), or ValueError."""
    return dt.date.fromisoformat(text).isoformat()


def parse_date(text: str, column: str, *, required: bool) -> str | None:
    if not text:
        if required:
            raise RowError(_("A date is required (YYYY-MM-DD)."), column=column)
        return None
    try:
        return _date(text[:10] if len(text) > 10 and text[10] in "T " else text)
    except ValueError:
        raise RowError(_("“%(text)s” is not a date: write YYYY-MM-DD.") % {"text": text}, column=column) from None


def unit_codes() -> frozenset[str]:
    """Every code of the customs unit table (any version), for checking units in a tariff file."""
    return frozenset(CodeEntry.objects.filter(table__key=Table.UNIT).values_list("code", flat=True))


def jurisdiction_option(value: str) -> Jurisdiction:
    jurisdiction = Jurisdiction.objects.filter(code=value.strip().upper()).first()
    if jurisdiction is None:
        known = ", ".join(Jurisdiction.objects.values_list("code", flat=True)) or _("none yet")
        raise ValidationFailed.on(
            "jurisdiction",
            _("There is no jurisdiction “%(code)s” (known: %(known)s).") % {"code": value, "known": known},
        )
    return jurisdiction


_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%?")
_CONDITIONS = re.compile(r"[0-9A-Za-z]*")
_CATEGORIES = re.compile(r"[A-Za-z/.]*")
_CIQ = re.compile(r"\d{3}")


@register
class TariffImporter(Importer[LineRecord]):
    """Our national tariff format: one row per line version, rates in the shared rate grammar."""

    kind = "tariff"
    label = gettext_lazy("National tariff lines")
    format_doc = "docs/reference/tariff-formats.md#national-tariff-lines-tariff"
    columns = (
        Column("code", help=gettext_lazy("Commodity code, digits only (10 for China).")),
        Column("ciq_code", required=False, help=gettext_lazy("3-digit inspection-and-quarantine sub-code.")),
        Column("description_en", required=False),
        Column("description_zh", required=False),
        Column("unit_1", required=False, help=gettext_lazy("First legal unit (customs unit code for China).")),
        Column("unit_2", required=False),
        Column("mfn"),
        Column("general", required=False),
        Column("provisional", required=False),
        Column("conventional", required=False, help=gettext_lazy("e.g. RCEP[JPN KOR]=5%; CN-ASEAN[*]=0%")),
        Column("preferential", required=False),
        Column("export", required=False),
        Column("export_provisional", required=False),
        Column("consumption", required=False, help=gettext_lazy("e.g. 10%, 250 CNY/070, 20% + 1 CNY/095")),
        Column("vat", required=False, help=gettext_lazy("Import VAT in percent: 13, 9 or 0.")),
        Column("supervision_conditions", required=False),
        Column("inspection_categories", required=False),
        Column("valid_from"),
        Column("valid_to", required=False),
    )
    options = (
        Option("jurisdiction", gettext_lazy("Jurisdiction"), required=True, help=gettext_lazy("e.g. CN")),
        Option("source", gettext_lazy("Source"), help=gettext_lazy("Where the rates come from, kept on each line.")),
        Option("hs_edition", gettext_lazy("HS edition"), default="HS2022"),
    )

    SIMPLE_RATES = (
        ("mfn", RateKind.MFN.value),
        ("general", RateKind.GENERAL.value),
        ("provisional", RateKind.PROVISIONAL.value),
        ("export", RateKind.EXPORT.value),
        ("export_provisional", RateKind.EXPORT_PROVISIONAL.value),
        ("consumption", RateKind.CONSUMPTION.value),
    )
    AGREEMENT_RATES = (("conventional", RateKind.CONVENTIONAL.value), ("preferential", RateKind.PREFERENTIAL.value))
    RATE_COLUMNS = tuple(column for column, _kind in (*SIMPLE_RATES, *AGREEMENT_RATES))
    #: The other checked columns, memoised together: a schedule repeats a few hundred combinations.
    FIELD_COLUMNS = ("vat", "supervision_conditions", "inspection_categories", "unit_1", "unit_2")
    batch_size = 10_000

    def clean_options(self) -> None:
        self.jurisdiction = jurisdiction_option(self.option_values["jurisdiction"])
        self.writer = LineWriter(self.jurisdiction)
        self.longest = self.jurisdiction.national_code_length
        self.shortest = min(self.jurisdiction.min_code_length, self.longest)
        #: China's units are customs unit codes, checked against the reference table.
        self.units: frozenset[str] | None = None
        if self.jurisdiction.code == "CN":
            self.units = unit_codes()
            if not self.units:
                raise ValidationFailed.on(
                    "jurisdiction",
                    _("The customs unit code table is empty: load the reference code tables before China's tariff."),
                )
        self.source = self.option_values["source"][:200]
        self.edition = self.option_values["hs_edition"] or "HS2022"
        self.rate_cache: dict[tuple[str, str], tuple[RateRow, ...]] = {}
        #: Memo tables of one run, keyed by the cells' text; a bad value is never memoised.
        self.rates_by_cells: dict[tuple[str | None, ...], ParsedRates] = {}
        self.field_sets: dict[tuple[str | None, ...], tuple[str | None, str, str, str, str]] = {}
        self.periods: dict[tuple[str, str], tuple[str, str | None]] = {}

    def _code(self, text: str) -> str:
        digits = text.replace(".", "").replace(" ", "")
        if not (digits.isascii() and digits.isdigit()):
            raise RowError(_("“%(code)s”: a commodity code has digits only.") % {"code": text}, column="code")
        if not self.shortest <= len(digits) <= self.longest:
            if len(digits) == self.shortest - 1:
                message = _(
                    "“%(code)s” has %(length)s digits, not %(expected)s: Excel may have dropped a leading zero "
                    "(format the column as text)."
                )
            else:
                message = _("“%(code)s” has %(length)s digits, not %(expected)s.")
            expected = str(self.longest) if self.shortest == self.longest else f"{self.shortest}–{self.longest}"
            raise RowError(message % {"code": text, "length": len(digits), "expected": expected}, column="code")
        return digits

    def _unit(self, text: str, column: str) -> str:
        if not text:
            return ""
        if self.units is not None and text not in self.units:
            raise RowError(_("“%(unit)s” is not a customs unit code.") % {"unit": text}, column=column)
        if len(text) > 10:
            raise RowError(_("“%(unit)s” is longer than 10 characters.") % {"unit": text}, column=column)
        return text

    def _check_rate(self, rate: ParsedRate, column: str) -> None:
        if rate.specific_amount is None:
            return
        if rate.specific_currency != self.jurisdiction.currency:
            raise RowError(
                _("“%(text)s”: specific amounts are in %(currency)s here.")
                % {"text": rate.text, "currency": self.jurisdiction.currency},
                column=column,
            )
        self._unit(rate.specific_unit, column)

    def _column_rates(self, column: str, kind: str, text: str) -> tuple[RateRow, ...]:
        """The rate rows of one cell, cached: a schedule repeats a few hundred rate texts."""
        cached = self.rate_cache.get((column, text))
        if cached is not None:
            return cached
        try:
            if kind in (RateKind.CONVENTIONAL, RateKind.PREFERENTIAL):
                entries: tuple[AgreementRate, ...] = parse_agreement_rates(text)
                for entry in entries:
                    self._check_rate(entry.rate, column)
                rows = tuple(
                    _rate_row(kind, entry.rate, agreement=entry.agreement, origins=" ".join(entry.origins))
                    for entry in entries
                )
            else:
                rate = parse_rate(text)
                assert rate is not None
                self._check_rate(rate, column)
                rows = (_rate_row(kind, rate),)
        except RateSyntaxError as exc:
            raise RowError(str(exc), column=column) from None
        if len(self.rate_cache) >= MEMO_LIMIT:
            self.rate_cache.clear()
        self.rate_cache[(column, text)] = rows
        return rows

    def _parsed_rates(self, row: Mapping[str, str], key: tuple[str | None, ...]) -> ParsedRates:
        """All rate rows of a line from its rate cells, memoised by the cells' text."""
        get = row.get
        rates: list[RateRow] = []
        for column, kind in self.SIMPLE_RATES:
            text = get(column, "")
            if text:
                rates.extend(self._column_rates(column, kind, text))
            elif column == "mfn":
                raise RowError(_("Every line needs its MFN rate (write “0%” or “Free” for none)."), column=column)
        for column, kind in self.AGREEMENT_RATES:
            text = get(column, "")
            if text:
                rates.extend(self._column_rates(column, kind, text))
        if len(self.rates_by_cells) >= MEMO_LIMIT:
            self.rates_by_cells.clear()
        made = self.rates_by_cells[key] = parsed_rates(tuple(rates))
        return made

    def _fields(self, row: Mapping[str, str], key: tuple[str | None, ...]) -> tuple[str | None, str, str, str, str]:
        """VAT, supervision conditions, inspection categories and the two units, checked, memoised together."""
        get = row.get
        vat_text = get("vat", "")
        vat: str | None = None
        if vat_text:
            match = _PERCENT.fullmatch(vat_text)
            if match is None or Decimal(match[1]) > 100 or decimal_places(Decimal(match[1])) > 2:
                raise RowError(
                    _("“%(vat)s” is not a VAT rate: write a percentage from 0 to 100 with at most 2 decimals "
                      "(China: 13, 9 or 0).") % {"vat": vat_text},
                    column="vat",
                )  # fmt: skip
            vat = match[1]
        conditions = get("supervision_conditions", "")
        if not _CONDITIONS.fullmatch(conditions) or len(conditions) > 40:
            raise RowError(
                _("“%(text)s”: supervision conditions are licence codes run together, e.g. “AB”.")
                % {"text": conditions},
                column="supervision_conditions",
            )
        categories = get("inspection_categories", "")
        if not _CATEGORIES.fullmatch(categories) or len(categories) > 40:
            raise RowError(
                _("“%(text)s”: inspection categories are letters separated by “/”, e.g. “M/N”.") % {"text": categories},
                column="inspection_categories",
            )
        fields = (
            vat,
            conditions,
            categories,
            self._unit(get("unit_1", ""), "unit_1"),
            self._unit(get("unit_2", ""), "unit_2"),
        )
        if len(self.field_sets) >= MEMO_LIMIT:
            self.field_sets.clear()
        self.field_sets[key] = fields
        return fields

    def _period(self, key: tuple[str, str]) -> tuple[str, str | None]:
        valid_from = parse_date(key[0], "valid_from", required=True)
        assert valid_from is not None
        valid_to = parse_date(key[1], "valid_to", required=False)
        if valid_to is not None and valid_to < valid_from:
            raise RowError(
                _("valid_to %(to)s is before valid_from %(from)s.") % {"to": valid_to, "from": valid_from},
                column="valid_to",
            )
        if len(self.periods) >= MEMO_LIMIT:
            self.periods.clear()
        period = self.periods[key] = (valid_from, valid_to)
        return period

    def parse(self, row: Mapping[str, str], line: int) -> LineRecord:
        # Checks in the order of the columns; every check of repeated text is memoised (see clean_options).
        get = row.get
        code = row["code"]
        if not (code.isascii() and code.isdigit() and self.shortest <= len(code) <= self.longest):
            code = self._code(code)
        ciq = get("ciq_code", "")
        if ciq and not _CIQ.fullmatch(ciq):
            raise RowError(_("“%(ciq)s”: a CIQ sub-code has 3 digits.") % {"ciq": ciq}, column="ciq_code")
        period_key = (row["valid_from"], get("valid_to", ""))
        valid_from, valid_to = self.periods.get(period_key) or self._period(period_key)
        rate_key = tuple(map(get, self.RATE_COLUMNS))
        rates, rates_repr = self.rates_by_cells.get(rate_key) or self._parsed_rates(row, rate_key)
        field_key = tuple(map(get, self.FIELD_COLUMNS))
        vat, conditions, categories, unit_1, unit_2 = self.field_sets.get(field_key) or self._fields(row, field_key)
        record = LineRecord(
            code,
            ciq,
            valid_from,
            valid_to,
            get("description_en", ""),
            get("description_zh", ""),
            unit_1,
            unit_2,
            vat,
            conditions,
            categories,
            self.edition,
            self.source,
            rates,
            line,
            rates_repr,
        )
        earlier = self.writer.remember(record)
        if earlier is not None:
            raise RowError(
                _("%(code)s%(ciq)s valid from %(from)s is already at line %(line)s.")
                % {"code": code, "ciq": f"/{ciq}" if ciq else "", "from": valid_from, "line": earlier},
                column="code",
            )
        return record

    def write(self, batch: list[LineRecord]) -> int:
        return self.writer.write(batch)

    def finish(self) -> list[RowIssue]:
        return self.writer.overlaps()


# -- HS nomenclature ---------------------------------------------------------------------------


def _fixture_rows(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@register
class HsNomenclatureImporter(Importer[tuple[str, str, str, str, str]]):
    """The HS nomenclature file of datasets/harmonized-system (section, hscode, description, parent, level).

    Sections come from our bilingual fixture (hs_sections.csv), Chinese chapter titles from
    hs_chapters_zh.csv; the TOTAL row is dropped.
    """

    kind = "hs-nomenclature"
    label = gettext_lazy("HS nomenclature")
    format_doc = "docs/reference/tariff-formats.md#hs-nomenclature-hs-nomenclature"
    formats = ("csv",)
    columns = (
        Column("section"),
        Column("hscode"),
        Column("description"),
        Column("parent"),
        Column("level"),
        Column("description_zh", required=False, help=gettext_lazy("Chinese text (our demo file); kept when absent.")),
    )
    options = (Option("edition", gettext_lazy("HS edition"), default="HS2022"),)
    LEVELS = {"2": HsLevel.CHAPTER, "4": HsLevel.HEADING, "6": HsLevel.SUBHEADING}

    def clean_options(self) -> None:
        self.edition = self.option_values["edition"] or "HS2022"
        self.sections = {row["section"]: row for row in _fixture_rows("hs_sections.csv")}
        self.chapters_zh = {row["chapter"]: row["description_zh"] for row in _fixture_rows("hs_chapters_zh.csv")}
        self.seen: dict[str, int] = {}
        self.ids: dict[str, int] | None = None
        self.existing: dict[str, tuple[str, int | None, str, str]] = {}

    def parse(self, row: Mapping[str, str], line: int) -> tuple[str, str, str, str, str] | None:
        code, level = row["hscode"], row["level"]
        if code == "TOTAL":
            return None
        if level not in self.LEVELS:
            raise RowError(_("Level “%(level)s” is not 2, 4 or 6.") % {"level": level}, column="level")
        if not code.isdigit() or len(code) != int(level):
            raise RowError(
                _("“%(code)s” is not a %(level)s-digit code (Excel may have dropped a leading zero).")
                % {"code": code, "level": level},
                column="hscode",
            )
        section = row["section"]
        parent = row["parent"]
        if level == "2":
            if section == "TOTAL":  # chapter 99 (not specified by kind) belongs to no section
                parent = ""
            elif section not in self.sections:
                raise RowError(_("“%(section)s” is not a section (I–XXI).") % {"section": section}, column="section")
            else:
                parent = section
        elif parent != code[: int(level) - 2]:
            raise RowError(
                _("The parent of %(code)s must be %(parent)s, not “%(given)s”.")
                % {"code": code, "parent": code[: int(level) - 2], "given": parent},
                column="parent",
            )
        elif parent not in self.seen:
            raise RowError(
                _("Parent %(parent)s has not appeared before this row.") % {"parent": parent}, column="parent"
            )
        if not row["description"]:
            raise RowError(_("The description is empty."), column="description")
        if code in self.seen:
            raise RowError(
                _("%(code)s is already at line %(line)s.") % {"code": code, "line": self.seen[code]}, column="hscode"
            )
        self.seen[code] = line
        chinese = row.get("description_zh", "") or self.chapters_zh.get(code, "")
        return (code, self.LEVELS[level], parent, row["description"], chinese)

    def _load_ids(self) -> dict[str, int]:
        ids: dict[str, int] = {}
        for pk, code, level, parent_id, en, zh in HsNode.objects.filter(edition=self.edition).values_list(
            "pk", "code", "level", "parent_id", "description_en", "description_zh"
        ):
            ids[code] = pk
            self.existing[code] = (level, parent_id, en, zh)
        sections = [
            (number, HsLevel.SECTION, None, row["description_en"], row["description_zh"])
            for number, row in self.sections.items()
        ]
        self._upsert(sections, ids)
        return ids

    def _upsert(self, rows: Sequence[tuple[str, str, Any, str, str]], ids: dict[str, int]) -> int:
        """Insert new nodes and update changed ones, parents first; `ids` gains the new codes."""
        written = 0
        for level in (HsLevel.SECTION, HsLevel.CHAPTER, HsLevel.HEADING, HsLevel.SUBHEADING):
            create, change = [], []
            for code, row_level, parent, en, chinese in rows:
                if row_level != level:
                    continue
                # A file without Chinese text (the Comtrade file) keeps the Chinese already loaded.
                zh = chinese or (self.existing[code][3] if code in self.existing else "")
                parent_id = ids.get(parent) if parent else None
                values = (level.value, parent_id, en, zh)
                if code not in ids:
                    create.append(
                        HsNode(
                            edition=self.edition,
                            code=code,
                            level=level,
                            parent_id=parent_id,
                            description_en=en,
                            description_zh=zh,
                        )
                    )
                elif self.existing.get(code) != values:
                    change.append(
                        HsNode(pk=ids[code], level=level, parent_id=parent_id, description_en=en, description_zh=zh)
                    )
                    self.existing[code] = values
            if create:
                HsNode.objects.bulk_create(create)
                ids.update(
                    HsNode.objects.filter(edition=self.edition, code__in=[node.code for node in create]).values_list(
                        "code", "pk"
                    )
                )
                for node in create:
                    self.existing[node.code] = (node.level, node.parent_id, node.description_en, node.description_zh)
            if change:
                for node in change:
                    node.updated_at = timezone.now()
                HsNode.objects.bulk_update(
                    change, ["level", "parent", "description_en", "description_zh", "updated_at"]
                )
            written += len(create) + len(change)
        return written

    def write(self, batch: list[tuple[str, str, str, str, str]]) -> int:
        if self.ids is None:
            self.ids = self._load_ids()
        return self._upsert(batch, self.ids)


# -- US Harmonized Tariff Schedule -------------------------------------------------------------

#: Single-party US programmes (HTSUS General Note 3(c)): programme code -> origins.
US_PROGRAMMES: dict[str, str] = {
    "AU": "AUS",
    "BH": "BHR",
    "CA": "CAN",
    "CL": "CHL",
    "CO": "COL",
    "IL": "ISR",
    "JO": "JOR",
    "JP": "JPN",
    "KR": "KOR",
    "MA": "MAR",
    "MX": "MEX",
    "OM": "OMN",
    "PA": "PAN",
    "PE": "PER",
    "SG": "SGP",
    "S": "CAN MEX",  # USMCA
    "S+": "CAN MEX",
    "P": "CRI DOM GTM HND NIC SLV",  # CAFTA-DR
    "P+": "CRI DOM GTM HND NIC SLV",
}
US_JURISDICTION = {
    "name_en": "United States",
    "name_zh": "美国",
    "currency": "USD",
    "national_code_length": 10,
    "min_code_length": 8,
    "exchange_rate_rule": "daily",
    "general_rate_origins": "BLR CUB PRK RUS",
}


@dataclass
class UsRateCounts:
    parsed: int = 0
    unparsed: int = 0
    inherited: int = 0


@register
class UsHtsImporter(Importer[LineRecord]):
    """The USITC HTS export flattened to CSV (../shared/data/tariffs/us_hts): lines with their 3 rate columns.

    Descriptions are built by walking up the indent levels; statistical (10-digit) lines without
    rates inherit their 8-digit line's rates; rate text that does not parse is kept, flagged and counted.
    """

    kind = "us-hts"
    label = gettext_lazy("US Harmonized Tariff Schedule")
    format_doc = "docs/reference/tariff-formats.md#us-hts-us-hts"
    formats = ("csv",)
    batch_size = 10_000
    columns = (
        Column("seq", required=False),
        Column("htsno"),
        Column("indent"),
        Column("description"),
        Column("units"),
        Column("general"),
        Column("special"),
        Column("other"),
    )
    options = (
        Option("valid_from", gettext_lazy("Valid from"), default="2025-01-01"),
        Option("valid_to", gettext_lazy("Valid to")),
        Option("source", gettext_lazy("Source"), default="USITC HTS 2025 Basic"),
    )

    def clean_options(self) -> None:
        try:
            self.valid_from = dt.date.fromisoformat(self.option_values["valid_from"]).isoformat()
            self.valid_to = (
                dt.date.fromisoformat(self.option_values["valid_to"]).isoformat()
                if self.option_values["valid_to"]
                else None
            )
        except ValueError:
            raise ValidationFailed.on("valid_from", _("Dates are YYYY-MM-DD.")) from None
        self.jurisdiction, _created = Jurisdiction.objects.get_or_create(code="US", defaults=US_JURISDICTION)
        self.writer = LineWriter(self.jurisdiction)
        #: The open indent levels above the current row: (indent, the path of descriptions down to it).
        self.stack: list[tuple[int, str]] = []
        self.parent_rates: tuple[str, ParsedRates] = ("", parsed_rates(()))
        self.counts = UsRateCounts()
        self.unparsed_texts: dict[str, int] = {}
        self.rate_cache: dict[tuple[str, str, str], tuple[ParsedRates, int, int]] = {}
        self.source = self.option_values["source"][:200]

    def _rates(self, general: str, special: str, other: str) -> ParsedRates:
        """The rate rows of one line's three columns, cached by their text; the counts go up per line."""
        key = (general, special, other)
        cached = self.rate_cache.get(key)
        if cached is None:
            rows: list[RateRow] = []
            for kind, text in ((RateKind.MFN.value, general), (RateKind.GENERAL.value, other)):
                us = parse_us_rate(text)
                if us is not None:
                    rows.append(self._row(kind, us.text, us.parsed))
            # The schedule groups the programmes that share a rate: "Free (A,AU,BH)" is one row.
            groups: dict[str, tuple[UsRate, list[str]]] = {}
            for programme, us in parse_us_special(special):
                groups.setdefault(us.text, (us, []))[1].append(programme)
            for us, programmes in groups.values():
                rows.append(self._row(RateKind.PREFERENTIAL.value, us.text, us.parsed, programmes))
            unparsed = sum(1 for row in rows if row[9])
            if len(self.rate_cache) >= MEMO_LIMIT:
                self.rate_cache.clear()
            cached = self.rate_cache[key] = (parsed_rates(tuple(rows)), len(rows) - unparsed, unparsed)
        rates, parsed, unparsed = cached
        self.counts.parsed += parsed
        self.counts.unparsed += unparsed
        if unparsed:
            for row in rates[0]:
                if row[9]:
                    self.unparsed_texts[row[8]] = self.unparsed_texts.get(row[8], 0) + 1
        return rates

    @staticmethod
    def _row(kind: str, text: str, parsed: ParsedRate | None, programmes: list[str] | None = None) -> RateRow:
        codes = [code for code in programmes or [] if code]
        agreement = " ".join(codes)[:200]
        origins = " ".join(sorted({origin for code in codes for origin in US_PROGRAMMES.get(code, "").split()}))
        if parsed is None:
            return (kind, agreement, origins, None, None, "", "", "single", text[:300], True)
        return _rate_row(kind, parsed, agreement=agreement, origins=origins)

    def parse(self, row: Mapping[str, str], line: int) -> LineRecord | None:
        try:
            indent = int(row["indent"] or 0)
        except ValueError:
            raise RowError(
                _("“%(indent)s” is not an indent level.") % {"indent": row["indent"]}, column="indent"
            ) from None
        description = " ".join(row["description"].split())
        stack = self.stack
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = stack[-1][1] if stack else ""
        own = description.rstrip(":")
        stack.append((indent, f"{path}: {own}" if path else own))
        digits = row["htsno"].replace(".", "").strip()
        if len(digits) < 8:
            return None  # headings, subheadings and text rows only give descriptions
        if not digits.isdigit() or len(digits) not in (8, 10):
            raise RowError(
                _("“%(code)s” is not an 8- or 10-digit HTS number.") % {"code": row["htsno"]}, column="htsno"
            )
        general, special, other = row["general"], row["special"], row["other"]
        if len(general) == 9 and general.lower() == "no change":  # cells come stripped
            general = ""
        if len(special) == 9 and special.lower() == "no change":
            special = ""
        if len(other) == 9 and other.lower() == "no change":
            other = ""
        if len(digits) == 10 and not (general or special or other) and digits.startswith(self.parent_rates[0]):
            rates = self.parent_rates[1]
            self.counts.inherited += 1
        else:
            rates = self._rates(general, special, other)
            if len(digits) == 8:
                self.parent_rates = (digits, rates)
        units = [unit.strip()[:10] for unit in row["units"].split(";") if unit.strip()]
        record = LineRecord(
            code=digits,
            ciq_code="",
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            description_en=(f"{path}: {description}" if path else description)[:4000],
            description_zh="",
            unit_1=units[0] if units else "",
            unit_2=units[1] if len(units) > 1 else "",
            vat_rate=None,
            supervision_conditions="",
            inspection_categories="",
            hs_edition="HS2022",
            source=self.source,
            rates=rates[0],
            line=line,
            rates_repr=rates[1],
        )
        earlier = self.writer.remember(record)
        if earlier is not None:
            raise RowError(
                _("%(code)s is already at line %(line)s.") % {"code": digits, "line": earlier}, column="htsno"
            )
        return record

    def write(self, batch: list[LineRecord]) -> int:
        return self.writer.write(batch)

    def finish(self) -> list[RowIssue]:
        top = sorted(self.unparsed_texts.items(), key=lambda item: -item[1])[:10]
        logger.info(
            "us-hts: %s rates parsed, %s kept as text and flagged (%s distinct texts; most frequent: %s); "
            "%s statistical lines inherited their 8-digit line's rates",
            self.counts.parsed,
            self.counts.unparsed,
            len(self.unparsed_texts),
            "; ".join(f"{text!r} ×{count}" for text, count in top),
            self.counts.inherited,
        )
        return self.writer.overlaps()


# -- declaration elements ----------------------------------------------------------------------

_ELEMENT_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")


def parse_elements(text: str) -> list[dict[str, Any]]:
    """A JSON array of element objects, or `key|name_zh|name_en|required` items separated by “;” or new lines."""
    text = text.strip()
    if not text:
        raise ValueError(_("The template has no elements."))
    if text.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(_("The elements are not valid JSON: %(error)s") % {"error": exc}) from None
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise ValueError(_("The elements JSON must be an array of objects."))
    else:
        items = []
        for part in re.split(r"[;\n]", text):
            if not part.strip():
                continue
            fields = [field.strip() for field in part.split("|")]
            if len(fields) != 4:
                raise ValueError(_("“%(item)s” is not key|name_zh|name_en|required.") % {"item": part.strip()})
            items.append({"key": fields[0], "name_zh": fields[1], "name_en": fields[2], "required": fields[3]})
    elements: list[dict[str, Any]] = []
    keys: set[str] = set()
    for item in items:
        key = str(item.get("key", ""))
        if not _ELEMENT_KEY.fullmatch(key):
            raise ValueError(_("“%(key)s” is not an element key (lower-case letters, digits, _).") % {"key": key})
        if key in keys:
            raise ValueError(_("Element “%(key)s” appears twice.") % {"key": key})
        keys.add(key)
        if not item.get("name_zh") or not item.get("name_en"):
            raise ValueError(_("Element “%(key)s” needs name_zh and name_en.") % {"key": key})
        required = item.get("required", True)
        if isinstance(required, str):
            if required.lower() not in ("1", "0", "true", "false", "yes", "no", "y", "n"):
                raise ValueError(
                    _("Element “%(key)s”: required is 1 or 0, not “%(value)s”.") % {"key": key, "value": required}
                )
            required = required.lower() in ("1", "true", "yes", "y")
        element: dict[str, Any] = {
            "key": key,
            "name_zh": str(item["name_zh"]),
            "name_en": str(item["name_en"]),
            "required": bool(required),
        }
        for extra in ("choices", "hint_en", "hint_zh"):
            if extra in item:
                element[extra] = item[extra]
        unknown = set(item) - {"key", "name_zh", "name_en", "required", "choices", "hint_en", "hint_zh"}
        if unknown:
            raise ValueError(
                _("Element “%(key)s” has unknown fields: %(fields)s.")
                % {"key": key, "fields": ", ".join(sorted(unknown))}
            )
        elements.append(element)
    return elements


@register
class DeclarationElementsImporter(Importer[tuple[str, list[dict[str, Any]], str, str | None, int]]):
    """Declaration elements templates (申报要素): one row per code prefix and validity period."""

    kind = "declaration-elements"
    label = gettext_lazy("Declaration elements templates")
    format_doc = "docs/reference/tariff-formats.md#declaration-elements-declaration-elements"
    columns = (
        Column("code_prefix"),
        Column("elements"),
        Column("valid_from"),
        Column("valid_to", required=False),
    )
    options = (Option("jurisdiction", gettext_lazy("Jurisdiction"), required=True, default="CN"),)

    def clean_options(self) -> None:
        self.jurisdiction = jurisdiction_option(self.option_values["jurisdiction"])
        self.seen: dict[tuple[str, str], int] = {}
        self.periods: dict[str, list[tuple[str, str | None, int]]] = {}

    def parse(self, row: Mapping[str, str], line: int) -> tuple[str, list[dict[str, Any]], str, str | None, int]:
        prefix = row["code_prefix"].replace(".", "")
        if not prefix.isdigit() or not 2 <= len(prefix) <= self.jurisdiction.national_code_length:
            raise RowError(
                _("“%(prefix)s” is not a code prefix of 2 to %(length)s digits.")
                % {"prefix": row["code_prefix"], "length": self.jurisdiction.national_code_length},
                column="code_prefix",
            )
        try:
            elements = parse_elements(row["elements"])
        except ValueError as exc:
            raise RowError(str(exc), column="elements") from None
        valid_from = parse_date(row["valid_from"], "valid_from", required=True)
        assert valid_from is not None
        valid_to = parse_date(row.get("valid_to", ""), "valid_to", required=False)
        if valid_to is not None and valid_to < valid_from:
            raise RowError(
                _("valid_to %(to)s is before valid_from %(from)s.") % {"to": valid_to, "from": valid_from},
                column="valid_to",
            )
        if (prefix, valid_from) in self.seen:
            raise RowError(
                _("%(prefix)s valid from %(from)s is already at line %(line)s.")
                % {"prefix": prefix, "from": valid_from, "line": self.seen[(prefix, valid_from)]},
                column="code_prefix",
            )
        self.seen[(prefix, valid_from)] = line
        self.periods.setdefault(prefix, []).append((valid_from, valid_to, line))
        return (prefix, elements, valid_from, valid_to, line)

    def write(self, batch: list[tuple[str, list[dict[str, Any]], str, str | None, int]]) -> int:
        existing = {
            (template.code_prefix, template.valid_from.isoformat()): template
            for template in DeclarationElements.objects.filter(
                jurisdiction=self.jurisdiction, code_prefix__in={row[0] for row in batch}
            )
        }
        create, change = [], []
        for prefix, elements, valid_from, valid_to, _line in batch:
            template = existing.get((prefix, valid_from))
            to_date = dt.date.fromisoformat(valid_to) if valid_to else None
            if template is None:
                create.append(
                    DeclarationElements(
                        jurisdiction=self.jurisdiction,
                        code_prefix=prefix,
                        elements=elements,
                        valid_from=dt.date.fromisoformat(valid_from),
                        valid_to=to_date,
                    )
                )
            elif template.elements != elements or template.valid_to != to_date:
                template.elements, template.valid_to, template.updated_at = elements, to_date, timezone.now()
                change.append(template)
        DeclarationElements.objects.bulk_create(create)
        DeclarationElements.objects.bulk_update(change, ["elements", "valid_to", "updated_at"])
        return len(create) + len(change)

    def finish(self) -> list[RowIssue]:
        issues = []
        stored: dict[str, list[tuple[str, str | None, int]]] = {}
        for prefix, valid_from, valid_to in DeclarationElements.objects.filter(
            jurisdiction=self.jurisdiction, code_prefix__in=list(self.periods)
        ).values_list("code_prefix", "valid_from", "valid_to"):
            stored.setdefault(prefix, []).append(
                (valid_from.isoformat(), valid_to.isoformat() if valid_to else None, 0)
            )
        for prefix, versions in self.periods.items():
            in_file = {version[0] for version in versions}
            periods = sorted(versions + [p for p in stored.get(prefix, []) if p[0] not in in_file])
            for previous, current in zip(periods, periods[1:], strict=False):
                if previous[1] is None or previous[1] >= current[0]:
                    line = current[2] or previous[2]
                    issues.append(
                        RowIssue(
                            line,
                            "valid_from",
                            _("%(prefix)s: the periods %(a)s and %(b)s overlap.")
                            % {"prefix": prefix, "a": _period_text(*previous[:2]), "b": _period_text(*current[:2])},
                        )
                    )
        return issues
