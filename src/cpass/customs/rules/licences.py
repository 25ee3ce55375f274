"""Licence and inspection requirements from the tariff line's supervision conditions (监管条件) and
inspection categories (检验检疫类别).

Each condition letter is a licence or certificate code (the reference table supervision_condition). Which
direction a code concerns, which are prohibitions, and which licences customs will not release goods
without, are listed below with their basis in docs/customs/validation-rules.md. The licence number of the
licences the form has a header field for (许可证号: import/export licences and dual-use licences) goes in
`licence_number`; every other licence or certificate is an accompanying document (随附单证) with its code.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from cpass.core.errors import Message
from cpass.customs.rules.context import Context
from cpass.customs.rules.engine import ERROR, WARNING, Hit, bilingual, joined, rule, say
from cpass.customs.rules.fields import blank
from cpass.reference.tables import Table

#: Condition codes that concern imports, and exports (some both).
IMPORT_CODES = frozenset("1279AFOPQRtvDIJLSTUWX")
EXPORT_CODES = frozenset("3489BEGxyDIJLSTUWX")
#: 禁止进口 / 禁止出口.
PROHIBITED = {"9": True, "8": False}
#: Licences that go in the header's licence number (许可证号) rather than the accompanying documents.
HEADER_LICENCES = frozenset("1234Gxy")
#: Licences without which customs does not release the goods (see the rule table for each basis):
#: import/export licences (1, 4, x, y), dual-use licences (2, 3, G), automatic import licences (7, O, v),
#: CITES permits (E, F), narcotic and psychotropic drug permits (W, I) and the solid-waste licence (P).
MANDATORY = frozenset("1234xyG7OvEFWIP")
#: Inspection and quarantine: the condition (A inbound, B outbound) and the categories of each direction.
INSPECTION_CONDITION = {True: "A", False: "B"}
IMPORT_CATEGORIES = frozenset("MPRLV")
EXPORT_CATEGORIES = frozenset("NQSW")


def _conditions(context: Context) -> dict[str, list[int]]:
    """Condition code → the numbers of the items whose line carries it (for the declaration's direction)."""
    codes = IMPORT_CODES if context.is_import else EXPORT_CODES
    found: dict[str, list[int]] = {}
    for item in context.items:
        line = context.line_for(item).line
        if line is None:
            continue
        for code in dict.fromkeys(line.supervision_conditions):
            if code in codes:
                found.setdefault(code, []).append(item.item_number)
    return found


def _name(context: Context, code: str) -> Message:
    entry = context.code(Table.SUPERVISION_CONDITION, code)
    return bilingual(entry.name_en, entry.name_zh) if entry is not None else code


def _items(numbers: list[int]) -> str:
    return ", ".join(str(number) for number in numbers)


def _present(context: Context, code: str) -> bool:
    if code in HEADER_LICENCES and not blank(context.declaration.licence_number):
        return True
    return code in context.document_codes


@rule("CUS-LIC-001", ERROR, _("Goods prohibited from import or export"), from_items=True)
def prohibited(context: Context) -> Iterator[Hit]:
    for code, numbers in _conditions(context).items():
        if code in PROHIBITED and PROHIBITED[code] == context.is_import:
            yield Hit(
                "items",
                say(
                    _("Items %(items)s: the tariff line carries condition %(code)s (%(name)s); these goods cannot "
                      "be declared."),
                    items=_items(numbers),
                    code=code,
                    name=_name(context, code),
                ),
            )  # fmt: skip


def _missing_licences(context: Context, *, mandatory: bool) -> Iterator[Hit]:
    for code, numbers in _conditions(context).items():
        if code in PROHIBITED or code in INSPECTION_CONDITION.values():
            continue
        if (code in MANDATORY) != mandatory or _present(context, code):
            continue
        field = "licence_number" if code in HEADER_LICENCES else "documents"
        if mandatory:
            message = say(
                _("Items %(items)s need %(name)s (licence code %(code)s): customs does not release the goods "
                  "without it. Enter its number as %(where)s."),
                items=_items(numbers),
                name=_name(context, code),
                code=code,
                where=_("the licence number") if field == "licence_number" else _("an accompanying document"),
            )  # fmt: skip
        else:
            message = say(
                _("Items %(items)s are subject to %(name)s (licence code %(code)s): add it to the accompanying "
                  "documents if these goods need it."),
                items=_items(numbers),
                name=_name(context, code),
                code=code,
            )  # fmt: skip
        yield Hit(field, message)


@rule("CUS-LIC-002", ERROR, _("Licences the law requires, present"), from_items=True)
def mandatory_licences(context: Context) -> Iterator[Hit]:
    yield from _missing_licences(context, mandatory=True)


@rule("CUS-LIC-003", WARNING, _("Other licences and certificates of the supervision conditions"), from_items=True)
def other_licences(context: Context) -> Iterator[Hit]:
    yield from _missing_licences(context, mandatory=False)


@rule("CUS-LIC-004", WARNING, _("Inspection and quarantine of the goods"))
def inspection(context: Context) -> Iterator[Hit]:
    condition = INSPECTION_CONDITION[context.is_import]
    categories = IMPORT_CATEGORIES if context.is_import else EXPORT_CATEGORIES
    for item in context.items:
        line = context.line_for(item).line
        if line is None:
            continue
        letters = [c for c in dict.fromkeys(line.inspection_categories) if c in categories]
        if condition not in line.supervision_conditions and not letters:
            continue
        parts: list[Message] = []
        if condition in line.supervision_conditions:
            parts.append(say("%(code)s %(name)s", code=condition, name=_name(context, condition)))
        for letter in letters:
            entry = context.code(Table.INSPECTION_CATEGORY, letter)
            name = bilingual(entry.name_en, entry.name_zh) if entry is not None else ""
            parts.append(say("%(code)s %(name)s", code=letter, name=name))
        yield Hit(
            f"items[{item.item_number}].hs_code",
            say(
                _("Item %(number)s: line %(code)s is subject to inspection and quarantine (%(categories)s): customs "
                  "may inspect the goods; give the inspection details and keep the certificates ready."),
                number=item.item_number,
                code=line.code,
                categories=joined("; ", parts),
            ),
            item.item_number,
        )  # fmt: skip
