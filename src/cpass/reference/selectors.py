"""Reads of the code tables: look a code up on a date, validate it for a form or API field, list choices."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cpass.core.errors import ValidationFailed
from cpass.reference.models import CodeEntry
from cpass.reference.tables import Table


def valid_on(on: dt.date) -> Q:
    """Rows whose validity (`valid_from`..`valid_to` inclusive, open when empty) covers `on`."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def entries(table: Table | str, *, on: dt.date | None = None) -> QuerySet[CodeEntry]:
    day = on or timezone.localdate()
    return CodeEntry.objects.filter(table__key=str(table)).filter(valid_on(day)).order_by("code")


def code_entry(table: Table | str, code: str, *, on: dt.date | None = None) -> CodeEntry | None:
    """The entry of `code` valid on `on` (today by default), or None."""
    return entries(table, on=on).filter(code=code).first()


def validate_code(table: Table | str, code: str, *, field: str, on: dt.date | None = None) -> CodeEntry:
    """The entry for `code`, or a ValidationFailed on `field` that says which table and date."""
    entry = code_entry(table, code, on=on)
    if entry is None:
        day = on or timezone.localdate()
        raise ValidationFailed.on(
            field,
            _("“%(code)s” is not a code of the %(table)s table valid on %(date)s.")
            % {"code": code, "table": str(table), "date": day.isoformat()},
        )
    return entry


def code_choices(table: Table | str, *, on: dt.date | None = None) -> list[tuple[str, str]]:
    """(code, "code name") pairs in the active language, for a select field."""
    return [(entry.code, f"{entry.code} {entry.name}") for entry in entries(table, on=on)]
