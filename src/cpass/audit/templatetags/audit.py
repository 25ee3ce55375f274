"""Template helpers for showing change-log rows."""

from __future__ import annotations

from typing import Any

from django import template
from django.templatetags.tz import do_timezone

from cpass.audit.models import ObjectChange
from cpass.audit.selectors import FieldChange, changes_with_fields, user_timezone

register = template.Library()


@register.filter
def with_changed_fields(changes: Any, user: Any) -> list[tuple[ObjectChange, list[FieldChange]]]:
    """`{% for change, fields in changes|with_changed_fields:request.user %}`: each change with its per-field
    before → after, in the user's time zone, foreign keys by name."""
    return changes_with_fields(changes, tz=user_timezone(user))


@register.filter
def in_user_tz(value: Any, user: Any) -> Any:
    """A datetime shown in the user's own time zone, whatever time zone the page runs in."""
    return do_timezone(value, user_timezone(user)) if value else value
