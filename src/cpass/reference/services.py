"""Changes to the code tables by platform staff: add a version of a code, correct a version.

The rules shared with the `codes` importer live here too (`entry_errors`, `overlaps`): a code must
match its table's pattern, both names are required, a version's dates run from `valid_from` to
`valid_to` inclusive, and versions of one code never overlap. A new version never silently closes an
older one: the caller says so (`close_previous` here, an explicit `valid_to` in a file).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cpass.core.actor import Actor
from cpass.core.errors import NotFound, ValidationFailed
from cpass.core.platform import require_platform_staff
from cpass.reference.models import CodeEntry, CodeTable
from cpass.reference.selectors import codes_changed

NAME_MAX_LENGTH = 255
CODE_MAX_LENGTH = 32


def entry_errors(
    *,
    table: CodeTable,
    code: str,
    name_en: str,
    name_zh: str,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    attributes: Any,
) -> dict[str, list[str]]:
    """Field name -> messages for one version of a code; empty when it is acceptable on its own."""
    errors: dict[str, list[str]] = {}
    if not code:
        errors["code"] = [_("The code is required.")]
    elif len(code) > CODE_MAX_LENGTH:
        errors["code"] = [_("A code has at most %(count)d characters.") % {"count": CODE_MAX_LENGTH}]
    elif table.code_pattern and not re.fullmatch(table.code_pattern, code):
        errors["code"] = [
            _("“%(code)s” does not have the form of a %(table)s code (%(pattern)s).")
            % {"code": code, "table": table.key, "pattern": table.code_pattern}
        ]
    for field, value, label in (("name_en", name_en, _("English")), ("name_zh", name_zh, _("Chinese"))):
        if not value:
            errors[field] = [_("The %(language)s name is required.") % {"language": label}]
        elif len(value) > NAME_MAX_LENGTH:
            errors[field] = [_("A name has at most %(count)d characters.") % {"count": NAME_MAX_LENGTH}]
    if valid_from and valid_to and valid_to < valid_from:
        errors["valid_to"] = [_("“Valid to” is before “valid from”.")]
    if not isinstance(attributes, dict):
        errors["attributes"] = [_('Attributes must be a JSON object, e.g. {"rec20": "KGM"}.')]
    return errors


def parse_attributes(text: str) -> dict[str, Any]:
    """A JSON object from text ('' is {}), or ValidationFailed on `attributes`."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ValidationFailed.on(
            "attributes", _("Attributes are not valid JSON: %(error)s") % {"error": exc}
        ) from None
    if not isinstance(value, dict):
        raise ValidationFailed.on("attributes", _('Attributes must be a JSON object, e.g. {"rec20": "KGM"}.'))
    return value


def _start(day: dt.date | None) -> dt.date:
    return day or dt.date.min


def overlaps(versions: Iterable[CodeEntry]) -> list[tuple[CodeEntry, CodeEntry]]:
    """Pairs of consecutive versions of one code whose periods overlap."""
    ordered = sorted(versions, key=lambda entry: _start(entry.valid_from))
    return [
        (before, after)
        for before, after in zip(ordered, ordered[1:], strict=False)
        if before.valid_to is None or before.valid_to >= _start(after.valid_from)
    ]


def period_text(entry: CodeEntry) -> str:
    start = entry.valid_from.isoformat() if entry.valid_from else _("the beginning")
    end = entry.valid_to.isoformat() if entry.valid_to else _("open end")
    return f"{start} – {end}"


def _check_no_overlap(versions: list[CodeEntry], changed: CodeEntry) -> None:
    for before, after in overlaps(versions):
        if changed in (before, after):
            other = after if changed is before else before
            raise ValidationFailed.on(
                "valid_from",
                _("This period overlaps the version valid %(period)s. Close that version first (set its “valid to”).")
                % {"period": period_text(other)},
            )


def _table(key: str) -> CodeTable:
    table = CodeTable.objects.filter(key=key).first()
    if table is None:
        raise NotFound(_("There is no code table “%(key)s”.") % {"key": key})
    return table


@transaction.atomic
def code_entry_create(
    *,
    actor: Actor,
    table_key: str,
    code: str,
    name_en: str,
    name_zh: str,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    attributes: Mapping[str, Any] | None = None,
    close_previous: bool = False,
) -> CodeEntry:
    """Add a version of a code (a new code, or a code whose meaning changes on `valid_from`).

    With `close_previous`, the open-ended version that started earlier ends the day before `valid_from`.
    """
    table = _table(table_key)
    require_platform_staff(actor)
    code, name_en, name_zh = code.strip(), name_en.strip(), name_zh.strip()
    attrs = dict(attributes) if attributes is not None else {}
    errors = entry_errors(
        table=table,
        code=code,
        name_en=name_en,
        name_zh=name_zh,
        valid_from=valid_from,
        valid_to=valid_to,
        attributes=attrs,
    )
    if errors:
        raise ValidationFailed(_("The entry is not valid."), errors=errors)
    versions = list(CodeEntry.objects.select_for_update().filter(table=table, code=code))
    if close_previous:
        if valid_from is None:
            raise ValidationFailed.on("valid_from", _("Give “valid from” to close the previous version."))
        previous = [v for v in versions if v.valid_to is None and _start(v.valid_from) < valid_from]
        if not previous:
            raise ValidationFailed.on("close_previous", _("There is no open version before this date to close."))
        previous[0].valid_to = valid_from - dt.timedelta(days=1)
        previous[0].save(update_fields=["valid_to", "updated_at"])
    entry = CodeEntry(
        table=table,
        code=code,
        name_en=name_en,
        name_zh=name_zh,
        attributes=attrs,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    _check_no_overlap([*versions, entry], entry)
    entry.save()
    codes_changed()
    return entry


_UPDATABLE = ("name_en", "name_zh", "valid_from", "valid_to", "attributes")


@transaction.atomic
def code_entry_update(*, actor: Actor, entry_id: int, **changes: Any) -> CodeEntry:
    """Correct one version: its names, attributes or validity (which must not overlap the others)."""
    entry = CodeEntry.objects.select_related("table").filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("No such code table entry."))
    require_platform_staff(actor)
    unknown = set(changes) - set(_UPDATABLE)
    if unknown:
        raise ValidationFailed.on(sorted(unknown)[0], _("This field cannot be changed."))
    versions = list(
        CodeEntry.objects.select_for_update().filter(table_id=entry.table_id, code=entry.code).exclude(pk=entry.pk)
    )
    for field, value in changes.items():
        if field in ("name_en", "name_zh") and isinstance(value, str):
            value = value.strip()
        if field in ("name_en", "name_zh") and value is None:
            raise ValidationFailed.on(field, _("This field is required."))
        setattr(entry, field, value)
    errors = entry_errors(
        table=entry.table,
        code=entry.code,
        name_en=entry.name_en,
        name_zh=entry.name_zh,
        valid_from=entry.valid_from,
        valid_to=entry.valid_to,
        attributes=entry.attributes,
    )
    if errors:
        raise ValidationFailed(_("The entry is not valid."), errors=errors)
    _check_no_overlap([*versions, entry], entry)
    entry.save()
    codes_changed()
    return entry
