"""Decimals as people read them."""

from __future__ import annotations

from decimal import Decimal

_CENT = Decimal("0.01")


def plain(value: Decimal) -> Decimal:
    """`value` without trailing zeros and never in exponent notation: 12.5000 is 12.5, and 300.0000 is 300,
    where `Decimal.normalize()` alone gives 3E+2."""
    normalized = value.normalize()
    exponent = normalized.as_tuple().exponent
    return value.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else normalized


def money(value: Decimal) -> Decimal:
    """An amount with at least two decimals and no trailing zeros beyond them: 850.0000 is 850.00, 12.3456
    stays 12.3456."""
    shown = plain(value)
    exponent = shown.as_tuple().exponent
    return shown.quantize(_CENT) if isinstance(exponent, int) and exponent > -2 else shown
