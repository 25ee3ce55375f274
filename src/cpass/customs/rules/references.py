"""Codes valid in their reference tables on the date, ports, the customs exchange rate of every currency,
accompanying documents, and the identifiers of the means of transport (IMO number, container numbers).

Most code tables ship complete, and an unknown code is an error. Three ship in part (docs/reference): the
customs offices (all 42 districts, subordinate offices only for Shanghai, Shenzhen and Guangzhou), the
domestic ports (a few) and the domestic areas (none). An office of a known district, a port or an area
missing from a partly loaded table is a warning to check it; an empty table checks nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _
from stdnum import imo, iso6346
from stdnum.exceptions import ValidationError as StdnumError

from cpass.core.errors import Message
from cpass.customs.rules.charges import charge_fields
from cpass.customs.rules.context import JURISDICTION, Context
from cpass.customs.rules.engine import ERROR, WARNING, Hit, item_hit, rule, say
from cpass.customs.rules.fields import header_label, item_label, text
from cpass.reference.tables import Table

HEADER_CODES: tuple[tuple[str, Table], ...] = (
    ("declaring_customs", Table.CUSTOMS_OFFICE),
    ("entry_exit_customs", Table.CUSTOMS_OFFICE),
    ("trade_mode", Table.TRADE_MODE),
    ("levy_nature", Table.LEVY_NATURE),
    ("transport_mode", Table.TRANSPORT_MODE),
    ("package_type", Table.PACKAGE_TYPE),
    ("transaction_terms", Table.TRANSACTION_TERMS),
    ("departure_country", Table.COUNTRY),
    ("trade_country", Table.COUNTRY),
    ("freight_currency", Table.CURRENCY),
    ("insurance_currency", Table.CURRENCY),
    ("other_currency", Table.CURRENCY),
    ("entry_exit_port", Table.DOMESTIC_PORT),
)
ITEM_CODES: tuple[tuple[str, Table], ...] = (
    ("trade_unit", Table.UNIT),
    ("legal_unit_1", Table.UNIT),
    ("legal_unit_2", Table.UNIT),
    ("currency", Table.CURRENCY),
    ("origin_country", Table.COUNTRY),
    ("destination_country", Table.COUNTRY),
    ("duty_mode", Table.DUTY_MODE),
    ("domestic_area", Table.DOMESTIC_AREA),
)
PARTIAL_TABLES = frozenset({Table.DOMESTIC_PORT, Table.DOMESTIC_AREA})
_LOCODE = re.compile(r"[A-Z]{2}[A-Z2-9]{3}")
HOME_CURRENCY = "CNY"


def _verdict(context: Context, table: Table, code: str) -> str:
    """ "" when the code is valid on the date, "error" when it is not, "warning" when the table is partial."""
    if context.code(table, code) is not None:
        return ""
    if table == Table.CUSTOMS_OFFICE:
        district = code[:2] + "00"
        known = len(code) == 4 and code.isdigit() and context.code(table, district) is not None
        return "warning" if known else "error"
    if table in PARTIAL_TABLES:
        return "warning" if context.table_loaded(table) else ""
    return "error"


def _unknown(context: Context, severity: str) -> Iterator[tuple[str, Message, int | None]]:
    """(field, message, item number) of every coded field whose verdict is `severity`."""
    date = context.on.isoformat()
    for name, table in HEADER_CODES:
        code = text(getattr(context.declaration, name))
        if code and _verdict(context, table, code) == severity:
            yield name, _message(severity, header_label(name), code, date), None
    for item in context.items:
        for name, table in ITEM_CODES:
            code = text(getattr(item, name))
            if code and _verdict(context, table, code) == severity:
                message = say(
                    _("Item %(number)s: %(problem)s"),
                    number=item.item_number,
                    problem=_message(severity, item_label(name), code, date),
                )
                yield f"items[{item.item_number}].{name}", message, item.item_number


def _message(severity: str, label: Message, code: str, date: str) -> Message:
    if severity == "error":
        return say(_("“%(code)s” is not a valid %(field)s code on %(date)s."), code=code, field=label, date=date)
    return say(
        _("“%(code)s” is not in the %(field)s codes loaded here; check it, or have the full code table loaded."),
        code=code,
        field=label,
    )


@rule("CUS-REF-001", ERROR, _("Codes valid in their reference tables on the date"))
def codes_valid(context: Context) -> Iterator[Hit]:
    for field, message, number in _unknown(context, "error"):
        yield Hit(field, message, number)


@rule("CUS-REF-002", WARNING, _("Codes of partly loaded tables (offices, domestic ports and areas)"))
def codes_partly_known(context: Context) -> Iterator[Hit]:
    for field, message, number in _unknown(context, "warning"):
        yield Hit(field, message, number)


@rule("CUS-REF-003", ERROR, _("Ports of departure and call as known UN/LOCODEs"))
def ports_known(context: Context) -> Iterator[Hit]:
    for name in ("departure_port", "stop_port"):
        code = text(getattr(context.declaration, name))
        if not code:
            continue
        if not _LOCODE.fullmatch(code):
            yield Hit(
                name,
                say(
                    _("“%(code)s” is not a UN/LOCODE: 5 characters, the country and 3 letters, e.g. DEHAM."),
                    code=code,
                ),
            )
        elif context.places_loaded and code not in context.known_locations:
            yield Hit(name, say(_("There is no location with the UN/LOCODE “%(code)s”."), code=code))


@rule("CUS-FX-001", ERROR, _("A customs exchange rate for every currency on the date"))
def exchange_rates(context: Context) -> Iterator[Hit]:
    def missing(currency: str) -> bool:
        if currency == HOME_CURRENCY or context.code(Table.CURRENCY, currency) is None:
            return False  # the home currency needs none; an unknown code is CUS-REF-001
        return context.rate(currency).finding is None

    def message(currency: str) -> Message:
        return say(
            _("No customs exchange rate for %(currency)s on %(date)s (%(jurisdiction)s customs' rule): load the "
              "rates for that day first."),
            currency=currency,
            date=context.on.isoformat(),
            jurisdiction=JURISDICTION,
        )  # fmt: skip

    for item in context.items:
        currency = text(item.currency)
        if currency and missing(currency):
            yield item_hit(
                item.item_number,
                "currency",
                say(_("Item %(number)s: %(problem)s"), number=item.item_number, problem=message(currency)),
            )
    for name in charge_fields(context):
        currency = text(getattr(context.declaration, f"{name}_currency"))
        if missing(currency):
            yield Hit(f"{name}_currency", message(currency))


@rule("CUS-DOC-001", ERROR, _("Accompanying documents: a known code and a number"))
def documents_valid(context: Context) -> Iterator[Hit]:
    for document in context.documents:
        code = document.code.strip()
        if context.code(Table.SUPERVISION_CONDITION, code) is None:
            yield Hit(
                "documents",
                say(
                    _("Accompanying document “%(code)s %(number)s”: “%(code)s” is not a licence or certificate code "
                      "valid on %(date)s."),
                    code=code,
                    number=document.number,
                    date=context.on.isoformat(),
                ),
            )  # fmt: skip
        if not document.number.strip():
            yield Hit(
                "documents",
                say(_("Accompanying document “%(code)s”: enter its number."), code=code),
            )


@rule("CUS-TRN-001", ERROR, _("IMO number with a valid check digit"))
def imo_number(context: Context) -> Iterator[Hit]:
    number = text(context.declaration.imo_number)
    if not number:
        return
    try:
        imo.validate(number)
    except StdnumError:
        yield Hit(
            "imo_number",
            say(_("“%(number)s” is not a valid IMO number (7 digits, the last a check digit)."), number=number),
        )


@rule("CUS-TRN-002", ERROR, _("Container numbers with a valid ISO 6346 check digit"))
def container_numbers(context: Context) -> Iterator[Hit]:
    for container in context.containers:
        number = container.number
        try:
            iso6346.validate(number)
        except StdnumError:
            yield Hit(
                "containers",
                say(
                    _("“%(number)s” is not a valid container number: 4 letters ending in U, J or Z, 6 digits and a "
                      "check digit (ISO 6346)."),
                    number=number,
                ),
            )  # fmt: skip


@rule("CUS-TRN-003", ERROR, _("Containers of the declaration's shipment"))
def containers_of_shipment(context: Context) -> Iterator[Hit]:
    for container in context.containers:
        if container.shipment_id != context.declaration.shipment_id:
            yield Hit(
                "containers",
                say(
                    _("Container %(number)s belongs to another shipment, not to this declaration's."),
                    number=container.number,
                ),
            )
