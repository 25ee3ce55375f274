"""Rules against China's tariff on the declaration's date: the commodity code and CIQ sub-code, the legal
units, the declaration elements of the heading, and the origin claimed for an agreement rate.

Lines, templates and rates come from the context (one query each for all items). The elements are checked
with the products app's template reading (cpass.products.elements), the same that validates a product.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from cpass.customs.models import DeclarationItem
from cpass.customs.rules.context import CIQ_CODE, HS_CODE, Context
from cpass.customs.rules.engine import ERROR, WARNING, Hit, bilingual, item_field, item_hit, rule, say
from cpass.customs.rules.fields import blank, is_import, text
from cpass.products.elements import MAX_VALUE_LENGTH, SEPARATOR, Element, join_specification, template_elements
from cpass.tariff.selectors import AGREEMENT_KINDS, lower_agreement_rate, rate_text

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
EXPORT_PREFERENCE = "export_preference"
#: 出口享惠情况: imports declare 3 (不适用于进口报关单); exports 0, 1 or 2.
IMPORT_PREFERENCE = "3"
CERTIFICATE_OF_ORIGIN = "Y"


def _code_hits(context: Context, problem: str) -> Iterator[tuple[DeclarationItem, Any]]:
    for item in context.items:
        if blank(item.hs_code):
            continue
        match = context.line_for(item)
        if match.problem == problem:
            yield item, match


@rule("CUS-ITM-010", ERROR, _("Commodity code of 10 digits, CIQ code of 3"))
def code_format(context: Context) -> Iterator[Hit]:
    for item in context.items:
        code, ciq = text(item.hs_code), text(item.ciq_code)
        if code and not HS_CODE.fullmatch(code):
            yield item_hit(
                item.item_number,
                "hs_code",
                say(
                    _("Item %(number)s: “%(code)s” is not a commodity code; China's codes have 10 digits."),
                    number=item.item_number,
                    code=code,
                ),
            )
        if ciq and not CIQ_CODE.fullmatch(ciq):
            yield item_hit(
                item.item_number,
                "ciq_code",
                say(_("Item %(number)s: the CIQ code has 3 digits, not “%(ciq)s”."), number=item.item_number, ciq=ciq),
            )


@rule("CUS-ITM-011", ERROR, _("Commodity code in China's tariff"))
def code_known(context: Context) -> Iterator[Hit]:
    for item, _match in _code_hits(context, "unknown"):
        yield item_hit(
            item.item_number,
            "hs_code",
            say(
                _("Item %(number)s: China's tariff has no line %(code)s."),
                number=item.item_number,
                code=item.hs_code,
            ),
        )


@rule("CUS-ITM-012", ERROR, _("CIQ sub-code of the line"))
def ciq_subcode(context: Context) -> Iterator[Hit]:
    for item, match in _code_hits(context, "ciq_required"):
        yield item_hit(
            item.item_number,
            "ciq_code",
            say(
                _("Item %(number)s: line %(code)s has CIQ sub-codes %(subcodes)s; choose the one that describes the "
                  "goods."),
                number=item.item_number,
                code=item.hs_code,
                subcodes=match.detail,
            ),
        )  # fmt: skip
    for item, match in _code_hits(context, "ciq_unknown"):
        yield item_hit(
            item.item_number,
            "ciq_code",
            say(
                _("Item %(number)s: line %(code)s has no CIQ sub-code %(ciq)s (it has: %(subcodes)s)."),
                number=item.item_number,
                code=item.hs_code,
                ciq=item.ciq_code,
                subcodes=match.detail or _("none"),
            ),
        )


@rule("CUS-ITM-013", ERROR, _("Commodity code valid on the declaration date"))
def code_valid_on_date(context: Context) -> Iterator[Hit]:
    for item, match in _code_hits(context, "not_valid"):
        yield item_hit(
            item.item_number,
            "hs_code",
            say(
                _("Item %(number)s: line %(code)s is not valid on %(date)s; its versions are valid %(periods)s."),
                number=item.item_number,
                code=item.hs_code,
                date=context.on.isoformat(),
                periods=match.detail,
            ),
        )


# -- legal units ------------------------------------------------------------------------------


@rule("CUS-ITM-020", ERROR, _("First legal unit of the line"))
def first_legal_unit(context: Context) -> Iterator[Hit]:
    for item in context.items:
        line = context.line_for(item).line
        unit = text(item.legal_unit_1)
        if line is None or not line.unit_1 or not unit or unit == line.unit_1:
            continue
        yield item_hit(
            item.item_number,
            "legal_unit_1",
            say(
                _("Item %(number)s: the first legal unit of line %(code)s is %(expected)s, not %(unit)s."),
                number=item.item_number,
                code=line.code,
                expected=line.unit_1,
                unit=unit,
            ),
        )


@rule("CUS-ITM-021", ERROR, _("Second legal quantity where the line has a second unit"))
def second_legal_quantity(context: Context) -> Iterator[Hit]:
    for item in context.items:
        line = context.line_for(item).line
        if line is None or not line.unit_2:
            continue
        for name in ("legal_quantity_2", "legal_unit_2"):
            if blank(getattr(item, name)):
                yield item_hit(
                    item.item_number,
                    name,
                    say(
                        _("Item %(number)s: line %(code)s has a second legal unit (%(unit)s): enter the second legal "
                          "quantity in it."),
                        number=item.item_number,
                        code=line.code,
                        unit=line.unit_2,
                    ),
                )  # fmt: skip


@rule("CUS-ITM-022", ERROR, _("Second legal unit of the line"))
def second_legal_unit(context: Context) -> Iterator[Hit]:
    for item in context.items:
        line = context.line_for(item).line
        if line is None:
            continue
        unit = text(item.legal_unit_2)
        if line.unit_2 and unit and unit != line.unit_2:
            yield item_hit(
                item.item_number,
                "legal_unit_2",
                say(
                    _("Item %(number)s: the second legal unit of line %(code)s is %(expected)s, not %(unit)s."),
                    number=item.item_number,
                    code=line.code,
                    expected=line.unit_2,
                    unit=unit,
                ),
            )
        elif not line.unit_2 and (unit or item.legal_quantity_2 is not None):
            yield item_hit(
                item.item_number,
                "legal_unit_2" if unit else "legal_quantity_2",
                say(
                    _("Item %(number)s: line %(code)s has no second legal unit; leave the second legal quantity "
                      "empty."),
                    number=item.item_number,
                    code=line.code,
                ),
            )  # fmt: skip


# -- declaration elements ------------------------------------------------------------------------


class _Template:
    """A template's elements and their names in both languages, read once per run."""

    def __init__(self, raw_template: list[Mapping[str, Any]]) -> None:
        self.elements: list[Element] = template_elements(raw_template)
        self.names = {
            str(entry.get("key", "")).strip(): bilingual(str(entry.get("name_en", "")), str(entry.get("name_zh", "")))
            for entry in raw_template
            if isinstance(entry, Mapping)
        }


class _Elements:
    """One item's element values read against its template: values by key and what is wrong with them."""

    def __init__(self, item: DeclarationItem, template: _Template) -> None:
        self.item = item
        self.elements = template.elements
        self.names = template.names
        self.values: dict[str, str] = {}
        self.missing: list[Element] = []
        #: (field, message) of values that cannot stand.
        self.invalid: list[tuple[str, Any]] = []
        #: The specification does not split into the template's parts: (parts, expected).
        self.split_mismatch: tuple[int, int] | None = None
        self.from_specification = False
        self._read()

    def _name(self, key: str) -> Any:
        return self.names.get(key) or key

    def _read(self) -> None:
        item, number = self.item, self.item.item_number
        raw = item.elements
        keys = [element.key for element in self.elements]
        if not isinstance(raw, dict):
            self.invalid.append(
                ("elements", say(_("Item %(number)s: the declaration elements are not a list of names and values."),
                                 number=number))
            )  # fmt: skip
            return
        if not raw and not blank(item.specification):
            parts = [part.strip() for part in item.specification.split(SEPARATOR)]
            self.from_specification = True
            if len(parts) != len(keys):
                self.split_mismatch = (len(parts), len(keys))
                return
            raw = {key: part for key, part in zip(keys, parts, strict=True) if part}
        for given, value in raw.items():
            key = str(given)
            if key not in keys and key.isdigit() and 1 <= int(key) <= len(keys):
                key = keys[int(key) - 1]  # elements keyed by their position in the template
            if key not in keys:
                self.invalid.append(
                    (f"elements.{str(given)[:40]}",
                     say(_("Item %(number)s: “%(key)s” is not a declaration element of this code's template."),
                         number=number, key=str(given)[:40]))
                )  # fmt: skip
                continue
            if value is None:
                continue
            if isinstance(value, (dict, list)):
                self.invalid.append(
                    (f"elements.{key}",
                     say(_("Item %(number)s: “%(name)s” must be a single text value."),
                         number=number, name=self._name(key)))
                )  # fmt: skip
                continue
            cleaned = str(value).strip()
            if cleaned:
                self.values[key] = cleaned
        for element in self.elements:
            value = self.values.get(element.key, "")
            field = f"elements.{element.key}"
            name = self._name(element.key)
            if not value:
                if element.required:
                    self.missing.append(element)
                continue
            message: Any = None
            if _CONTROL.search(value):
                message = say(_("Item %(number)s: “%(name)s” may not contain line breaks or control characters."),
                              number=number, name=name)  # fmt: skip
            elif SEPARATOR in value:
                message = say(
                    _("Item %(number)s: “%(name)s” may not contain “|”: customs uses it to separate the elements."),
                    number=number,
                    name=name,
                )
            elif len(value) > MAX_VALUE_LENGTH:
                message = say(_("Item %(number)s: “%(name)s” can have at most %(max)s characters."),
                              number=number, name=name, max=MAX_VALUE_LENGTH)  # fmt: skip
            elif element.choices and value not in {choice.value for choice in element.choices}:
                message = say(
                    _("Item %(number)s: “%(value)s” is not a choice of “%(name)s”: use one of %(choices)s."),
                    number=number,
                    value=value[:40],
                    name=name,
                    choices=", ".join(choice.value for choice in element.choices),
                )
            if message is not None:
                self.invalid.append((field, message))

    @property
    def specification(self) -> str:
        return join_specification(self.elements, self.values)


def _element_reads(context: Context) -> Iterator[_Elements]:
    """Each item's elements read against its template, read once per run and shared by the element rules."""
    for item in context.items:
        if context.line_for(item).line is None:
            continue
        template = context.element_templates.get(item.hs_code)
        if template is None or not isinstance(template.elements, list):
            continue
        key = item.pk or id(item)
        if key not in context.element_reads:
            if template.pk not in context.template_reads:
                context.template_reads[template.pk] = _Template(template.elements)
            context.element_reads[key] = _Elements(item, context.template_reads[template.pk])
        yield context.element_reads[key]


@rule("CUS-ELM-001", ERROR, _("Required declaration elements of the heading"))
def required_elements(context: Context) -> Iterator[Hit]:
    for read in _element_reads(context):
        if read.split_mismatch is not None:
            continue  # CUS-ELM-003 says the specification does not split
        for element in read.missing:
            yield item_hit(
                read.item.item_number,
                f"elements.{element.key}",
                say(
                    _("Item %(number)s: enter the declaration element “%(name)s”; the template of %(code)s requires "
                      "it."),
                    number=read.item.item_number,
                    name=read._name(element.key),
                    code=read.item.hs_code,
                ),
            )  # fmt: skip


@rule("CUS-ELM-002", ERROR, _("Declaration element values the template allows"))
def valid_elements(context: Context) -> Iterator[Hit]:
    for read in _element_reads(context):
        for field, message in read.invalid:
            yield Hit(item_field(read.item.item_number, field), message, read.item.item_number)


@rule("CUS-ELM-003", ERROR, _("Specification = the elements joined with “|”"))
def specification_matches(context: Context) -> Iterator[Hit]:
    for read in _element_reads(context):
        number = read.item.item_number
        if read.split_mismatch is not None:
            parts, expected = read.split_mismatch
            yield item_hit(
                number,
                "specification",
                say(
                    _("Item %(number)s: the specification has %(parts)s parts separated by “|” but the template of "
                      "%(code)s has %(expected)s elements."),
                    number=number,
                    parts=parts,
                    code=read.item.hs_code,
                    expected=expected,
                ),
            )  # fmt: skip
            continue
        if read.from_specification or read.invalid or blank(read.item.specification):
            continue
        expected_text = read.specification
        if read.item.specification.strip() != expected_text:
            yield item_hit(
                number,
                "specification",
                say(
                    _("Item %(number)s: the specification does not match the declaration elements; it should read "
                      "“%(expected)s”."),
                    number=number,
                    expected=expected_text,
                ),
            )  # fmt: skip


@rule("CUS-ELM-004", ERROR, _("Export preference element by direction"))
def export_preference(context: Context) -> Iterator[Hit]:
    for read in _element_reads(context):
        value = read.values.get(EXPORT_PREFERENCE)
        if value is None or read.invalid:
            continue
        number = read.item.item_number
        if context.is_import and value != IMPORT_PREFERENCE:
            yield item_hit(
                number,
                f"elements.{EXPORT_PREFERENCE}",
                say(
                    _("Item %(number)s: an import declares “%(name)s” as 3 (not applicable to imports), not "
                      "%(value)s."),
                    number=number,
                    name=read._name(EXPORT_PREFERENCE),
                    value=value,
                ),
            )  # fmt: skip
        elif not context.is_import and value == IMPORT_PREFERENCE:
            yield item_hit(
                number,
                f"elements.{EXPORT_PREFERENCE}",
                say(
                    _("Item %(number)s: “%(name)s” 3 is for imports; an export declares 0, 1 or 2."),
                    number=number,
                    name=read._name(EXPORT_PREFERENCE),
                ),
            )


@rule("CUS-ELM-005", WARNING, _("Element template loaded for the code"))
def template_known(context: Context) -> Iterator[Hit]:
    for item in context.items:
        if context.line_for(item).line is None or context.element_templates.get(item.hs_code) is not None:
            continue
        yield item_hit(
            item.item_number,
            "specification",
            say(
                _("Item %(number)s: no declaration element template is loaded for %(code)s, so the specification "
                  "could not be checked."),
                number=item.item_number,
                code=item.hs_code,
            ),
        )  # fmt: skip


# -- origin and agreement rates ----------------------------------------------------------------------


@rule("CUS-ORG-001", ERROR, _("Origin country with a certificate of origin"))
def origin_with_certificate(context: Context) -> Iterator[Hit]:
    for item in context.items:
        if not blank(item.origin_certificate) and blank(item.origin_country):
            yield item_hit(
                item.item_number,
                "origin_country",
                say(
                    _("Item %(number)s: a certificate of origin is given, so enter the country of origin it "
                      "certifies."),
                    number=item.item_number,
                ),
            )  # fmt: skip


@rule("CUS-ORG-002", WARNING, _("Agreement rate open to the certified origin"), applies=is_import)
def certificate_brings_a_rate(context: Context) -> Iterator[Hit]:
    for item in context.items:
        origin = text(item.origin_country)
        line = context.line_for(item).line
        if blank(item.origin_certificate) or not origin or line is None:
            continue
        rates = context.line_rates.get(line.pk, [])
        if any(rate.kind in AGREEMENT_KINDS and origin in rate.origin_countries.split() for rate in rates):
            continue
        yield item_hit(
            item.item_number,
            "origin_certificate",
            say(
                _("Item %(number)s: line %(code)s has no conventional or preferential rate for origin %(origin)s on "
                  "%(date)s, so the certificate of origin lowers nothing."),
                number=item.item_number,
                code=line.code,
                origin=origin,
                date=context.on.isoformat(),
            ),
        )  # fmt: skip


@rule("CUS-ORG-004", WARNING, _("Lower agreement rate open without a certificate of origin"), applies=is_import)
def agreement_rate_unclaimed(context: Context) -> Iterator[Hit]:
    for item in context.items:
        origin = text(item.origin_country)
        line = context.line_for(item).line
        if not blank(item.origin_certificate) or not origin or line is None:
            continue
        lower = lower_agreement_rate(context.line_rates.get(line.pk, []), origin)
        if lower is None:
            continue
        yield item_hit(
            item.item_number,
            "origin_certificate",
            say(
                _("Item %(number)s: origin %(origin)s may pay %(rate)s under %(agreement)s on line %(code)s with a "
                  "certificate of origin (or an origin declaration); without one the MFN rate is charged."),
                number=item.item_number,
                origin=origin,
                rate=rate_text(lower),
                agreement=lower.agreement or "?",
                code=line.code,
            ),
        )  # fmt: skip


@rule("CUS-ORG-003", WARNING, _("Certificate of origin among the accompanying documents"), from_items=True)
def certificate_document(context: Context) -> Iterator[Hit]:
    claimed = [item.item_number for item in context.items if not blank(item.origin_certificate)]
    if claimed and CERTIFICATE_OF_ORIGIN not in context.document_codes:
        yield Hit(
            "documents",
            say(
                _("Items %(items)s claim a certificate of origin: add it to the accompanying documents (code Y)."),
                items=", ".join(str(number) for number in claimed),
            ),
        )
