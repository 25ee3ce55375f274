"""Exact money arithmetic: a local decimal context, half-up rounding to the fen, exact division.

Customs computes the dutiable value and every tax to the fen, rounding half up (四舍五入计算至分;
see docs/customs/duty-engine.md, "Rounding"). Products of the engine's inputs are exact in the
local context (inputs are bounded to 18 integer and 8 decimal digits); the only divisions
(composite price, export value, unit conversions, apportionment) go through `div_half_up`, which
rounds the exact rational quotient, so nothing is ever rounded twice.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from cpass.core.numbers import plain

CENT = Decimal("0.01")
#: Quantities converted between units are rounded half up to 5 decimals (our convention, see the docs).
QUANTITY = Decimal("0.00001")
#: Digits of the local context: far more than any product of the bounded inputs needs, so products are exact.
PRECISION = 80
MAX_INTEGER_DIGITS = 18
MAX_DECIMAL_PLACES = 8


@contextmanager
def money_context() -> Iterator[decimal.Context]:
    """A local context in which the engine's sums and products are exact (no float, no global state)."""
    with decimal.localcontext() as context:
        context.prec = PRECISION
        context.rounding = ROUND_HALF_UP
        context.traps[decimal.InvalidOperation] = True
        context.traps[decimal.Overflow] = True
        context.traps[decimal.DivisionByZero] = True
        yield context


def round_half_up(value: Decimal, quantum: Decimal = CENT) -> Decimal:
    """`value` to `quantum` (0.01 by default), halves away from zero (customs' 四舍五入)."""
    with money_context():
        return value.quantize(quantum, rounding=ROUND_HALF_UP)


def div_half_up(numerator: Decimal | Fraction, denominator: Decimal | Fraction, quantum: Decimal = CENT) -> Decimal:
    """numerator ÷ denominator rounded half up to `quantum`, from the exact rational quotient."""
    quotient = Fraction(numerator) / Fraction(denominator)
    steps = quotient / Fraction(quantum)
    sign = -1 if steps < 0 else 1
    whole = math.floor(abs(steps) + Fraction(1, 2))
    with money_context():
        return (Decimal(sign * whole) * quantum).quantize(quantum)


def fits(value: Decimal) -> bool:
    """Within the bounds that keep the engine's products exact (18 integer, 8 decimal digits)."""
    if not value.is_finite():
        return False
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    decimals = max(0, -exponent)
    integer_digits = max(0, len(digits) + exponent)
    return decimals <= MAX_DECIMAL_PLACES and integer_digits <= MAX_INTEGER_DIGITS


def money(value: Decimal) -> str:
    """A fen amount for traces: "12,345.67"."""
    return f"{value:,.2f}"


def number(value: Decimal) -> str:
    """Any decimal for traces, without exponent or trailing zeros: "0.003", "7.0851", "1000"."""
    return f"{plain(value):f}"
