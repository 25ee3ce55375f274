"""Header rules: required fields by direction, transport mode and trade mode; trade mode and levy nature
pairing; weights and packages.

Required fields follow GACC's filling rules for the declaration form (《中华人民共和国海关进出口货物报关单
填制规范》, GACC Announcement 2019 No. 18); docs/customs/validation-rules.md lists each rule with its basis.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from cpass.customs.rules.context import Context
from cpass.customs.rules.engine import ERROR, WARNING, Hit, rule, say
from cpass.customs.rules.fields import blank, header_label, header_value, is_import, plain, text

#: Fields every declaration needs, import or export.
REQUIRED_ALWAYS = (
    "declaring_customs",
    "entry_exit_customs",
    "domestic_trader",
    "overseas_trader",
    "consumer_producer",
    "declarant",
    "transport_mode",
    "trade_mode",
    "levy_nature",
    "departure_country",
    "trade_country",
    "departure_port",
    "entry_exit_port",
    "package_type",
    "package_count",
    "gross_weight_kg",
    "net_weight_kg",
    "transaction_terms",
)
#: Import only: the import date (进口日期) and where the goods are kept (货物存放地点). The export date and the
#: declaration date are left empty at declaration (customs fills them).
REQUIRED_IMPORT = ("import_export_date", "goods_location")
#: Transport modes with a transport document number (提运单号): waterway, railway, air.
BILL_MODES = frozenset({"2", "3", "5"})
#: Transport modes whose vessel or flight is declared (运输工具名称, 航次号): waterway and air.
VESSEL_MODES = frozenset({"2", "5"})
GENERAL_TRADE = "0110"
#: Processing-trade regimes, declared against a processing-trade manual (加工贸易手册) whose number goes in the
#: record number (备案号). Low-value auxiliary materials (0815) go without a manual.
PROCESSING_MODES = frozenset(
    {
        "0214", "0245", "0255", "0258", "0265", "0300", "0320", "0345", "0420", "0444", "0445", "0446", "0456",
        "0466", "0544", "0545", "0615", "0642", "0644", "0654", "0657", "0664", "0700", "0715", "0744", "0844",
        "0845", "0864", "0865", "4400", "4600",
    }
)  # fmt: skip
#: Trade mode → the levy nature it is declared with (来料加工 502, 进料加工 503).
PAIRED_LEVY = {"0214": "502", "0615": "503", "0715": "503"}
PROCESSING_LEVY = frozenset({"502", "503"})
#: Levy natures general trade is normally declared with: 一般征税 and the vehicle levies.
GENERAL_LEVY = frozenset({"101", "118", "119"})
ONE_KG = Decimal(1)


def _missing(context: Context, names: tuple[str, ...]) -> Iterator[Hit]:
    for name in names:
        if blank(header_value(context, name)):
            yield Hit(name, say(_("Enter the %(field)s: the declaration needs it."), field=header_label(name)))


@rule("CUS-HDR-001", ERROR, _("Header fields every declaration needs"))
def required_always(context: Context) -> Iterator[Hit]:
    yield from _missing(context, REQUIRED_ALWAYS)


@rule("CUS-HDR-002", ERROR, _("Import date and goods location of an import"), applies=is_import)
def required_import(context: Context) -> Iterator[Hit]:
    yield from _missing(context, REQUIRED_IMPORT)


@rule(
    "CUS-HDR-003",
    ERROR,
    _("Bill of lading or waybill number by waterway, railway and air"),
    applies=lambda c: text(c.declaration.transport_mode) in BILL_MODES,
)
def required_bill(context: Context) -> Iterator[Hit]:
    if blank(context.declaration.bill_number):
        yield Hit(
            "bill_number",
            say(
                _("Enter the bill of lading or waybill number: goods carried by transport mode %(mode)s are declared "
                  "with their transport document."),
                mode=context.declaration.transport_mode,
            ),
        )  # fmt: skip


@rule(
    "CUS-HDR-004",
    WARNING,
    _("Vessel or flight by waterway and air"),
    applies=lambda c: text(c.declaration.transport_mode) in VESSEL_MODES,
)
def vessel_and_voyage(context: Context) -> Iterator[Hit]:
    for name in ("vessel_name", "voyage"):
        if blank(getattr(context.declaration, name)):
            yield Hit(
                name,
                say(
                    _("Enter the %(field)s: by waterway and air the means of transport and its voyage or flight "
                      "are declared."),
                    field=header_label(name),
                ),
            )  # fmt: skip


@rule(
    "CUS-HDR-005",
    ERROR,
    _("Contract number under general trade"),
    applies=lambda c: text(c.declaration.trade_mode) == GENERAL_TRADE,
)
def contract_for_general_trade(context: Context) -> Iterator[Hit]:
    if blank(context.declaration.contract_number):
        yield Hit(
            "contract_number",
            _("Enter the contract number: general trade (0110) is a sale, declared with its contract or order number."),
        )


@rule(
    "CUS-HDR-006",
    ERROR,
    _("Record number (processing-trade manual) under processing trade"),
    applies=lambda c: text(c.declaration.trade_mode) in PROCESSING_MODES,
)
def record_for_processing(context: Context) -> Iterator[Hit]:
    if blank(context.declaration.record_number):
        yield Hit(
            "record_number",
            say(
                _("Enter the record number: trade mode %(mode)s is declared against a processing-trade manual "
                  "(加工贸易手册), whose number goes here."),
                mode=context.declaration.trade_mode,
            ),
        )  # fmt: skip


@rule(
    "CUS-HDR-007",
    WARNING,
    _("General trade with a levy nature other than general duty"),
    applies=lambda c: text(c.declaration.trade_mode) == GENERAL_TRADE,
)
def general_trade_levy(context: Context) -> Iterator[Hit]:
    levy = text(context.declaration.levy_nature)
    if levy and levy not in GENERAL_LEVY and levy not in PROCESSING_LEVY:
        yield Hit(
            "levy_nature",
            say(
                _("General trade (0110) is normally declared with levy nature 101 (general duty), not %(levy)s; a "
                  "reduction or exemption needs its certificate (征免税证明), whose number goes in the record "
                  "number."),
                levy=levy,
            ),
        )  # fmt: skip


@rule("CUS-HDR-008", ERROR, _("Trade mode and levy nature that contradict each other"))
def trade_mode_levy_pairing(context: Context) -> Iterator[Hit]:
    mode, levy = text(context.declaration.trade_mode), text(context.declaration.levy_nature)
    if not mode or not levy:
        return
    expected = PAIRED_LEVY.get(mode)
    if expected is not None and levy != expected:
        yield Hit(
            "levy_nature",
            say(
                _("Trade mode %(mode)s is declared with levy nature %(expected)s, not %(levy)s."),
                mode=mode,
                expected=expected,
                levy=levy,
            ),
        )
    elif mode == GENERAL_TRADE and levy in PROCESSING_LEVY:
        yield Hit(
            "levy_nature",
            say(
                _("Levy nature %(levy)s is for processing trade; general trade (0110) cannot use it."),
                levy=levy,
            ),
        )


@rule("CUS-HDR-009", ERROR, _("Direction of the declaration and its shipment"))
def same_direction(context: Context) -> Iterator[Hit]:
    shipment = context.shipment
    if shipment is not None and shipment.direction != context.declaration.direction:
        yield Hit(
            "direction",
            say(
                _("The declaration's direction (%(direction)s) differs from its shipment %(job)s (%(shipment)s)."),
                direction=context.declaration.get_direction_display(),
                job=shipment.job_number,
                shipment=shipment.get_direction_display(),
            ),
        )


# -- weights and packages -------------------------------------------------------------------------


@rule("CUS-WGT-001", ERROR, _("Net weight not above gross weight"))
def net_not_above_gross(context: Context) -> Iterator[Hit]:
    net, gross = context.declaration.net_weight_kg, context.declaration.gross_weight_kg
    if net is not None and gross is not None and net > gross:
        yield Hit(
            "net_weight_kg",
            say(
                _("The net weight (%(net)s kg) cannot exceed the gross weight (%(gross)s kg)."),
                net=plain(net),
                gross=plain(gross),
            ),
        )


@rule("CUS-WGT-002", ERROR, _("Weights of at least 1 kg"))
def weights_at_least_one_kg(context: Context) -> Iterator[Hit]:
    for name in ("gross_weight_kg", "net_weight_kg"):
        value = getattr(context.declaration, name)
        if value is None:
            continue
        if value <= 0:
            yield Hit(name, say(_("The %(field)s must be more than 0 kg."), field=header_label(name)))
        elif value < ONE_KG:
            yield Hit(
                name,
                say(
                    _("The %(field)s is %(value)s kg: customs has weights below 1 kg declared as 1."),
                    field=header_label(name),
                    value=plain(value),
                ),
            )


@rule("CUS-WGT-003", WARNING, _("Net weight and the items' legal quantities in kilograms"))
def net_weight_against_kilograms(context: Context) -> Iterator[Hit]:
    net = context.declaration.net_weight_kg
    items = context.items
    if net is None or not items:
        return
    kilograms: list[Decimal] = []
    for item in items:
        for unit, quantity in ((item.legal_unit_1, item.legal_quantity_1), (item.legal_unit_2, item.legal_quantity_2)):
            if unit == "035" and quantity is not None:
                kilograms.append(quantity)
                break
    if not kilograms:
        return
    total = sum(kilograms, Decimal(0))
    every_item = len(kilograms) == len(items)
    if (every_item and abs(total - net) > ONE_KG) or (not every_item and total > net + ONE_KG):
        yield Hit(
            "net_weight_kg",
            say(
                _("The net weight is %(net)s kg but the items declare %(total)s kg in their legal quantities in "
                  "kilograms (unit 035), which are net weights; %(note)s"),
                net=plain(net),
                total=plain(total),
                note=_("they should add up to the net weight (within 1 kg).")
                if every_item
                else _("together they cannot exceed it."),
            ),
        )  # fmt: skip


@rule("CUS-PKG-001", ERROR, _("Number of packages of at least 1"))
def package_count_positive(context: Context) -> Iterator[Hit]:
    if context.declaration.package_count == 0:
        yield Hit(
            "package_count",
            _("The number of packages cannot be 0: unpacked (nude or bulk) goods are declared as 1."),
        )
