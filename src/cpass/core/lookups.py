"""Filters with values no row can hold match nothing, instead of reaching the database and failing there.

- An id beyond the database's integer range, through a foreign key. Django (since 5.0) answers such a value on an
  integer field itself with an empty result (`IntegerFieldExact`), but not through a relation:
  `filter(enterprise_id=2**70)` reaches the database, where SQLite raises OverflowError and PostgreSQL "bigint out
  of range".
- Text with a NUL character (U+0000), on text columns: PostgreSQL text cannot hold NUL, so no stored value
  equals, contains, starts or ends with one, and psycopg refuses to send it (ValueError).

Such values come from clients (paths, query filters), so they must read as "no such object" or an empty list,
never a server error; services still refuse them where they are written, with a message. Registered once in
CoreConfig.ready().
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import CharField, ForeignObject, Lookup, TextField, lookups
from django.db.models.fields.related_lookups import RelatedExact


class RelatedIdExact(RelatedExact):
    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        value = self.rhs
        if isinstance(value, int) and not isinstance(value, bool) and hasattr(self.lhs.output_field, "path_infos"):
            target = self.lhs.output_field.path_infos[-1].target_fields[-1]
            low, high = connection.ops.integer_field_ranges.get(target.get_internal_type(), (None, None))
            if (low is not None and value < low) or (high is not None and value > high):
                raise EmptyResultSet
        return super().process_rhs(compiler, connection)


def _has_nul(value: Any) -> bool:
    return isinstance(value, str) and "\x00" in value


class _NoNulMatch(Lookup):
    """A text comparison whose value holds a NUL matches nothing."""

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if _has_nul(self.rhs):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


class _NoNulIn(lookups.In):
    """`__in`: values holding a NUL are dropped (none matches); none left is an empty result."""

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            self.rhs = [value for value in self.rhs if not _has_nul(value)]
        return super().process_rhs(compiler, connection)


TEXT_LOOKUPS: list[type[Lookup]] = [
    type(f"NoNul{base.__name__}", (_NoNulMatch, base), {})
    for base in (
        lookups.Exact,
        lookups.IExact,
        lookups.Contains,
        lookups.IContains,
        lookups.StartsWith,
        lookups.IStartsWith,
        lookups.EndsWith,
        lookups.IEndsWith,
    )
]


def register() -> None:
    ForeignObject.register_lookup(RelatedIdExact)
    for field in (CharField, TextField):
        for lookup in (*TEXT_LOOKUPS, _NoNulIn):
            field.register_lookup(lookup)
