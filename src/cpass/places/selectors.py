"""Reading locations: search by code, name or country, and one location by its code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import overload

from django.db import connection
from django.db.models import IntegerField, Q, QuerySet, Value
from django.utils.translation import gettext as _

from cpass.core.actor import Actor
from cpass.core.errors import NotFound, ValidationFailed
from cpass.core.platform import require_reference_read
from cpass.places.models import FUNCTION_FILTERS, Location, LocationKey
from cpass.places.text import prefix_end, search_key

#: Longer queries are refused: no name or code is that long.
MAX_QUERY = 100
_CODE_QUERY = re.compile(r"([A-Za-z]{2})\s?([A-Za-z0-9]{0,3})")
#: `is_major IN (true, false)` is no filter, but it lets the database walk an index that starts with
#: `is_major` once per value, reading a range of the next column in order under each: sea ports and
#: airports first, without sorting every match (SQLite and PostgreSQL both do this for a leading column).
#: It also keeps Django from writing `is_major = true` as a bare `is_major`, which SQLite cannot index.
EITHER = Q(is_major__in=[True, False])
#: From this length on, a query starts a later word of at most a few hundred names ("islan": 428, "city":
#: 495): sorting them all in the union costs less than a second query. Shorter ones start thousands
#: ("de": 3,500, "sur": 1,100), and their code and name parts nearly always fill the page first.
WORDS_IN_UNION = 4


def _starts_with(field: str, prefix: str, *, longer: bool = False) -> Q:
    """`field` starts with `prefix` (and is `longer` than it), as a range: a plain index on the field
    answers it in its order on SQLite and PostgreSQL alike (LIKE does not: SQLite's ignores case and so
    its index, PostgreSQL's needs a pattern-ops index, which cannot sort)."""
    lower = f"{field}__gt" if longer else f"{field}__gte"
    if connection.vendor == "sqlite":  # binary collation: the range of the next byte is exact
        return Q(**{lower: prefix, f"{field}__lt": prefix[:-1] + chr(ord(prefix[-1]) + 1)})
    # PostgreSQL compares by the database's collation, which may skip spaces (en_US): a range that
    # holds every match under any collation, and the exact test for the few others it may hold.
    condition = Q(**{lower: prefix, f"{field}__startswith": prefix})
    end = prefix_end(prefix)
    return condition & Q(**{f"{field}__lt": end}) if end is not None else condition


def _code_prefix(query: str) -> str:
    """ "CN SHA" / "cnsha" / "CN" → the code prefix it can be, else ""."""
    match = _CODE_QUERY.fullmatch(query.strip())
    return (match.group(1) + match.group(2)).upper() if match else ""


@dataclass(frozen=True)
class _Part:
    """One ranked part of a search: the locations `where` holds, read sea ports and airports first,
    then by `order`, from an index in that order (see the Meta of Location)."""

    where: Q
    order: str

    def rows(self) -> QuerySet[Location]:
        return Location.objects.filter(self.where)

    @property
    def ordering(self) -> tuple[str, ...]:
        return ("-is_major", self.order) if self.order == "unlocode" else ("-is_major", self.order, "unlocode")


class LocationSearch:
    """The ranked answer of `location_search`, counted and sliced like a queryset (Paginator, the API's
    pagination, `[:10]`). A slice is one query: the union of the ranked parts, each cut at the slice's
    end while the database walks its index in order, so "US" reads ten rows, not 20,000. `later`, a last
    part too large to read for nothing, is read in a second query, and only when a slice reaches it."""

    def __init__(self, parts: list[_Part], later: _Part | None = None) -> None:
        self._parts = parts
        self._later = later
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._total(with_later=True)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def all(self) -> LocationSearch:
        return self

    def __iter__(self) -> Iterator[Location]:
        return iter(self._read(0, None))

    @overload
    def __getitem__(self, index: int) -> Location: ...

    @overload
    def __getitem__(self, index: slice) -> list[Location]: ...

    def __getitem__(self, index: int | slice) -> Location | list[Location]:
        if isinstance(index, int):
            if index < 0:
                raise ValueError("Negative indexing is not supported.")
            rows = self._read(index, index + 1)
            if not rows:
                raise IndexError(index)
            return rows[0]
        if index.step not in (None, 1) or (index.start or 0) < 0 or (index.stop is not None and index.stop < 0):
            raise ValueError("Only forward slices without a step are supported.")
        start = index.start or 0
        stop = index.stop
        return self._read(start, stop) if stop is None or stop > start else []

    def _read(self, start: int, stop: int | None) -> list[Location]:
        rows = self._ranked(start, stop)
        if self._later is None or (stop is not None and len(rows) == stop - start):
            return rows
        # The other parts end inside this slice (or before it): `later` follows them.
        before = start + len(rows) if rows or start == 0 else self._total(with_later=False)
        later = self._later.rows().order_by(*self._later.ordering)
        return rows + list(later[max(0, start - before) : None if stop is None else stop - before])

    def _ranked(self, start: int, stop: int | None) -> list[Location]:
        if not self._parts:
            return []
        if len(self._parts) == 1:
            only = self._parts[0]
            return list(only.rows().order_by(*only.ordering)[start:stop])
        branches = []
        for rank, part in enumerate(self._parts):
            rows = part.rows()
            if stop is None:
                rows = rows.order_by()
            elif connection.features.supports_slicing_ordering_in_compound:
                rows = rows.order_by(*part.ordering)[:stop]
            else:  # SQLite takes no LIMIT on a member of a UNION: the part is cut inside an IN
                rows = Location.objects.filter(pk__in=rows.order_by(*part.ordering).values("pk")[:stop]).order_by()
            branches.append(rows.annotate(rank=Value(rank, output_field=IntegerField())))
        # Every part's own order, after the rank: the parts read by code (exact code, exact name) hold one
        # row or one name.
        union = branches[0].union(*branches[1:], all=True)
        return list(union.order_by("rank", "-is_major", "search_key", "unlocode")[start:stop])

    def _total(self, *, with_later: bool) -> int:
        parts = [*self._parts, self._later] if with_later and self._later is not None else self._parts
        counted = [part.rows().order_by().values("pk") for part in parts]
        if not counted:
            return 0
        return counted[0].union(*counted[1:], all=True).count() if len(counted) > 1 else counted[0].count()


def location_search(
    *,
    actor: Actor,
    q: str | None = None,
    country: str | None = None,
    function: str | None = None,
) -> LocationSearch:
    """Locations matching `q` (code prefix "CNSHA"/"CN SHA", or the start of the name or of a word in it,
    ignoring case and accents; Chinese input matches as pinyin), in `country`, with `function`.

    Ranked: exact code, code prefix, exact name, name prefix, word prefix; within each, sea ports and
    airports first, then by name (without `q`: by code).
    """
    require_reference_read(actor)
    query = (q or "").strip()
    if len(query) > MAX_QUERY:
        raise ValidationFailed.on("q", _("The search is longer than %(max)s characters.") % {"max": MAX_QUERY})
    scope = Q()
    if country:
        country = country.strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise ValidationFailed.on("country", _("A country is a two-letter code such as CN."))
    if function:
        flag = FUNCTION_FILTERS.get(function.strip().lower())
        if flag is None:
            raise ValidationFailed.on(
                "function",
                _("Unknown function “%(function)s”; use one of: %(choices)s.")
                % {"function": function[:20], "choices": ", ".join(FUNCTION_FILTERS)},
            )
        scope &= Q(**{flag: True})
    if not query:
        # A country is a code prefix here: a range of the (is_major, unlocode) index.
        listed = scope & EITHER & _starts_with("unlocode", country) if country else scope
        return LocationSearch([_Part(listed, "unlocode")])

    if country:
        scope &= Q(country=country)
    code = _code_prefix(query)
    key = search_key(query)
    parts: list[_Part] = []
    if len(code) == 5:
        by_code = Q(unlocode=code)
        parts.append(_Part(scope & by_code, "unlocode"))
    elif len(code) == 2:  # a country: (country, is_major, search_key) is read in order
        by_code = Q(country=code)
        parts.append(_Part(scope & by_code, "search_key"))
    elif code:
        by_code = Q(country=code[:2]) & _starts_with("unlocode", code)
        parts.append(_Part(scope & by_code, "search_key"))
    if not key:
        return LocationSearch(parts)
    if code:
        scope &= ~by_code  # already found by their code
    name_start = _starts_with("search_key", key)
    parts.append(_Part(scope & EITHER & Q(search_key=key), "unlocode"))
    parts.append(_Part(scope & EITHER & _starts_with("search_key", key, longer=True), "search_key"))
    words = LocationKey.objects.filter(_starts_with("key", key)).values("location_id")
    later_word = _Part(scope & ~name_start & Q(pk__in=words), "search_key")
    if len(key) >= WORDS_IN_UNION:
        return LocationSearch([*parts, later_word])
    return LocationSearch(parts, later_word)


def location_get(*, actor: Actor, unlocode: str) -> Location:
    require_reference_read(actor)
    code = unlocode.replace(" ", "").upper()
    location = Location.objects.filter(unlocode=code).first() if len(code) == 5 else None
    if location is None:
        raise NotFound(_("There is no location with the code “%(code)s”.") % {"code": unlocode[:10]})
    return location
