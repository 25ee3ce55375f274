"""`{% load reference %}`: `{{ code|code_name:"country" }}` shows a code's name in the active language."""

from __future__ import annotations

from django import template

from cpass.reference.selectors import code_entry

register = template.Library()


@register.filter
def code_name(code: object, table: str) -> str:
    """The name of `code` in `table` valid today; the code itself when the table has no such code."""
    if code is None or code == "":
        return ""
    entry = code_entry(table, str(code))
    return entry.name if entry is not None else str(code)
