"""`{% load numbers %}`: `value|plain` (12.5000 → 12.5, 300.0000 → 300) and `value|money` (850.0000 → 850.00)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from cpass.core import numbers

register = template.Library()


@register.filter
def plain(value: Any) -> Any:
    return numbers.plain(value) if isinstance(value, Decimal) else value


@register.filter
def money(value: Any) -> Any:
    return numbers.money(value) if isinstance(value, Decimal) else value
