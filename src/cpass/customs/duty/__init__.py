"""The explainable duty and tax engine: pure functions over plain dataclasses, no ORM.

- `calculate_declaration(DeclarationInput) -> DeclarationResult`: the exact Decimal reference path,
  with a trace for every figure (cpass.customs.duty.reference).
- `calculate_batch(BatchItems) -> BatchResult`: many items at once in scaled int64 arithmetic, identical
  to the reference path, falling back to it for items it cannot represent (cpass.customs.duty.batch).

See docs/customs/duty-engine.md for the formulas, the rounding and the legal basis.
"""

from cpass.customs.duty.declaration import calculate_declaration
from cpass.customs.duty.model import (
    Bilingual,
    Charge,
    ChargeMode,
    Combination,
    DeclarationInput,
    DeclarationResult,
    Direction,
    Figure,
    FxRate,
    ItemInput,
    ItemResult,
    Rate,
    TaxTotal,
    Value,
    to_json,
)
from cpass.customs.duty.reference import calculate_item, resolve_terms

__all__ = [
    "Bilingual",
    "Charge",
    "ChargeMode",
    "Combination",
    "DeclarationInput",
    "DeclarationResult",
    "Direction",
    "Figure",
    "FxRate",
    "ItemInput",
    "ItemResult",
    "Rate",
    "TaxTotal",
    "Value",
    "calculate_declaration",
    "calculate_item",
    "resolve_terms",
    "to_json",
]
