"""Reading exchange rates: the list, the customs rate of a jurisdiction on a date, and conversions."""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pycountry
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cpass.core.actor import Actor
from cpass.core.errors import ValidationFailed
from cpass.core.numbers import plain
from cpass.core.platform import require_reference_read
from cpass.fx.models import ExchangeRate, RatePeriod
from cpass.fx.rules import JURISDICTIONS, RULES, Jurisdiction, quoting_unit, round_rate
from cpass.tariff.models import Jurisdiction as TariffJurisdiction

ROUNDINGS = {
    "ROUND_HALF_UP": decimal.ROUND_HALF_UP,
    "ROUND_HALF_EVEN": decimal.ROUND_HALF_EVEN,
    "ROUND_HALF_DOWN": decimal.ROUND_HALF_DOWN,
    "ROUND_UP": decimal.ROUND_UP,
    "ROUND_DOWN": decimal.ROUND_DOWN,
    "ROUND_CEILING": decimal.ROUND_CEILING,
    "ROUND_FLOOR": decimal.ROUND_FLOOR,
}
MAX_PLACES = 8
#: Digits of an amount before the decimal point (the page's field allows 20 digits with 8 decimals).
MAX_WHOLE_DIGITS = 12


def currency_code(value: str, *, field_name: str = "currency") -> str:
    """An ISO 4217 code, upper case, or ValidationFailed naming the field."""
    code = (value or "").strip().upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise ValidationFailed.on(
            field_name, _("“%(code)s” is not an ISO 4217 currency code.") % {"code": (value or "")[:10]}
        )
    return code


def jurisdiction_choices() -> list[tuple[str, str]]:
    """(code, "name (home currency)") of every jurisdiction with a customs rate rule, built-in or set by platform
    staff on the tariff jurisdiction, named in the active language."""
    configured = {row.code: row for row in TariffJurisdiction.objects.exclude(exchange_rate_rule="").order_by("code")}
    builtin_names = {"CN": _("China"), "EU": _("European Union"), "US": _("United States")}
    choices = []
    for code in sorted({*JURISDICTIONS, *configured}):
        row = configured.get(code)
        name = row.name if row is not None else builtin_names.get(code, code)
        currency = (row.currency if row is not None and row.currency else "") or (
            JURISDICTIONS[code].home_currency if code in JURISDICTIONS else ""
        )
        choices.append((code, f"{name} ({currency})" if currency else str(name)))
    return choices


def jurisdiction_get(code: str) -> Jurisdiction:
    """The customs rate rule of a jurisdiction: the tariff jurisdiction's `exchange_rate_rule` (and its
    currency) when platform staff set one, else the built-in default of cpass.fx.rules.JURISDICTIONS."""
    key = (code or "").strip().upper()
    default = JURISDICTIONS.get(key)
    configured = (
        TariffJurisdiction.objects.filter(code=key).exclude(exchange_rate_rule="").first() if len(key) == 2 else None
    )
    if configured is not None:
        if configured.exchange_rate_rule not in RULES:
            raise ValidationFailed.on(
                "jurisdiction",
                _(
                    "The tariff jurisdiction %(code)s names the exchange-rate rule “%(rule)s”, which does not "
                    "exist; known rules: %(known)s."
                )
                % {"code": key, "rule": configured.exchange_rate_rule[:40], "known": ", ".join(RULES)},
            )
        home = (configured.currency or (default.home_currency if default else "")).upper()
        if not home:
            raise ValidationFailed.on(
                "jurisdiction",
                _("The tariff jurisdiction %(code)s has no currency to convert into.") % {"code": key},
            )
        return Jurisdiction(key, configured.exchange_rate_rule, home, default.sources if default else ())
    if default is None:
        configured_codes = TariffJurisdiction.objects.exclude(exchange_rate_rule="").values_list("code", flat=True)
        known = sorted({*JURISDICTIONS, *configured_codes})
        raise ValidationFailed.on(
            "jurisdiction",
            _("No customs exchange-rate rule for “%(code)s”; known: %(known)s.")
            % {"code": (code or "")[:10], "known": ", ".join(known)},
        )
    return default


@dataclass(frozen=True)
class RateFinding:
    """How many units of the jurisdiction's home currency customs counts for one unit of `currency`
    on `on`, and how that was found."""

    jurisdiction: str
    currency: str
    home_currency: str
    on: dt.date
    rate: Decimal
    rule: str
    #: The publication day the rate comes from; `on` itself for the home currency.
    rate_date: dt.date
    source: str
    #: The stored rate before the rule's rounding (for an inverted pair, the stored home→currency rate).
    published_rate: Decimal
    #: True when the source quoted home→currency and the rate is its reciprocal.
    inverted: bool
    #: True when the rule's first day had no rate (a holiday) and a later candidate day was used.
    fallback: bool
    explanation: str


@dataclass(frozen=True)
class Conversion:
    amount: Decimal
    from_currency: str
    to_currency: str
    result: Decimal
    #: amount × rate(from) ÷ rate(to), before rounding to `places`.
    exact: Decimal
    places: int
    rounding: str
    legs: tuple[RateFinding, ...] = field(default=())


def customs_rate(*, jurisdiction: str, currency: str, on: dt.date) -> RateFinding:
    """The customs rate of `jurisdiction` for `currency` on `on` (home currency per 1 unit), or a
    ValidationFailed naming the currency and date when no accepted source published one."""
    place = jurisdiction_get(jurisdiction)
    code = currency_code(currency)
    rule = RULES[place.rule]
    home = place.home_currency
    if code == home:
        return RateFinding(
            jurisdiction=place.code,
            currency=code,
            home_currency=home,
            on=on,
            rate=Decimal(1),
            rule=rule.key,
            rate_date=on,
            source="",
            published_rate=Decimal(1),
            inverted=False,
            fallback=False,
            explanation=_("%(code)s is the home currency of %(jurisdiction)s: rate 1.")
            % {"code": code, "jurisdiction": place.code},
        )
    try:
        rate_days = rule.days(on)
    except OverflowError:  # the rule looks back before 1 January of year 1
        raise ValidationFailed.on(
            "date", _("%(on)s is too early for any customs exchange rate.") % {"on": on.isoformat()}
        ) from None
    rows = ExchangeRate.objects.filter(Q(base=code, quote=home) | Q(base=home, quote=code), date__in=rate_days.days)
    if place.sources:
        rows = rows.filter(source__in=place.sources)
    if rule.daily_only:
        rows = rows.filter(period=RatePeriod.DAY)
    found = sorted(
        rows,
        key=lambda row: (
            rate_days.days.index(row.date),
            # Without a preference list, any source, in name order so the choice is stable.
            place.sources.index(row.source) if place.sources else 0,
            row.source,
            row.base != code,  # a direct quote before a reciprocal
        ),
    )
    if not found:
        raise ValidationFailed.on(
            "currency",
            _(
                "No %(code)s→%(home)s rate for %(on)s: %(jurisdiction)s customs uses %(days)s (%(first)s), "
                "from %(sources)s. Load the rates for that day first."
            )
            % {
                "code": code,
                "home": home,
                "on": on.isoformat(),
                "jurisdiction": place.code,
                "days": rate_days.description,
                "first": rate_days.days[0].isoformat(),
                "sources": ", ".join(place.sources) or _("any source"),
            },
        )
    row = found[0]
    inverted = row.base != code
    with decimal.localcontext(prec=40):
        unrounded = Decimal(1) / row.rate if inverted else row.rate
    per = quoting_unit(unrounded) if inverted else row.per
    with decimal.localcontext(prec=40):
        rate = round_rate(unrounded, rule.places, per=per)
    fallback = row.date != rate_days.days[0]
    explanation = _(
        "%(rule)s: %(days)s, here %(date)s%(fallback)s; %(source)s published 1 %(base)s = %(rate)s %(quote)s."
    ) % {
        "rule": rule.label,
        "days": rate_days.description,
        "date": row.date.isoformat(),
        "fallback": (_(" (no rate on %(first)s)") % {"first": rate_days.days[0].isoformat()}) if fallback else "",
        "source": row.source,
        "base": row.base,
        "rate": plain(row.rate),
        "quote": row.quote,
    }
    if inverted:
        explanation += " " + _("Taken as its reciprocal.")
    if rule.places is not None:
        explanation += " " + _("Rounded half up to %(places)s decimal places per %(per)s %(code)s: %(rate)s per 1.") % {
            "places": rule.places,
            "per": per,
            "code": code,
            "rate": plain(rate),
        }
    return RateFinding(
        jurisdiction=place.code,
        currency=code,
        home_currency=home,
        on=on,
        rate=rate,
        rule=rule.key,
        rate_date=row.date,
        source=row.source,
        published_rate=row.rate,
        inverted=inverted,
        fallback=fallback,
        explanation=explanation,
    )


def convert(
    amount: Decimal,
    *,
    from_currency: str,
    to_currency: str,
    jurisdiction: str,
    on: dt.date,
    places: int = 2,
    rounding: str = ROUND_HALF_UP,
) -> Conversion:
    """`amount` of `from_currency` in `to_currency` at `jurisdiction`'s customs rates on `on`: exact
    Decimal through the home currency (amount × rate(from) ÷ rate(to)), then rounded once to `places`."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValidationFailed.on("amount", _("The amount must be a finite decimal number."))
    if amount and amount.adjusted() >= MAX_WHOLE_DIGITS:
        raise ValidationFailed.on(
            "amount", _("At most %(digits)s digits before the decimal point.") % {"digits": MAX_WHOLE_DIGITS}
        )
    if not 0 <= places <= MAX_PLACES:
        raise ValidationFailed.on("places", _("Between 0 and %(max)s decimal places.") % {"max": MAX_PLACES})
    if rounding not in ROUNDINGS.values():
        raise ValidationFailed.on("rounding", _("Use one of: %(names)s.") % {"names": ", ".join(ROUNDINGS)})
    source = currency_code(from_currency, field_name="from")
    target = currency_code(to_currency, field_name="to")
    legs: tuple[RateFinding, ...] = ()
    with decimal.localcontext(prec=60):
        if source == target:
            exact = amount
        else:
            from_leg = customs_rate(jurisdiction=jurisdiction, currency=source, on=on)
            to_leg = customs_rate(jurisdiction=jurisdiction, currency=target, on=on)
            legs = tuple(leg for leg in (from_leg, to_leg) if leg.currency != leg.home_currency)
            exact = amount * from_leg.rate / to_leg.rate
        result = exact.quantize(Decimal(1).scaleb(-places), rounding=rounding)
    return Conversion(
        amount=amount,
        from_currency=source,
        to_currency=target,
        result=result,
        exact=exact,
        places=places,
        rounding=rounding,
        legs=legs,
    )


def exchange_rate_list(
    *,
    actor: Actor,
    currency: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    source: str | None = None,
) -> QuerySet[ExchangeRate]:
    """Rates newest first; `currency` matches either side of the pair."""
    require_reference_read(actor)
    rates = ExchangeRate.objects.all()
    if currency:
        code = currency_code(currency)
        rates = rates.filter(Q(base=code) | Q(quote=code))
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed.on("date_to", _("The end date is before the start date."))
    if date_from:
        rates = rates.filter(date__gte=date_from)
    if date_to:
        rates = rates.filter(date__lte=date_to)
    if source:
        rates = rates.filter(source=source.strip())
    return rates.order_by("-date", "base", "quote", "source")


def rate_sources() -> list[str]:
    return list(ExchangeRate.objects.order_by("source").values_list("source", flat=True).distinct())
