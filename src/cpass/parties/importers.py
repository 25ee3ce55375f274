"""The restricted-party list importer (kind "restricted-parties"): our CSV/XLSX/JSON format, documented
in docs/reference/restricted-list-format.md. A reload replaces the list's entries: rows are upserted by
external id and entries missing from the file are removed. After the run commits, every party of every
enterprise is re-screened in the background (see PartiesConfig.ready)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pycountry
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpass.core.errors import ValidationFailed
from cpass.imports.framework import Column, Importer, Option, RowError, RowIssue, register
from cpass.parties.matching import keys_fingerprint, name_keys
from cpass.parties.models import RestrictedEntry, RestrictedList

_ALIAS_SEPARATOR = re.compile(r"[|;]")
_EXTERNAL_ID = re.compile(r"[\w.:/#-]{1,64}")
_UPDATED_FIELDS = ["name", "aliases", "country", "address", "programme", "remarks", "match_keys", "fingerprint"]


@dataclass(frozen=True)
class EntryRow:
    external_id: str
    name: str
    aliases: list[str]
    country: str
    address: str
    programme: str
    remarks: str
    match_keys: list[list[str]]
    fingerprint: str


def _country(value: str) -> str:
    """Alpha-3 from an alpha-3 or alpha-2 code; empty stays empty."""
    code = value.strip().upper()
    if not code:
        return ""
    country = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    if country is None and len(code) == 2:
        country = pycountry.countries.get(alpha_2=code)
    if country is None:
        raise RowError(
            _("“%(code)s” is not an ISO 3166 country code (alpha-3 or alpha-2).") % {"code": value}, column="country"
        )
    return str(country.alpha_3)


def _text(row: Mapping[str, str], name: str, limit: int) -> str:
    value = row.get(name, "").strip()
    if len(value) > limit:
        raise RowError(_("At most %(limit)d characters.") % {"limit": limit}, column=name)
    return value


@register
class RestrictedPartyImporter(Importer[EntryRow]):
    kind = "restricted-parties"
    label = gettext_lazy("Restricted-party list")
    columns = (
        Column("external_id", aliases=("id", "uid"), help=gettext_lazy("The list's own id of the entry; unique.")),
        Column("name", help=gettext_lazy("Primary name of the person or organisation.")),
        Column("aliases", required=False, help=gettext_lazy("Other names, separated by | or ;.")),
        Column("country", required=False, help=gettext_lazy("ISO 3166 alpha-3 (or alpha-2) country code.")),
        Column("address", required=False),
        Column("programme", required=False, aliases=("program",)),
        Column("remarks", required=False),
    )
    options = (
        Option("list", gettext_lazy("List name"), required=True, help=gettext_lazy("A reload replaces this list.")),
        Option("publisher", gettext_lazy("Publisher")),
        Option("source", gettext_lazy("Source (URL or description)")),
        Option("version", gettext_lazy("Version date (YYYY-MM-DD)")),
    )
    format_doc = "docs/reference/restricted-list-format.md"

    def clean_options(self) -> None:
        name = self.option_values["list"]
        if len(name) > 200:
            raise ValidationFailed.on("list", _("At most %(limit)d characters.") % {"limit": 200})
        version = self.option_values["version"]
        self.version_date: dt.date | None = None
        if version:
            try:
                self.version_date = dt.date.fromisoformat(version)
            except ValueError:
                raise ValidationFailed.on("version", _("Give the version date as YYYY-MM-DD.")) from None
        self.seen: dict[str, int] = {}
        self.restricted_list: RestrictedList | None = None
        self.existing: dict[str, tuple[int, str]] = {}

    def parse(self, row: Mapping[str, str], line: int) -> EntryRow:
        external_id = row.get("external_id", "").strip()
        if not _EXTERNAL_ID.fullmatch(external_id):
            raise RowError(_("Give an id of 1 to 64 letters, digits or . : / # - _ characters."), column="external_id")
        if external_id in self.seen:
            raise RowError(
                _("The id “%(id)s” is already on line %(line)d.") % {"id": external_id, "line": self.seen[external_id]},
                column="external_id",
            )
        self.seen[external_id] = line
        name = _text(row, "name", 300)
        if not name:
            raise RowError(_("Give the entry's name."), column="name")
        aliases = list(dict.fromkeys(a.strip() for a in _ALIAS_SEPARATOR.split(row.get("aliases", "")) if a.strip()))
        if any(len(alias) > 300 for alias in aliases):
            raise RowError(_("An alias has more than 300 characters."), column="aliases")
        keys: list[list[str]] = []
        for each in [name, *aliases]:
            key = name_keys(each)
            if key is None:
                raise RowError(
                    _("“%(name)s” has no letters or digits to match on.") % {"name": each},
                    column="name" if each == name else "aliases",
                )
            keys.append([key.sorted_key, key.compact])
        country = _country(row.get("country", ""))
        address = _text(row, "address", 500)
        programme = _text(row, "programme", 200)
        remarks = _text(row, "remarks", 5000)
        # Over everything listed: a cleared match reopens when its entry changes, and unchanged rows are not rewritten.
        fingerprint = keys_fingerprint([name, *aliases, "", country, address, programme, remarks])
        return EntryRow(external_id, name, aliases, country, address, programme, remarks, keys, fingerprint)

    def _list(self) -> RestrictedList:
        if self.restricted_list is None:
            restricted_list, _created = RestrictedList.objects.get_or_create(name=self.option_values["list"])
            self.restricted_list = restricted_list
            self.existing = {
                external_id: (pk, digest)
                for pk, external_id, digest in RestrictedEntry.objects.filter(restricted_list=restricted_list)
                .values_list("pk", "external_id", "fingerprint")
                .iterator(chunk_size=10000)
            }
        return self.restricted_list

    def write(self, batch: list[EntryRow]) -> int:
        restricted_list = self._list()
        new, changed = [], []
        for row in batch:
            values = {name: getattr(row, name) for name in _UPDATED_FIELDS}
            known = self.existing.get(row.external_id)
            if known is None:
                new.append(RestrictedEntry(restricted_list=restricted_list, external_id=row.external_id, **values))
            elif known[1] != row.fingerprint:
                changed.append(RestrictedEntry(pk=known[0], restricted_list=restricted_list, **values))
        RestrictedEntry.objects.bulk_create(new, batch_size=2000)
        RestrictedEntry.objects.bulk_update(changed, _UPDATED_FIELDS, batch_size=2000)
        return len(batch)

    def finish(self) -> list[RowIssue]:
        if not self.seen:
            return []
        restricted_list = self._list()
        gone = [pk for external_id, (pk, _digest) in self.existing.items() if external_id not in self.seen]
        for start in range(0, len(gone), 5000):
            RestrictedEntry.objects.filter(pk__in=gone[start : start + 5000]).delete()
        restricted_list.publisher = self.option_values["publisher"][:200] or restricted_list.publisher
        restricted_list.source = self.option_values["source"][:500] or restricted_list.source
        restricted_list.version_date = self.version_date or restricted_list.version_date
        restricted_list.loaded_at = timezone.now()
        restricted_list.entry_count = RestrictedEntry.objects.filter(restricted_list=restricted_list).count()
        restricted_list.save()
        return []
