"""Everything the rules read about one declaration, fetched once and only when a rule asks for it.

Items, documents, containers, parties and their screening state, the tariff lines of every item code (one
query), their element templates (one query) and rates (one query), customs exchange rates per currency and
the UN/LOCODEs named. Code-table lookups go through cpass.reference.selectors, which caches whole tables per
process. A rule never writes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import Model
from django.utils import timezone

from cpass.core.errors import ServiceError
from cpass.customs.models import Declaration, DeclarationDocument, DeclarationItem
from cpass.fx.selectors import RateFinding, customs_rate
from cpass.parties.choices import MatchStatus
from cpass.parties.models import Party, ScreeningMatch
from cpass.places.models import Location
from cpass.reference.models import CodeEntry
from cpass.reference.selectors import code_entry
from cpass.reference.tables import Table
from cpass.shipments.choices import Direction
from cpass.shipments.models import Container, Shipment
from cpass.tariff.models import DeclarationElements, DutyRate, TariffLine
from cpass.tariff.selectors import valid_on

#: China's tariff: the jurisdiction item codes belong to and the customs exchange-rate rule.
JURISDICTION = "CN"
HS_CODE = re.compile(r"\d{10}")
CIQ_CODE = re.compile(r"\d{3}")
#: The party fields of the header, in form order.
PARTY_FIELDS = ("domestic_trader", "overseas_trader", "consumer_producer", "declarant")


@dataclass(frozen=True)
class LineMatch:
    """How an item's code and CIQ sub-code resolved against the tariff on the date.

    `problem` is "" (found: `line` is set), "format", "unknown", "ciq_required", "ciq_unknown" or "not_valid".
    """

    line: TariffLine | None
    problem: str = ""
    #: The CIQ sub-codes of the code ("ciq_*") or the validity periods of its versions ("not_valid").
    detail: str = ""


@dataclass(frozen=True)
class RateCheck:
    finding: RateFinding | None
    problem: str = ""


def _period(line: TariffLine | DeclarationElements) -> str:
    end = line.valid_to.isoformat() if line.valid_to else "…"
    return f"{line.valid_from.isoformat()}–{end}"


def _related(instance: Model, name: str) -> list[Any] | None:
    """The prefetched rows of a relation, or None when the caller did not prefetch it."""
    cache = getattr(instance, "_prefetched_objects_cache", {})
    return list(cache[name]) if name in cache else None


class Context:
    """One declaration as the rules see it, on the date `on` (tariff, code tables and exchange rates). `items`,
    when given, stand in for its stored items (an item being edited, checked before it is saved)."""

    def __init__(
        self, declaration: Declaration, *, on: dt.date | None = None, items: list[DeclarationItem] | None = None
    ) -> None:
        self.declaration = declaration
        self._given_items = items
        self.today = timezone.localdate()
        self.on: dt.date = on or declaration.declaration_date or declaration.import_export_date or self.today
        #: The day the declaration is (or would be) lodged: its declaration date, else `on`, else today.
        self.declared_on: dt.date = declaration.declaration_date or on or self.today
        self.is_import = declaration.direction != Direction.EXPORT
        self._fx: dict[str, RateCheck] = {}
        self._lines: dict[tuple[str, str], LineMatch] = {}
        self._loaded: dict[Table, bool] = {}
        #: Per-item reads the element rules share (item pk → its elements read against the template).
        self.element_reads: dict[int, Any] = {}
        self.template_reads: dict[int, Any] = {}

    # -- the declaration's own rows ---------------------------------------------------------------

    @cached_property
    def items(self) -> list[DeclarationItem]:
        if self._given_items is not None:
            return sorted(self._given_items, key=lambda item: (item.item_number, item.pk or 0))
        if self.declaration.pk is None:
            return []
        rows = _related(self.declaration, "items")
        if rows is None:
            rows = list(DeclarationItem.objects.unscoped().filter(declaration_id=self.declaration.pk))
        return sorted(rows, key=lambda item: (item.item_number, item.pk or 0))

    @cached_property
    def documents(self) -> list[DeclarationDocument]:
        if self.declaration.pk is None:
            return []
        rows = _related(self.declaration, "documents")
        if rows is None:
            rows = list(DeclarationDocument.objects.unscoped().filter(declaration_id=self.declaration.pk))
        return rows

    @cached_property
    def document_codes(self) -> set[str]:
        return {document.code.strip() for document in self.documents}

    @cached_property
    def containers(self) -> list[Container]:
        if self.declaration.pk is None:
            return []
        rows = _related(self.declaration, "containers")
        if rows is None:
            rows = list(Container.objects.unscoped().filter(declarations=self.declaration.pk).order_by("number"))
        return rows

    @cached_property
    def shipment(self) -> Shipment | None:
        if self.declaration.shipment_id is None:
            return None
        if Declaration.shipment.is_cached(self.declaration):  # type: ignore[attr-defined]
            return self.declaration.shipment
        return Shipment.objects.unscoped().filter(pk=self.declaration.shipment_id).first()

    # -- parties -----------------------------------------------------------------------------------

    @cached_property
    def parties(self) -> dict[str, Party | None]:
        """Each party field → its party (None when empty)."""
        found: dict[str, Party | None] = {}
        missing: dict[str, int] = {}
        for name in PARTY_FIELDS:
            party_id = getattr(self.declaration, f"{name}_id")
            if party_id is None:
                found[name] = None
            elif Declaration._meta.get_field(name).is_cached(self.declaration):  # type: ignore[union-attr]
                found[name] = getattr(self.declaration, name)
            else:
                missing[name] = party_id
        if missing:
            rows = Party.objects.unscoped().in_bulk(set(missing.values()))
            for name, party_id in missing.items():
                found[name] = rows.get(party_id)
        return found

    @cached_property
    def screening(self) -> dict[int, set[str]]:
        """Party id → the statuses of its open or confirmed restricted-party matches (the same standard as
        cpass.parties.selectors.require_party_usable, read for all parties in one query)."""
        ids = {party.pk for party in self.parties.values() if party is not None}
        statuses: dict[int, set[str]] = {}
        if not ids:
            return statuses
        rows = (
            ScreeningMatch.objects.unscoped()
            .filter(party_id__in=ids, status__in=[MatchStatus.OPEN, MatchStatus.CONFIRMED])
            .values_list("party_id", "status")
        )
        for party_id, status in rows:
            statuses.setdefault(party_id, set()).add(status)
        return statuses

    # -- the tariff ------------------------------------------------------------------------------

    @cached_property
    def tariff_versions(self) -> dict[str, list[TariffLine]]:
        """Every version of every well-formed item code (all CIQ sub-codes), in one query."""
        codes = {item.hs_code for item in self.items if HS_CODE.fullmatch(item.hs_code or "")}
        versions: dict[str, list[TariffLine]] = {}
        if not codes:
            return versions
        rows = TariffLine.objects.filter(jurisdiction__code=JURISDICTION, code__in=codes).order_by(
            "code", "ciq_code", "valid_from"
        )
        for line in rows:
            versions.setdefault(line.code, []).append(line)
        return versions

    def line_for(self, item: DeclarationItem) -> LineMatch:
        """The tariff line version of the item's code and CIQ sub-code valid on the date, or why not."""
        code, ciq = (item.hs_code or "").strip(), (item.ciq_code or "").strip()
        key = (code, ciq)
        if key not in self._lines:
            self._lines[key] = self._match(code, ciq)
        return self._lines[key]

    def _match(self, code: str, ciq: str) -> LineMatch:
        if not HS_CODE.fullmatch(code) or (ciq and not CIQ_CODE.fullmatch(ciq)):
            return LineMatch(None, "format")
        versions = self.tariff_versions.get(code, [])
        if not versions:
            return LineMatch(None, "unknown")
        same = [line for line in versions if line.ciq_code == ciq]
        subcodes = ", ".join(sorted({line.ciq_code for line in versions if line.ciq_code}))
        if not same:
            return LineMatch(None, "ciq_unknown" if ciq else "ciq_required", subcodes)
        for line in same:
            if line.valid_from <= self.on and (line.valid_to is None or line.valid_to >= self.on):
                return LineMatch(line)
        return LineMatch(None, "not_valid", ", ".join(_period(line) for line in same))

    @cached_property
    def element_templates(self) -> dict[str, DeclarationElements | None]:
        """Item code → the element template of its longest prefix valid on the date, in one query."""
        codes = {item.hs_code for item in self.items if HS_CODE.fullmatch(item.hs_code or "")}
        prefixes = {code[:length] for code in codes for length in range(2, len(code) + 1)}
        templates: dict[str, DeclarationElements | None] = dict.fromkeys(codes)
        if not prefixes:
            return templates
        rows = list(
            DeclarationElements.objects.filter(jurisdiction__code=JURISDICTION, code_prefix__in=prefixes).filter(
                valid_on(self.on)
            )
        )
        for code in codes:
            matching = [row for row in rows if code.startswith(row.code_prefix)]
            templates[code] = max(matching, key=lambda row: len(row.code_prefix)) if matching else None
        return templates

    @cached_property
    def line_rates(self) -> dict[int, list[DutyRate]]:
        """Line id → its rates, for every line the items resolved to, in one query."""
        lines = {match.line for item in self.items if (match := self.line_for(item)).line is not None}
        by_set: dict[int, list[DutyRate]] = {}
        rate_sets = {line.rate_set_id for line in lines if line.rate_set_id is not None}
        for rate in DutyRate.objects.filter(rate_set_id__in=rate_sets).order_by("kind", "agreement", "id"):
            by_set.setdefault(rate.rate_set_id, []).append(rate)
        return {line.pk: by_set.get(line.rate_set_id or 0, []) for line in lines}

    # -- code tables, exchange rates, places ------------------------------------------------------------

    def code(self, table: Table, value: str) -> CodeEntry | None:
        """The entry of `value` valid on the date (the reference selectors cache whole tables)."""
        return code_entry(table, value, on=self.on)

    def table_loaded(self, table: Table) -> bool:
        """Whether the table has any row (some tables ship partly or empty until staff load them)."""
        if table not in self._loaded:
            self._loaded[table] = CodeEntry.objects.filter(table__key=str(table)).exists()
        return self._loaded[table]

    def rate(self, currency: str) -> RateCheck:
        """The customs exchange rate of `currency` on the date, or the reason there is none."""
        if currency not in self._fx:
            try:
                self._fx[currency] = RateCheck(customs_rate(jurisdiction=JURISDICTION, currency=currency, on=self.on))
            except ServiceError as exc:
                self._fx[currency] = RateCheck(None, str(exc.detail))
            except (ValueError, OverflowError, ArithmeticError):
                # A date at the ends of the calendar: the rule's days cannot be computed.
                self._fx[currency] = RateCheck(None, "")
        return self._fx[currency]

    @cached_property
    def places_loaded(self) -> bool:
        return Location.objects.exists()

    @cached_property
    def known_locations(self) -> set[str]:
        codes = {
            value
            for value in (self.declaration.departure_port, self.declaration.stop_port)
            if value and len(value) == 5
        }
        if not codes:
            return set()
        return set(Location.objects.filter(unlocode__in=codes).values_list("unlocode", flat=True))
