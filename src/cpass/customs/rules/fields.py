"""Small helpers the rule modules share: field labels, emptiness, number formatting, direction tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cpass.core.errors import Message
from cpass.customs.models import Declaration, DeclarationItem
from cpass.customs.rules.context import Context


def header_label(name: str) -> Message:
    return Declaration._meta.get_field(name).verbose_name  # type: ignore[return-value,union-attr]


def item_label(name: str) -> Message:
    return DeclarationItem._meta.get_field(name).verbose_name  # type: ignore[return-value,union-attr]


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def header_value(context: Context, name: str) -> Any:
    """A header field's value; for a party field, its id (the party row need not be read)."""
    if name in ("domestic_trader", "overseas_trader", "consumer_producer", "declarant"):
        return getattr(context.declaration, f"{name}_id")
    return getattr(context.declaration, name)


def plain(number: Decimal) -> str:
    """A Decimal as people write it: no exponent, no trailing zeros after the point."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def is_import(context: Context) -> bool:
    return context.is_import


def is_export(context: Context) -> bool:
    return not context.is_import


def text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
