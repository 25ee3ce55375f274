"""The "locode" importer: UN/LOCODE code lists in the column layout of docs/reference/locode-format.md.

Rules for the known faults of the published list (see that page): names whose diacritics were lost
(U+FFFD) take the ASCII name; a code listed twice keeps one row (coordinates from UN/LOCODE before
geocoded ones before none, then the first in the file) and the others count as skipped; unusable
coordinates (NaN, out of range, one half missing) are dropped by default, or rejected with
`--option invalid_coordinates=reject`; geocoded coordinates far from the surveyed places of their
subdivision or country are kept but marked "suspect" (see cpass.places.geo). Rows that did not
change are not written again.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpass.core.errors import ValidationFailed
from cpass.imports.framework import Column, Importer, Option, RowError, RowIssue, register
from cpass.places.geo import Point, suspect_points
from cpass.places.models import CoordinatesSource, Location, LocationKey
from cpass.places.text import search_key, word_tails

CODE = re.compile(r"[A-Z]{2}[A-Z0-9]{3}")
STATUSES = frozenset({"AA", "AC", "AF", "AI", "AM", "AQ", "AS", "RL", "RN", "RQ", "RR", "QQ", "UR", "XX"})
#: Position in the function string → the flag it sets (position 1 may also be "0": not yet functional).
FUNCTION_FLAGS = (
    ("1", "is_seaport"),
    ("2", "is_rail"),
    ("3", "is_road"),
    ("4", "is_airport"),
    ("5", "is_postal"),
    ("6", "is_icd"),
    ("7", "is_fixed_transport"),
    ("B", "is_border_crossing"),
)
LOST = "\ufffd"
SIX_PLACES = Decimal("0.000001")
TRUE = frozenset({"true", "1", "yes", "y"})
FALSE = frozenset({"false", "0", "no", "n", ""})
#: Every column a row sets, in one order: compared against the stored row to skip unchanged ones.
FIELDS = (
    "country",
    "location",
    "name",
    "name_ascii",
    "search_key",
    "subdivision",
    "status",
    "function",
    *(flag for _char, flag in FUNCTION_FLAGS),
    "is_major",
    "iata",
    "latitude",
    "longitude",
    "coordinates_source",
    "remarks",
)


@dataclass(frozen=True)
class LocationRow:
    unlocode: str
    #: 0 = coordinates from UN/LOCODE, 1 = geocoded, 2 = none: the better row of a duplicated code wins.
    rank: int
    values: tuple[Any, ...]

    def as_location(self, pk: int | None = None) -> Location:
        return Location(pk=pk, unlocode=self.unlocode, **dict(zip(FIELDS, self.values, strict=True)))


def _flags(function: str) -> dict[str, bool]:
    if len(function) != 8:
        raise RowError(_("The function must be 8 characters, e.g. “1234----”."), column="function")
    flags = {}
    for position, (char, flag) in enumerate(FUNCTION_FLAGS):
        value = function[position]
        if value not in ("-", char) and not (position == 0 and value == "0"):
            raise RowError(
                _("Position %(position)s of the function must be “%(char)s” or “-”, not “%(value)s”.")
                % {"position": position + 1, "char": char, "value": value},
                column="function",
            )
        flags[flag] = value == char
    return flags


def _coordinate(text: str, column: str) -> Decimal | None:
    if not text or text.lower() == "nan":
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RowError(_("“%(value)s” is not a number.") % {"value": text[:40]}, column=column) from None
    if not value.is_finite():
        return None
    return value.quantize(SIX_PLACES)


@register
class LocodeImporter(Importer[LocationRow]):
    kind = "locode"
    label = gettext_lazy("UN/LOCODE locations")
    format_doc = "docs/reference/locode-format.md"
    batch_size = 5000
    columns = (
        Column("unlocode", required=False, help=gettext_lazy("Country + location, e.g. CNSHA (optional).")),
        Column("country", help=gettext_lazy("ISO 3166 alpha-2 country code as UN/LOCODE uses it.")),
        Column("location", help=gettext_lazy("Three letters or digits.")),
        Column("name", help=gettext_lazy("Name with diacritics.")),
        Column("nameWoDiacritics", required=False, aliases=("name_ascii",)),
        Column("subdivision", required=False),
        Column("status", required=False),
        Column("function", help=gettext_lazy("Eight characters: 1 port, 2 rail, 3 road, 4 airport, ... or -.")),
        Column("iata", required=False),
        Column("lat", required=False, aliases=("latitude",)),
        Column("lon", required=False, aliases=("longitude",)),
        Column("geocoded", required=False, help=gettext_lazy("“true” when the coordinates were geocoded.")),
        Column("note", required=False, aliases=("remarks",)),
    )
    options = (
        Option(
            "invalid_coordinates",
            gettext_lazy("Unusable coordinates"),
            default="drop",
            help=gettext_lazy(
                "“drop”: load the location without them; “reject”: report the row "
                "(NaN, out of range, one half missing)."
            ),
        ),
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.best_rank: dict[str, int] = {}
        self.written_codes: set[str] = set()

    def clean_options(self) -> None:
        if self.option_values["invalid_coordinates"] not in ("drop", "reject"):
            raise ValidationFailed.on("invalid_coordinates", _("Choose “drop” or “reject”."))

    def parse(self, row: Mapping[str, str], line: int) -> LocationRow | None:
        country = row["country"].upper()
        location = row["location"].upper()
        unlocode = country + location
        if not CODE.fullmatch(unlocode):
            raise RowError(
                _("“%(code)s” is not a UN/LOCODE: two letters and three letters or digits.") % {"code": unlocode},
                column="location",
            )
        given = row.get("unlocode", "").upper().replace(" ", "")
        if given and given != unlocode:
            raise RowError(
                _("The code “%(given)s” does not match country + location “%(code)s”.")
                % {"given": given, "code": unlocode},
                column="unlocode",
            )
        name, name_ascii = self._names(row)
        subdivision = row.get("subdivision", "").upper()
        if subdivision and not re.fullmatch(r"[A-Z0-9]{1,3}", subdivision):
            raise RowError(_("A subdivision is one to three letters or digits."), column="subdivision")
        status = row.get("status", "").upper()
        if status and status not in STATUSES:
            raise RowError(_("Unknown status “%(status)s”.") % {"status": status}, column="status")
        flags = _flags(row["function"].upper())
        iata = row.get("iata", "").upper().strip("-")  # "---" is a placeholder for none
        if iata and not re.fullmatch(r"[A-Z0-9]{3}", iata):
            raise RowError(_("An IATA code is three letters or digits."), column="iata")
        latitude, longitude, source = self._coordinates(row)

        rank = 2 if source == "" else 1 if source == CoordinatesSource.GEOCODED else 0
        best = self.best_rank.get(unlocode)
        if best is not None and rank >= best:
            return None
        self.best_rank[unlocode] = rank
        values = (
            country,
            location,
            name,
            name_ascii,
            search_key(name_ascii),
            subdivision,
            status,
            row["function"].upper(),
            *flags.values(),
            flags["is_seaport"] or flags["is_airport"],
            iata,
            latitude,
            longitude,
            source,
            row.get("note", "")[:200],
        )
        return LocationRow(unlocode=unlocode, rank=rank, values=values)

    def _names(self, row: Mapping[str, str]) -> tuple[str, str]:
        name = row["name"]
        name_ascii = row.get("nameWoDiacritics", "")
        if LOST in name and name_ascii.strip():
            # The source lost these characters; the ASCII spelling is the best name we have.
            name = name_ascii
        name = name.replace(LOST, "").strip()
        name_ascii = (name_ascii.replace(LOST, "").strip()) or search_key(name)
        if not name:
            raise RowError(_("The name is empty."), column="name")
        if len(name) > 100 or len(name_ascii) > 100:
            raise RowError(_("The name is longer than 100 characters."), column="name")
        return name, name_ascii

    def _coordinates(self, row: Mapping[str, str]) -> tuple[Decimal | None, Decimal | None, str]:
        latitude = _coordinate(row.get("lat", ""), "lat")
        longitude = _coordinate(row.get("lon", ""), "lon")
        geocoded = row.get("geocoded", "").lower()
        if geocoded not in TRUE | FALSE:
            raise RowError(_("Write “true” or leave empty."), column="geocoded")
        problem = ""
        if (latitude is None) != (longitude is None):
            problem = _("Only one of latitude and longitude is usable.")
        elif latitude is not None and not Decimal(-90) <= latitude <= Decimal(90):
            problem = _("The latitude must be between -90 and 90.")
        elif longitude is not None and not Decimal(-180) <= longitude <= Decimal(180):
            problem = _("The longitude must be between -180 and 180.")
        if problem:
            if self.option_values["invalid_coordinates"] == "reject":
                raise RowError(problem, column="lat")
            return None, None, ""
        if latitude is None:
            return None, None, ""
        return latitude, longitude, CoordinatesSource.GEOCODED if geocoded in TRUE else CoordinatesSource.UNLOCODE

    def write(self, batch: list[LocationRow]) -> int:
        # A better row of a code already written (its duplicate came in an earlier batch) updates it;
        # the count is of codes, each once.
        written = self._upsert({row.unlocode: row for row in batch})  # later rows of a code are the better ones
        count = len(written - self.written_codes)
        self.written_codes |= written
        return count

    def finish(self) -> list[RowIssue]:
        self._mark_suspect_coordinates({code[:2] for code in self.best_rank})
        return []

    def _mark_suspect_coordinates(self, countries: set[str]) -> None:
        """Re-check the geocoded coordinates of every country this file touched, against all the
        surveyed ones stored (not only this file's), and mark or unmark them "suspect"."""
        if not countries:
            return
        located = Location.objects.filter(country__in=countries, latitude__isnull=False, longitude__isnull=False)
        rows = list(located.values_list("id", "country", "subdivision", "latitude", "longitude", "coordinates_source"))
        suspect = suspect_points(
            Point(pk, country, subdivision, float(lat or 0), float(lon or 0), source in _SURVEYED)
            for pk, country, subdivision, lat, lon, source in rows  # lat and lon are never None here
        )
        approximate = (CoordinatesSource.GEOCODED, CoordinatesSource.SUSPECT)
        to_mark: dict[str, list[int]] = {source: [] for source in approximate}
        for pk, *_rest, stored in rows:
            if stored in approximate:
                wanted = CoordinatesSource.SUSPECT if pk in suspect else CoordinatesSource.GEOCODED
                if stored != wanted:
                    to_mark[wanted].append(pk)
        for source, ids in to_mark.items():
            for start in range(0, len(ids), 900):  # SQLite allows 999 parameters per statement
                Location.objects.filter(id__in=ids[start : start + 900]).update(coordinates_source=source)

    def _upsert(self, rows: dict[str, LocationRow]) -> set[str]:
        """Insert new codes, update changed ones, skip the rest, and return the codes written; plain
        executemany, because the ORM's per-object work would take most of the run on 100,000+ rows."""
        if not rows:
            return set()
        sql = _Statements()
        with connection.cursor() as cursor:
            cursor.execute(sql.select_stored(len(rows)), list(rows))
            stored = {code: (pk, _comparable(values)) for code, pk, *values in cursor.fetchall()}
            rows = {
                code: _keep_corrected(row, stored[code][1]) if code in stored else row for code, row in rows.items()
            }
            new = [row for code, row in rows.items() if code not in stored]
            changed = [
                row for code, row in rows.items() if code in stored and stored[code][1] != _comparable(row.values)
            ]
            key_at = FIELDS.index("search_key")
            renamed = {
                stored[row.unlocode][0] for row in changed if stored[row.unlocode][1][key_at] != row.values[key_at]
            }
            if new:
                cursor.executemany(sql.insert_location, [(row.unlocode, *row.values) for row in new])
            if changed:
                cursor.executemany(sql.update_location, [(*row.values, stored[row.unlocode][0]) for row in changed])
            if renamed:
                LocationKey.objects.filter(location_id__in=renamed).delete()
            keyed: list[tuple[int, str]] = []
            if new:
                cursor.execute(sql.select_ids(len(new)), [row.unlocode for row in new])
                new_ids = dict(cursor.fetchall())
                keyed = [(new_ids[row.unlocode], row.values[key_at]) for row in new]
            keyed += [
                (stored[row.unlocode][0], row.values[key_at]) for row in changed if stored[row.unlocode][0] in renamed
            ]
            if keyed:
                cursor.executemany(
                    sql.insert_key,
                    [(location_id, tail) for location_id, key in keyed for tail in word_tails(key)],
                )
        return {row.unlocode for row in new} | {row.unlocode for row in changed}


def _keep_corrected(row: LocationRow, stored: tuple[Any, ...]) -> LocationRow:
    """The file's row with the stored coordinates when platform staff corrected them (they stay)."""
    if stored[_SOURCE_AT] != CoordinatesSource.CORRECTED:
        return row
    values = list(row.values)
    for index in _COORDINATES_AT:
        values[index] = None if stored[index] is None else Decimal(repr(stored[index]))
    values[_SOURCE_AT] = CoordinatesSource.CORRECTED
    return dataclasses.replace(row, values=tuple(values))


def _column(name: str) -> str:
    field = Location._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"Location.{name} is not a concrete column")
    return field.column


class _Statements:
    """The importer's SQL, built only from the models' own table and column names (quoted by the
    database backend) and from `%s` placeholders: no value from the file is ever part of the text."""

    def __init__(self) -> None:
        quote = connection.ops.quote_name
        self.location_table = quote(Location._meta.db_table)
        columns = [quote(_column(name)) for name in FIELDS]
        self.columns = ", ".join(columns)
        assignments = ", ".join(f"{column} = %s" for column in columns)
        placeholders = ", ".join(["%s"] * len(FIELDS))
        key_table = quote(LocationKey._meta.db_table)
        table = self.location_table
        # Safe: table/column names from model metadata and placeholders only (see the class docstring).
        self.insert_location = f"INSERT INTO {table} (unlocode, {self.columns}) VALUES (%s, {placeholders})"  # noqa: S608
        self.update_location = f"UPDATE {table} SET {assignments} WHERE id = %s"  # noqa: S608
        self.insert_key = f"INSERT INTO {key_table} (location_id, {quote('key')}) VALUES (%s, %s)"  # noqa: S608

    def select_stored(self, count: int) -> str:
        placeholders = ", ".join(["%s"] * count)
        # Safe: names from model metadata, values bound as parameters.
        return f"SELECT unlocode, id, {self.columns} FROM {self.location_table} WHERE unlocode IN ({placeholders})"  # noqa: S608

    def select_ids(self, count: int) -> str:
        placeholders = ", ".join(["%s"] * count)
        # Safe: names from model metadata, values bound as parameters.
        return f"SELECT unlocode, id FROM {self.location_table} WHERE unlocode IN ({placeholders})"  # noqa: S608


def _comparable(values: tuple[Any, ...] | list[Any]) -> tuple[Any, ...]:
    """Stored and parsed values in one form: SQLite hands back booleans as 0/1 (equal to False/True)
    and decimals as floats, whose text-to-real conversion can differ from Python's in the last bit."""
    comparable = list(values)
    if comparable[_SOURCE_AT] == CoordinatesSource.SUSPECT:
        # Set by the check after loading, not by the file: a suspect row is an unchanged geocoded one.
        comparable[_SOURCE_AT] = CoordinatesSource.GEOCODED
    for index in _COORDINATES_AT:
        if comparable[index] is not None:
            comparable[index] = round(float(comparable[index]), 6)
    return tuple(comparable)


_COORDINATES_AT = (FIELDS.index("latitude"), FIELDS.index("longitude"))
#: Coordinates the suspect check trusts: UN/LOCODE's surveyed ones and staff corrections.
_SURVEYED = (CoordinatesSource.UNLOCODE, CoordinatesSource.CORRECTED)
_SOURCE_AT = FIELDS.index("coordinates_source")
