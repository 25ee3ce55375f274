"""The declaration validation engine (报关单校验): declarative rules with stable codes, run over one declaration.

    report = validate_declaration(declaration)            # on its declaration date (or import date, or today)
    report.has_errors, report.errors, report.for_field("items[3].hs_code"), report.to_json("zh-hans")
    validate_item(declaration, item)                       # one item as edited, before it is saved

A rule never writes. Everything it reads is fetched once per run (cpass.customs.rules.context); the
rules live in the modules below, grouped as the docs list them (docs/customs/validation-rules.md).
"""

from __future__ import annotations

import datetime as dt

from cpass.customs.models import Declaration, DeclarationItem

# The rule modules register their rules on import, in this order (the order findings of one item keep).
from cpass.customs.rules import charges, dates, header, items, licences, parties, references, tariff  # noqa: F401
from cpass.customs.rules.context import Context
from cpass.customs.rules.engine import ERROR, RULES, WARNING, Finding, Rule, ValidationReport, run_rules

__all__ = ["ERROR", "RULES", "WARNING", "Finding", "Rule", "ValidationReport", "validate_declaration", "validate_item"]


def validate_declaration(declaration: Declaration, *, on: dt.date | None = None) -> ValidationReport:
    """Every finding of the rules for `declaration` on `on` (default: its declaration date, else its
    import/export date, else today). Reads the declaration's items, documents, containers and parties as
    stored (or as prefetched by the caller) and never writes."""
    return run_rules(Context(declaration, on=on))


def validate_item(declaration: Declaration, item: DeclarationItem, *, on: dt.date | None = None) -> ValidationReport:
    """The findings of one item of `declaration` (stored, or as edited and not saved): the rules run as if it were
    the declaration's only item, keeping what they say of the item and what it asks of the declaration (licences
    and certificates, `Rule.from_items`). The header's own findings and those of the list of items are left out."""
    report = run_rules(Context(declaration, on=on, items=[item]))

    def concerns_item(finding: Finding) -> bool:
        if finding.item_number is None:
            return RULES[finding.code].from_items
        return finding.item_number == item.item_number

    return ValidationReport([finding for finding in report.findings if concerns_item(finding)])
