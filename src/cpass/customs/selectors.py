"""Reads of the customs app: the stateless duty and tax calculation ("what would this cost").

`calculate` looks up each item's tariff line and rates (cpass.tariff.selectors.tariff_lookup) and the
customs exchange rates (cpass.fx.selectors.customs_rate) for the date, then runs the pure engine
(cpass.customs.duty). Every error names the item and field: `items[2].currency`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cpass.core.actor import Actor
from cpass.core.api import apply_ordering
from cpass.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from cpass.core.platform import require_reference_read
from cpass.customs.choices import (
    MAX_ITEMS,
    REVISABLE,
    REVISION_BY,
    REVISION_OPEN,
    DeclarationStatus,
    RevisionKind,
    TransitionBy,
)
from cpass.customs.duty import (
    Charge,
    ChargeMode,
    Combination,
    DeclarationInput,
    DeclarationResult,
    Direction,
    FxRate,
    ItemInput,
    Rate,
    calculate_declaration,
)
from cpass.customs.fields import CHARGES
from cpass.customs.models import (
    Declaration,
    DeclarationDocument,
    DeclarationEvent,
    DeclarationItem,
    RevisionRequest,
)
from cpass.fx.selectors import currency_code, customs_rate
from cpass.reference.selectors import validate_code
from cpass.reference.tables import Table
from cpass.shipments.models import Container
from cpass.tariff.models import DutyRate
from cpass.tariff.selectors import TariffQuote, rate_text, schedule_for, tariff_lookup


@dataclass(frozen=True)
class ItemRequest:
    """One item as a person declares it: code, origin, price, quantities in the legal units, charges."""

    code: str
    price: Decimal
    currency: str
    origin: str | None = None
    #: A certificate of origin or origin declaration is claimed: agreement rates open to the origin apply.
    proof_of_origin: bool = False
    ciq_code: str = ""
    quantity_1: Decimal | None = None
    quantity_2: Decimal | None = None
    #: The quantity in the trade unit (成交数量 and its unit): the landed cost is also given per this unit.
    trade_quantity: Decimal | None = None
    trade_unit: str = ""
    freight: Charge | None = None
    insurance: Charge | None = None
    other: Charge | None = None
    description: str = ""


def _prefixed(exc: ServiceError, path: str, rename: dict[str, str]) -> ValidationFailed:
    """The error of a lookup, moved onto the item's fields (`code` → `items[2].code`)."""
    errors = {f"{path}.{rename.get(field, field)}": messages for field, messages in exc.errors.items()}
    if not errors:
        errors = {f"{path}.code": [exc.detail]}
    return ValidationFailed(exc.detail, errors=errors)


def _engine_rate(rate: DutyRate, path: str, reason: str) -> Rate:
    if rate.unparsed:
        raise ValidationFailed.on(
            f"{path}.code",
            _("The rate “%(rate)s” is published as text only and cannot be computed.") % {"rate": rate.text},
        )
    return Rate(
        ad_valorem=rate.ad_valorem,
        specific_amount=rate.specific_amount,
        specific_currency=rate.specific_currency,
        specific_unit=rate.specific_unit,
        combination=Combination(rate.combination),
        text=rate_text(rate),
        basis=f"{rate.kind} {rate.agreement}".strip(),
        reason=reason,
    )


def _quote(index: int, item: ItemRequest, *, jurisdiction: str, on: dt.date) -> TariffQuote:
    path = f"items[{index}]"
    try:
        return tariff_lookup(
            jurisdiction=jurisdiction,
            code=item.code,
            on=on,
            origin=item.origin,
            ciq_code=item.ciq_code,
            proof_of_origin=item.proof_of_origin,
        )
    except ServiceError as exc:  # NotFound (unknown code) is an input error here, not a missing resource
        raise _prefixed(exc, path, {"on": "code"}) from None


def _trade_unit(path: str, item: ItemRequest, on: dt.date) -> str:
    """The trade unit of a trade quantity, checked against the unit table (none without a quantity)."""
    if item.trade_quantity is None:
        return ""
    if not item.trade_unit:
        raise ValidationFailed.on(f"{path}.trade_unit", _("Give the unit of this quantity."))
    return validate_code(Table.UNIT, item.trade_unit.strip(), field=f"{path}.trade_unit", on=on).code


def _engine_item(index: int, item: ItemRequest, quote: TariffQuote, direction: Direction, trade_unit: str) -> ItemInput:
    path = f"items[{index}]"
    line = quote.line
    quantities: list[tuple[str, Decimal]] = []
    for unit, quantity, field in (
        (line.unit_1, item.quantity_1, "quantity_1"),
        (line.unit_2, item.quantity_2, "quantity_2"),
    ):
        if quantity is None:
            continue
        if not unit:
            raise ValidationFailed.on(
                f"{path}.{field}", _("Line %(code)s has no such legal unit.") % {"code": line.code}
            )
        quantities.append((unit, quantity))
    duty = consumption = None
    vat = None
    if direction == Direction.EXPORT:
        if quote.export_rate is not None:
            duty = _engine_rate(
                quote.export_rate, path, _("The export duty rate of line %(code)s.") % {"code": line.code}
            )
    else:
        if quote.import_rate is not None:
            duty = _engine_rate(quote.import_rate, path, quote.reason)
        if quote.consumption:
            first = quote.consumption[0]
            reason = _("The consumption tax rate of line %(code)s.") % {"code": line.code}
            if len(quote.consumption) > 1:
                reason += " " + _("The line lists %(count)s consumption tax rates; the first is used.") % {
                    "count": len(quote.consumption)
                }
            consumption = _engine_rate(first, path, reason)
        vat = quote.vat_rate
    try:
        currency = currency_code(item.currency)
    except ValidationFailed as exc:
        raise _prefixed(exc, path, {}) from None
    return ItemInput(
        code=line.code,
        price=item.price,
        currency=currency,
        quantities=tuple(quantities),
        freight=item.freight,
        insurance=item.insurance,
        other=item.other,
        duty=duty,
        consumption=consumption,
        vat=vat,
        unit=line.unit_1,
        trade_quantity=item.trade_quantity if trade_unit else None,
        trade_unit=trade_unit,
        description=item.description or line.description,
    )


def _currencies(items: Sequence[ItemInput], charges: dict[str, Charge | None]) -> dict[str, str]:
    """Every currency the declaration needs a rate for → the first field that uses it."""
    found: dict[str, str] = {}
    for name, charge in charges.items():
        if charge is not None and charge.mode != ChargeMode.RATE:
            found.setdefault(charge.currency, f"{name}.currency")
    for index, item in enumerate(items):
        found.setdefault(item.currency, f"items[{index}].currency")
        for name in ("freight", "insurance", "other"):
            charge = getattr(item, name)
            if charge is not None and charge.mode != ChargeMode.RATE:
                found.setdefault(charge.currency, f"items[{index}].{name}.currency")
        for rate in (item.duty, item.consumption):
            if rate is not None and rate.specific_currency:
                found.setdefault(rate.specific_currency, f"items[{index}].code")
    return found


def _charge(charge: Charge | None, field: str) -> Charge | None:
    if charge is None or charge.mode == ChargeMode.RATE:
        return charge
    code = currency_code(charge.currency, field_name=f"{field}.currency")
    return Charge(charge.mode, charge.value, code, charge.unit, charge.note)


def calculate(
    *,
    actor: Actor,
    jurisdiction: str,
    on: dt.date,
    items: Sequence[ItemRequest],
    direction: str = Direction.IMPORT,
    terms: str = "FOB",
    freight: Charge | None = None,
    insurance: Charge | None = None,
    other: Charge | None = None,
) -> DeclarationResult:
    """What the items would cost in duty and taxes on `on`, with the trace of every figure."""
    require_reference_read(actor)
    return _calculate(
        jurisdiction=jurisdiction,
        on=on,
        items=items,
        direction=direction,
        terms=terms,
        freight=freight,
        insurance=insurance,
        other=other,
    )


def _calculate(
    *,
    jurisdiction: str,
    on: dt.date,
    items: Sequence[ItemRequest],
    direction: str,
    terms: str,
    freight: Charge | None,
    insurance: Charge | None,
    other: Charge | None,
) -> DeclarationResult:
    try:
        way = Direction(direction)
    except ValueError:
        raise ValidationFailed.on("direction", _("Choose import or export.")) from None
    if not items:
        raise ValidationFailed.on("items", _("Add at least one item."))
    if len(items) > MAX_ITEMS:
        raise ValidationFailed.on("items", _("A declaration has at most %(max)s items.") % {"max": MAX_ITEMS})
    try:
        schedule = schedule_for(jurisdiction)
    except ServiceError as exc:
        raise ValidationFailed.on("jurisdiction", exc.detail) from None
    charges = {
        "freight": _charge(freight, "freight"),
        "insurance": _charge(insurance, "insurance"),
        "other": _charge(other, "other"),
    }
    engine_items: list[ItemInput] = []
    for index, item in enumerate(items):
        item = ItemRequest(
            **{
                **item.__dict__,
                **{
                    name: _charge(getattr(item, name), f"items[{index}].{name}")
                    for name in ("freight", "insurance", "other")
                },
            }
        )
        trade_unit = _trade_unit(f"items[{index}]", item, on)
        quote = _quote(index, item, jurisdiction=schedule.code, on=on)
        engine_items.append(_engine_item(index, item, quote, way, trade_unit))
    rates: list[FxRate] = []
    for currency, field in _currencies(engine_items, charges).items():
        if currency == schedule.currency:
            continue
        try:
            finding = customs_rate(jurisdiction=schedule.code, currency=currency, on=on)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.detail, errors={field: [exc.detail]}) from None
        rates.append(FxRate(currency=currency, rate=finding.rate, explanation=finding.explanation))
    declaration = DeclarationInput(
        direction=way,
        terms=terms,
        items=tuple(engine_items),
        fx=tuple(rates),
        home_currency=schedule.currency,
        freight=charges["freight"],
        insurance=charges["insurance"],
        other=charges["other"],
    )
    return calculate_declaration(declaration)


# -- declarations ---------------------------------------------------------------------------------------

#: Fields a declaration list may be ordered by (`?ordering=-created_at`).
DECLARATION_ORDERING = ("created_at", "updated_at", "reference", "status", "entry_number", "declaration_date")
_QUERY_LIMIT = 100


def declaration_get(*, actor: Actor, declaration_id: int, action: str = "read") -> Declaration:
    """One declaration the actor may `action`, with its shipment and parties; another enterprise's is a 404."""
    declaration = (
        Declaration.objects.for_actor(actor, action)  # type: ignore[arg-type]
        .select_related(
            "enterprise",
            "shipment",
            "domestic_trader",
            "overseas_trader",
            "consumer_producer",
            "declarant",
            "split_from",
        )
        .filter(pk=declaration_id)
        .first()
    )
    if declaration is not None:
        return declaration
    if action != "read" and Declaration.objects.for_actor(actor, "read").filter(pk=declaration_id).exists():
        raise PermissionDenied(_("You may read this declaration but not change it."))
    raise NotFound(_("No such declaration."))


def declaration_items(*, actor: Actor, declaration: Declaration) -> QuerySet[DeclarationItem]:
    return (
        DeclarationItem.objects.for_actor(actor, "read")
        .filter(declaration=declaration)
        .select_related("product")
        .order_by("item_number")
    )


def declaration_documents(*, actor: Actor, declaration: Declaration) -> QuerySet[DeclarationDocument]:
    return (
        DeclarationDocument.objects.for_actor(actor, "read").filter(declaration=declaration).order_by("code", "number")
    )


def declaration_events(*, actor: Actor, declaration: Declaration) -> QuerySet[DeclarationEvent]:
    """The timeline, newest first: people's steps, submissions and customs' receipts."""
    return (
        DeclarationEvent.objects.for_actor(actor, "read")
        .filter(declaration=declaration)
        .select_related("recorded_by", "receipt")
        .order_by("-occurred_at", "-pk")
    )


def revision_requests(*, actor: Actor, declaration: Declaration) -> QuerySet[RevisionRequest]:
    """A declaration's amendment and withdrawal requests, newest first, with who filed them and the message."""
    return (
        RevisionRequest.objects.for_actor(actor, "read")
        .filter(declaration=declaration)
        .select_related("requested_by", "submission")
        .order_by("-requested_at", "-pk")
    )


def revision_request_get(*, actor: Actor, declaration_id: int, request_id: int) -> RevisionRequest:
    """One request of a declaration the actor may read; another enterprise's is a 404."""
    declaration = declaration_get(actor=actor, declaration_id=declaration_id)
    request = revision_requests(actor=actor, declaration=declaration).filter(pk=request_id).first()
    if request is None:
        raise NotFound(_("No such request on this declaration."))
    return request


def revision_kinds(*, actor: Actor, declaration: Declaration) -> list[str]:
    """The requests the actor may file for the declaration now: none while one waits for customs; an amendment
    (a declarant) or a withdrawal (a manager) of a declaration customs has accepted, as the service checks."""
    if (
        not declaration.entry_number
        or RevisionRequest.objects.unscoped().filter(declaration=declaration, state__in=list(REVISION_OPEN)).exists()
    ):
        return []
    roles = {
        TransitionBy.WRITER: declaration.enterprise_id in actor.enterprise_ids_for("customs", "write"),
        TransitionBy.MANAGER: declaration.enterprise_id in actor.enterprise_ids_for("customs", "manage"),
    }
    return [
        kind
        for kind in RevisionKind.values
        if declaration.status in REVISABLE[kind] and roles[REVISION_BY[kind]]  # type: ignore[index]
    ]


def declaration_containers(*, declaration: Declaration) -> QuerySet[Container]:
    """The declaration's containers: its shipment's, which whoever reads the declaration reads too."""
    return Container.objects.unscoped().filter(declarations=declaration).order_by("number")


def declaration_list(
    *,
    actor: Actor,
    status: str | None = None,
    direction: str | None = None,
    shipment_id: int | None = None,
    q: str | None = None,
    ordering: str | None = None,
) -> QuerySet[Declaration]:
    """Every declaration the actor may read (its own and its clients' granted ones), filtered; `q` matches the
    reference, the entry number, the bill number and the shipment's job number."""
    declarations = Declaration.objects.for_actor(actor, "read").select_related(
        "enterprise", "shipment", "domestic_trader"
    )
    if status:
        if status not in DeclarationStatus.values:
            raise ValidationFailed.on(
                "status", _("“%(status)s” is not a declaration status.") % {"status": status[:20]}
            )
        declarations = declarations.filter(status=status)
    if direction:
        if direction not in ("import", "export"):
            raise ValidationFailed.on("direction", _("Choose import or export."))
        declarations = declarations.filter(direction=direction)
    if shipment_id is not None:
        declarations = declarations.filter(shipment_id=shipment_id)
    text = (q or "").strip()
    if text:
        if len(text) > _QUERY_LIMIT:
            raise ValidationFailed.on("q", _("Search for at most %(max)d characters.") % {"max": _QUERY_LIMIT})
        declarations = declarations.filter(
            Q(reference__icontains=text)
            | Q(entry_number__icontains=text)
            | Q(bill_number__icontains=text)
            | Q(shipment__job_number__icontains=text)
        )
    return apply_ordering(declarations, ordering, DECLARATION_ORDERING, "-created_at")


#: Declarations waiting for a person: returned by customs, held for inspection, or with duties to pay.
NEEDS_ACTION = (DeclarationStatus.RETURNED, DeclarationStatus.INSPECTION, DeclarationStatus.ASSESSED)


def declaration_counts(*, actor: Actor) -> dict[str, int]:
    """Open declarations the actor can read (neither closed nor cancelled) and, by status, those waiting for a
    person (NEEDS_ACTION), in one query: {"open": …, "returned": …, "inspection": …, "assessed": …}."""
    return Declaration.objects.for_actor(actor, "read").aggregate(
        open=Count("pk", filter=~Q(status__in=[DeclarationStatus.CLOSED, DeclarationStatus.CANCELLED])),
        **{status.value: Count("pk", filter=Q(status=status)) for status in NEEDS_ACTION},
    )


def item_get(*, actor: Actor, declaration_id: int, item_id: int, action: str = "read") -> DeclarationItem:
    item = (
        DeclarationItem.objects.for_actor(actor, action)  # type: ignore[arg-type]
        .filter(pk=item_id, declaration_id=declaration_id)
        .first()
    )
    if item is None:
        raise NotFound(_("No such item on this declaration."))
    return item


def _declaration_charge(declaration: Declaration, name: str) -> Charge | None:
    mode = getattr(declaration, f"{name}_mode")
    value = getattr(declaration, f"{name}_value")
    if not mode or value is None:
        return None
    return Charge(ChargeMode(mode), value, getattr(declaration, f"{name}_currency"))


#: The calculation's names of a declaration-wide charge → the declaration's fields (`freight.currency` →
#: `freight_currency`), which its PATCH takes.
_CHARGE_FIELDS = {
    **{name: f"{name}_value" for name in CHARGES},
    **{f"{name}.currency": f"{name}_currency" for name in CHARGES},
}


def _on_declaration(
    exc: ValidationFailed, numbers: Sequence[int], charges: Mapping[str, Charge | None]
) -> ValidationFailed:
    """The calculation's field names made the declaration's. The calculation names items by position (items[0]),
    a declaration by item number (items[1]); a charge by its own name (`freight`, `freight.currency`), a
    declaration by its fields (`freight_value`, `freight_currency`). A declaration gives charges for all its items
    only, so an item lacking one the terms need names the declaration's value field, as the rules do."""
    errors: dict[str, list[Any]] = {}
    for field, messages in exc.errors.items():
        match = re.match(r"items\[(\d+)\](.*)", field)
        charge = match.group(2).removeprefix(".") if match else ""
        if charge in charges and charges[charge] is None:
            field = _CHARGE_FIELDS[charge]
        elif match and int(match.group(1)) < len(numbers):
            field = f"items[{numbers[int(match.group(1))]}]{match.group(2)}"
        else:
            field = _CHARGE_FIELDS.get(field, field)
        errors.setdefault(field, []).extend(messages)
    return ValidationFailed(exc.detail, errors=errors)


def declaration_calculation(*, actor: Actor, declaration_id: int) -> DeclarationResult:
    """The duties and taxes of a declaration on its date, every figure with its trace (the per-declaration
    exemption and the charges apportioned to the items included); a missing or refused input names the
    declaration's field (`items[2].currency` for item 2, `freight_currency`)."""
    declaration = declaration_get(actor=actor, declaration_id=declaration_id)
    items = list(DeclarationItem.objects.for_actor(actor, "read").filter(declaration=declaration))
    checks: dict[str, list[Any]] = {}
    if not declaration.transaction_terms:
        checks["transaction_terms"] = [_("Choose the transaction terms: they decide how the dutiable value is built.")]
    requests: list[ItemRequest] = []
    for item in items:
        path = f"items[{item.item_number}]"
        for field, label in (
            ("hs_code", _("commodity code")),
            ("total_price", _("total price")),
            ("currency", _("currency")),
        ):
            if getattr(item, field) in (None, ""):
                checks.setdefault(f"{path}.{field}", []).append(
                    _("Item %(number)s needs its %(field)s for the calculation.")
                    % {"number": item.item_number, "field": label}
                )
        if item.hs_code and item.total_price is not None and item.currency:
            requests.append(
                ItemRequest(
                    code=item.hs_code,
                    price=item.total_price,
                    currency=item.currency,
                    origin=item.origin_country or None,
                    proof_of_origin=bool(item.origin_certificate.strip()),
                    ciq_code=item.ciq_code,
                    quantity_1=item.legal_quantity_1,
                    quantity_2=item.legal_quantity_2,
                    trade_quantity=item.quantity if item.trade_unit else None,
                    trade_unit=item.trade_unit,
                    description=item.name,
                )
            )
    if not items:
        checks["items"] = [_("Add at least one item.")]
    if checks:
        raise ValidationFailed(_("The declaration lacks what the calculation needs."), errors=checks)
    charges = {name: _declaration_charge(declaration, name) for name in CHARGES}
    try:
        # Reading one's declaration includes the tariff it is assessed under: no reference scope needed.
        return _calculate(
            jurisdiction="CN",
            on=declaration.declaration_date or declaration.import_export_date or timezone.localdate(),
            items=requests,
            direction=declaration.direction,
            terms=declaration.transaction_terms,
            freight=charges["freight"],
            insurance=charges["insurance"],
            other=charges["other"],
        )
    except ValidationFailed as exc:
        raise _on_declaration(exc, [item.item_number for item in items], charges) from None
