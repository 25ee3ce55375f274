"""Dates: an import declared within 14 days of arrival, an export before departure, no declaration date in
the future, and an import date after the declaration day only as an advance declaration up to the arrival.

Basis: Customs Law of the PRC art. 24 (time limits) and art. 30 (goods not declared within three months);
the late-declaration fee (滞报金) rules of GACC (see docs/customs/validation-rules.md, "Dates").
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpass.customs.rules.context import Context
from cpass.customs.rules.engine import ERROR, WARNING, Hit, rule, say
from cpass.customs.rules.fields import is_export, is_import

#: Days after the means of transport arrives within which an import is declared.
DECLARE_WITHIN_DAYS = 14
#: Months after arrival after which customs may take and sell goods not declared.
ABANDON_AFTER_MONTHS = 3


def add_months(day: dt.date, months: int) -> dt.date | None:
    """The same day `months` later (the month's last day when it is shorter); None past the calendar's end."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > dt.MAXYEAR:
        return None
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _arrival(context: Context) -> dt.date | None:
    """The shipment's actual arrival, else its estimated arrival, as a local date."""
    shipment = context.shipment
    moment = (shipment.ata or shipment.eta) if shipment is not None else None
    return timezone.localdate(moment) if moment is not None else None


def _departure(context: Context) -> dt.date | None:
    shipment = context.shipment
    if shipment is not None and shipment.atd is not None:
        return timezone.localdate(shipment.atd)
    return context.declaration.import_export_date


@rule("CUS-DAT-001", WARNING, _("Import declared within 14 days of arrival"), applies=is_import)
def declared_in_time(context: Context) -> Iterator[Hit]:
    arrived = context.declaration.import_export_date
    if arrived is None:
        return
    days = (context.declared_on - arrived).days
    if days > DECLARE_WITHIN_DAYS:
        yield Hit(
            "declaration_date" if context.declaration.declaration_date else "import_export_date",
            say(
                _("Declared %(days)s days after arrival on %(date)s: imports are declared within 14 days of the "
                  "means of transport's arrival. Customs charges a late-declaration fee (滞报金) of 0.5‰ of the "
                  "dutiable value for each day from the 15th, here %(late)s days, waived when below CNY 50."),
                days=days,
                date=arrived.isoformat(),
                late=days - DECLARE_WITHIN_DAYS,
            ),
        )  # fmt: skip


@rule("CUS-DAT-002", WARNING, _("Import declared within three months of arrival"), applies=is_import)
def declared_within_three_months(context: Context) -> Iterator[Hit]:
    arrived = context.declaration.import_export_date
    if arrived is None:
        return
    limit = add_months(arrived, ABANDON_AFTER_MONTHS)
    if limit is not None and context.declared_on > limit:
        yield Hit(
            "import_export_date",
            say(
                _("More than three months since arrival on %(date)s: customs may already have taken the goods to "
                  "sell them; ask the customs office before declaring."),
                date=arrived.isoformat(),
            ),
        )  # fmt: skip


def _future_import(context: Context) -> tuple[dt.date, dt.date | None] | None:
    arrived = context.declaration.import_export_date
    if arrived is None or arrived <= context.declared_on:
        return None
    return arrived, _arrival(context)


@rule("CUS-DAT-003", WARNING, _("Import declared before arrival (advance declaration)"), applies=is_import)
def advance_declaration(context: Context) -> Iterator[Hit]:
    future = _future_import(context)
    if future is not None and future[1] is not None and future[0] <= future[1]:
        yield Hit(
            "import_export_date",
            say(
                _("The import date %(date)s is after the declaration day %(declared)s: this is an advance "
                  "declaration (提前申报), allowed once the manifest has been transmitted; the import date must be "
                  "the day the means of transport arrives."),
                date=future[0].isoformat(),
                declared=context.declared_on.isoformat(),
            ),
        )  # fmt: skip


@rule("CUS-DAT-004", ERROR, _("Import date in the future only up to the shipment's arrival"), applies=is_import)
def import_date_not_beyond_arrival(context: Context) -> Iterator[Hit]:
    future = _future_import(context)
    if future is None:
        return
    arrived, expected = future
    if expected is None:
        yield Hit(
            "import_export_date",
            say(
                _("The import date %(date)s is in the future and the shipment has no arrival (ETA or ATA) to "
                  "back it: enter the day the means of transport arrives."),
                date=arrived.isoformat(),
            ),
        )  # fmt: skip
    elif arrived > expected:
        yield Hit(
            "import_export_date",
            say(
                _("The import date %(date)s is after the shipment's arrival %(arrival)s: the import date is the "
                  "day the means of transport arrives."),
                date=arrived.isoformat(),
                arrival=expected.isoformat(),
            ),
        )  # fmt: skip


@rule("CUS-DAT-005", ERROR, _("Export declared before departure"), applies=is_export)
def export_before_departure(context: Context) -> Iterator[Hit]:
    departed = _departure(context)
    if departed is not None and departed < context.declared_on:
        yield Hit(
            "import_export_date",
            say(
                _("The goods left on %(date)s, before the declaration day %(declared)s: exports are declared after "
                  "the goods reach the customs area and before they are loaded."),
                date=departed.isoformat(),
                declared=context.declared_on.isoformat(),
            ),
        )  # fmt: skip


@rule("CUS-DAT-006", ERROR, _("Declaration date not in the future"))
def declaration_date_not_future(context: Context) -> Iterator[Hit]:
    declared = context.declaration.declaration_date
    if declared is not None and declared > context.today:
        yield Hit(
            "declaration_date",
            say(
                _("The declaration date %(date)s is in the future; it is the day customs receives the declaration."),
                date=declared.isoformat(),
            ),
        )
