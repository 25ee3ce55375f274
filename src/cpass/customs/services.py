"""Writes of customs declarations: prepare one from a shipment (split into parts of at most 50 items),
change its header, items and accompanying documents while it is a draft, and move it through the workflow.

Each service runs in one transaction, checks every field (all errors at once, on their fields), locks the
declaration row before changing it or its children (then its shipment's row where the shipment's status
matters: always in that order), and re-reads what it wrote through tenancy. People's transitions go through
`declaration_transition`; customs' (from gateway receipts) through `apply_customs_transition`. Both write the
declaration's timeline; the audit log records every saved row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

import pycountry
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpass.audit import registry
from cpass.core.actor import Actor
from cpass.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cpass.customs import selectors
from cpass.customs.choices import (
    DECLARATION_PREFIX,
    EDITABLE,
    MAX_ITEMS,
    REVISABLE,
    REVISION_BY,
    REVISION_OPEN,
    REVISION_REASON_DIRECTION,
    REVISION_REASON_RELEASED_ONLY,
    REVISION_TRANSITION,
    TRANSITIONS,
    UNDER_AMENDMENT,
    DeclarationStatus,
    EventKind,
    RevisionKind,
    RevisionReason,
    RevisionState,
    Transition,
    TransitionBy,
)
from cpass.customs.fields import HEADER_FIELDS, ITEM_FIELDS, STORED_HEADER_FIELDS, DeclarationFields, item_total
from cpass.customs.gateway.connections import actor_gateway
from cpass.customs.models import (
    Declaration,
    DeclarationDocument,
    DeclarationEvent,
    DeclarationItem,
    GatewayReceipt,
    RevisionRequest,
)
from cpass.customs.rules import ValidationReport, validate_declaration, validate_item
from cpass.imports import bulk
from cpass.parties.selectors import usable_party_id
from cpass.products.elements import join_specification
from cpass.products.models import Product
from cpass.reference.selectors import entries
from cpass.reference.tables import Table
from cpass.shipments.choices import FINAL as SHIPMENT_FINAL
from cpass.shipments.choices import Direction, MilestoneKind
from cpass.shipments.models import Container, GoodsLine, Milestone, Shipment
from cpass.shipments.services import next_sequence_number, next_sequence_numbers
from cpass.shipments.validation import Checks, text

REASON_LIMIT = 500
#: Shipment milestones written when customs moves a declaration.
_MILESTONES = {"hold": MilestoneKind.CUSTOMS_HOLD, "release": MilestoneKind.CUSTOMS_RELEASED}


def _unknown(fields: Mapping[str, Any], allowed: Sequence[str]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationFailed.on(unknown[0], _("Unknown field."))


def _locked(actor: Actor, declaration_id: int) -> Declaration:
    """The declaration, writable by the actor, its row locked for the rest of the transaction."""
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id, action="write")
    return Declaration.objects.for_actor(actor, "write").select_for_update().get(pk=declaration.pk)


def _require_editable(declaration: Declaration) -> None:
    if declaration.status not in EDITABLE:
        raise Conflict(
            _("The declaration is %(status)s: only a draft can change. Use “Edit again” or “Amend” first.")
            % {"status": declaration.get_status_display()}
        )


def declaration_day(declaration: Declaration) -> dt.date:
    """The day codes and the tariff are checked on: the declaration date, else the import/export date, else today."""
    return declaration.declaration_date or declaration.import_export_date or timezone.localdate()


def _event(
    declaration: Declaration,
    *,
    kind: str,
    actor: Actor | None = None,
    transition: str = "",
    from_status: str = "",
    reason: str = "",
    receipt: GatewayReceipt | None = None,
    occurred_at: dt.datetime | None = None,
) -> DeclarationEvent:
    return DeclarationEvent.objects.create(
        enterprise_id=declaration.enterprise_id,
        declaration=declaration,
        kind=kind,
        transition=transition,
        from_status=from_status,
        to_status=declaration.status if kind in (EventKind.TRANSITION, EventKind.RECEIPT) else "",
        reason=reason,
        occurred_at=occurred_at or timezone.now(),
        recorded_by=actor.user if actor is not None and actor.user.is_authenticated else None,
        receipt=receipt,
    )


def _party_check(actor: Actor, declaration: Declaration) -> Callable[[str, Any], int | None]:
    """How a header's party field is checked: a new party must be usable and of the declaration's enterprise; the
    one the field names now may stay (the rules stop a deactivated or blocked one before submission)."""

    def party(field: str, value: Any) -> int | None:
        return usable_party_id(
            actor=actor,
            field=field,
            party_id=value,
            enterprise_id=declaration.enterprise_id,
            current=getattr(declaration, field),
        )

    return party


def _header_values(actor: Actor, declaration: Declaration, raw: Mapping[str, Any]) -> dict[str, Any]:
    fields = DeclarationFields(on=declaration_day(declaration))
    header = {key: value for key, value in raw.items() if key != "container_ids"}
    values = fields.header(header, party=_party_check(actor, declaration))
    if "container_ids" in raw:
        values["container_ids"] = _container_ids(declaration, raw["container_ids"])
    return values


def _container_ids(declaration: Declaration, raw: Any) -> list[int]:
    """Containers of the declaration's own shipment (a list of ids)."""
    if raw in (None, ""):
        return []
    try:
        ids = sorted({int(value) for value in raw})
    except (TypeError, ValueError):
        raise ValidationFailed.on("container_ids", _("Give the containers as a list of ids.")) from None
    found = set(
        Container.objects.unscoped()
        .filter(shipment_id=declaration.shipment_id, pk__in=ids)
        .values_list("pk", flat=True)
    )
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationFailed.on(
            "container_ids", _("Container %(id)s is not a container of this shipment.") % {"id": missing[0]}
        )
    return ids


def _apply_header(declaration: Declaration, values: Mapping[str, Any]) -> list[int] | None:
    containers = None
    for field, value in values.items():
        if field == "container_ids":
            containers = value
        else:
            setattr(declaration, field, value)
    DeclarationFields.check_header_together({field: getattr(declaration, field) for field in STORED_HEADER_FIELDS})
    return containers


_DeclarationContainer = Declaration.containers.through


def _set_containers(declaration: Declaration, container_ids: Sequence[int]) -> None:
    """Replace the declaration's containers (through the link table: the related manager of a tenant-owned
    model refuses unscoped reads)."""
    _DeclarationContainer.objects.filter(declaration_id=declaration.pk).delete()
    _DeclarationContainer.objects.bulk_create(
        [_DeclarationContainer(declaration_id=declaration.pk, container_id=pk) for pk in container_ids]
    )


# -- preparing a declaration from a shipment ----------------------------------------------------------


def _alpha3(locode: str) -> str:
    country = pycountry.countries.get(alpha_2=locode[:2]) if len(locode) == 5 else None
    return country.alpha_3 if country is not None else ""


def _transaction_terms(incoterm: str, on: dt.date) -> str:
    """The 成交方式 code whose Incoterms 2020 mapping includes the shipment's rule (CIF → 1, FOB → 3)."""
    if not incoterm:
        return ""
    for entry in entries(Table.TRANSACTION_TERMS, on=on):
        if incoterm in (entry.attributes or {}).get("incoterms", []):
            return entry.code
    return ""


def _header_from_shipment(shipment: Shipment, on: dt.date) -> dict[str, Any]:
    """What a declaration can take from its shipment; people complete the rest."""
    importing = shipment.direction == Direction.IMPORT
    foreign_port = shipment.port_of_loading if importing else shipment.port_of_discharge
    domestic, overseas = (
        (shipment.consignee_id, shipment.consignor_id) if importing else (shipment.consignor_id, shipment.consignee_id)
    )
    moment = (shipment.ata or shipment.eta) if importing else (shipment.atd or shipment.etd)
    return {
        "declaring_customs": shipment.customs_office,
        "entry_exit_customs": shipment.customs_office,
        "contract_number": shipment.contract_number[:32],
        "import_export_date": timezone.localdate(moment) if moment is not None else None,
        "domestic_trader_id": domestic,
        "consumer_producer_id": domestic,
        "overseas_trader_id": overseas,
        "transport_mode": shipment.transport_mode,
        "vessel_name": shipment.vessel_name,
        "imo_number": shipment.imo_number,
        "voyage": shipment.voyage,
        "bill_number": shipment.master_bill or shipment.house_bill,
        "departure_port": foreign_port,
        "departure_country": _alpha3(foreign_port),
        "trade_country": _alpha3(foreign_port),
        "package_type": shipment.package_type,
        "package_count": shipment.package_count,
        "gross_weight_kg": shipment.gross_weight_kg,
        "transaction_terms": _transaction_terms(shipment.incoterm, on),
    }


def _item_from_goods(line: GoodsLine, products: Mapping[int, Product], direction: str) -> dict[str, Any]:
    product = products.get(line.product_id) if line.product_id else None
    importing = direction == Direction.IMPORT
    values: dict[str, Any] = {
        "goods_line_id": line.pk,
        "product_id": line.product_id,
        "hs_code": line.hs_code,
        "ciq_code": product.ciq_code if product is not None and product.hs_code == line.hs_code else "",
        "name": (product.name_zh if product is not None and product.name_zh else line.description)[:250],
        "elements": dict(product.element_values) if product is not None and product.hs_code == line.hs_code else {},
        "quantity": line.quantity,
        "trade_unit": line.trade_unit,
        "legal_quantity_1": line.legal_quantity_1,
        "legal_unit_1": line.legal_unit_1,
        "legal_quantity_2": line.legal_quantity_2,
        "legal_unit_2": line.legal_unit_2,
        "total_price": line.value,
        "currency": line.currency,
        "origin_country": line.origin_country if importing else "CHN",
        "destination_country": "CHN" if importing else "",
        "duty_mode": "1",
    }
    if line.value is not None and line.quantity:
        values["unit_price"] = (line.value / line.quantity).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return values


_CODE_PART = ("hs_code", "ciq_code", "elements")
_LINKS = ("goods_line_id", "product_id")


def _with_stored_code(raw: Mapping[str, Any], current: Mapping[str, Any] | None) -> dict[str, Any]:
    """An edit of the elements alone, checked against the stored code's template and joined into the
    specification again, as when the code comes with them (else the elements would be stored unchecked and the
    specification would no longer be their join). The code and its legal units are given as stored."""
    given = dict(raw)
    if current and "elements" in given and "hs_code" not in given and current.get("hs_code"):
        for field in ("hs_code", "ciq_code", "legal_unit_1", "legal_unit_2"):
            if current.get(field):
                given.setdefault(field, current[field])
    return given


def _lenient(check: Any, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Each value `check` accepts on its own; a refused one is left out (empty), for a person to fix on the
    validation report, rather than failing the whole preparation."""
    values: dict[str, Any] = {}
    for field, value in raw.items():
        try:
            values.update(check({field: value}))
        except ValidationFailed:
            continue
    return values


def _stored_item(
    fields: DeclarationFields, declaration: Declaration, number: int, raw: Mapping[str, Any]
) -> DeclarationItem:
    values = {field: raw[field] for field in _LINKS if field in raw}
    values.update(_lenient(fields.item, {k: v for k, v in raw.items() if k not in _LINKS and k not in _CODE_PART}))
    try:
        values.update(fields.item({field: raw[field] for field in _CODE_PART if field in raw}))
    except ValidationFailed:
        values.update(_lenient(fields.item, {"hs_code": raw.get("hs_code")}))
    try:
        item_total(values)
    except ValidationFailed:
        values.pop("unit_price", None)
    return DeclarationItem(
        enterprise_id=declaration.enterprise_id, declaration=declaration, item_number=number, **values
    )


def _require_customs_write(actor: Actor, enterprise_id: int) -> None:
    if enterprise_id not in actor.enterprise_ids_for("customs", "write"):
        raise PermissionDenied(_("You may not prepare declarations for this enterprise."))


def _require_shipment_open(shipment: Shipment) -> None:
    """No declaration is prepared, continued or submitted for a cancelled or closed shipment. The caller holds the
    shipment's row locked (after the declaration's, when it holds one), so cancelling the shipment waits for it
    and then sees the declaration (shipments.services.shipment_transition)."""
    if shipment.status in SHIPMENT_FINAL:
        raise Conflict(
            _("Shipment %(job)s is %(status)s: no declaration of it can be prepared or submitted any more.")
            % {"job": shipment.job_number, "status": shipment.get_status_display()}
        )


def _locked_shipment(declaration: Declaration) -> Shipment:
    return Shipment.objects.unscoped().select_for_update().get(pk=declaration.shipment_id)


@transaction.atomic
def declaration_create(*, actor: Actor, shipment_id: int, **fields: Any) -> Declaration:
    """Prepare the declaration(s) of a shipment: the header from the shipment and `fields`, one item per goods
    line. More than 50 goods lines make several declarations (the second and later `split_from` the first), each
    with the same header; the first is returned."""
    _unknown(fields, HEADER_FIELDS)
    shipment = Shipment.objects.for_actor(actor, "read").select_for_update().filter(pk=shipment_id).first()
    if shipment is None:
        raise NotFound(_("No such shipment."))
    _require_customs_write(actor, shipment.enterprise_id)
    _require_shipment_open(shipment)
    on = timezone.localdate()
    lines = list(GoodsLine.objects.unscoped().filter(shipment=shipment).order_by("line_number"))
    product_ids = {line.product_id for line in lines if line.product_id}
    products = {product.pk: product for product in Product.objects.unscoped().filter(pk__in=product_ids)}
    first: Declaration | None = None
    chunks = [lines[start : start + MAX_ITEMS] for start in range(0, len(lines), MAX_ITEMS)] or [[]]
    no_check = lambda _field, value: value  # noqa: E731 - the shipment's parties were checked when it took them
    prefill = _lenient(
        lambda raw: DeclarationFields(on=on).header(raw, party=no_check), _header_from_shipment(shipment, on)
    )
    for chunk in chunks:
        declaration = Declaration(
            enterprise_id=shipment.enterprise_id,
            shipment=shipment,
            direction=shipment.direction,
            created_by=actor.user,
            split_from=first,
        )
        if first is None:
            for field, value in prefill.items():
                setattr(declaration, field, value)
            containers = _apply_header(declaration, _header_values(actor, declaration, fields))
        else:
            for field in STORED_HEADER_FIELDS:
                setattr(declaration, field, getattr(first, field))
            containers = list(
                _DeclarationContainer.objects.filter(declaration_id=first.pk).values_list("container_id", flat=True)
            )
        declaration.reference = next_sequence_number(enterprise_id=shipment.enterprise_id, prefix=DECLARATION_PREFIX)
        declaration.save()
        if containers is None:
            containers = list(Container.objects.unscoped().filter(shipment=shipment).values_list("pk", flat=True))
        _set_containers(declaration, containers)
        item_fields = DeclarationFields(on=declaration_day(declaration))
        DeclarationItem.objects.bulk_create(
            [
                _stored_item(item_fields, declaration, number, _item_from_goods(line, products, shipment.direction))
                for number, line in enumerate(chunk, start=1)
            ]
        )
        _event(declaration, kind=EventKind.TRANSITION, actor=actor)
        if first is None:
            first = declaration
        else:
            _event(
                declaration,
                kind=EventKind.SPLIT,
                actor=actor,
                reason=first.reference,
            )
    assert first is not None
    return selectors.declaration_get(actor=actor, declaration_id=first.pk, action="write")


def declaration_header_preview(
    *, actor: Actor, declaration: Declaration, raw: Mapping[str, Any]
) -> tuple[dict[str, list[str]], ValidationReport]:
    """What `declaration_update` would say of these header values, without writing: the field errors (each field
    on its own, then together) and the rules report of the declaration with the accepted values. The copy keeps
    the declaration's id, so the rules read its stored items, documents and containers."""
    edited = Declaration(
        **{field.attname: getattr(declaration, field.attname) for field in Declaration._meta.concrete_fields}
    )
    edited.shipment = declaration.shipment
    fields = DeclarationFields(on=declaration_day(declaration))
    party = _party_check(actor, declaration)
    errors: dict[str, list[str]] = {}
    for name, value in raw.items():
        if name not in STORED_HEADER_FIELDS:
            continue
        try:
            values = fields.header({name: value}, party=party)
        except ValidationFailed as exc:
            for field, texts in exc.errors.items():
                errors.setdefault(field, []).extend(str(message) for message in texts)
            continue
        for field, cleaned in values.items():
            setattr(edited, field, cleaned)
    try:
        DeclarationFields.check_header_together({name: getattr(edited, name) for name in STORED_HEADER_FIELDS})
    except ValidationFailed as exc:
        for field, texts in exc.errors.items():
            errors.setdefault(field, []).extend(str(message) for message in texts)
    return errors, validate_declaration(edited, on=declaration_day(edited))


@transaction.atomic
def declaration_update(*, actor: Actor, declaration_id: int, **changes: Any) -> Declaration:
    """Change header fields of a draft declaration (`container_ids` replaces its containers)."""
    _unknown(changes, HEADER_FIELDS)
    declaration = _locked(actor, declaration_id)
    _require_editable(declaration)
    values = _header_values(actor, declaration, changes)
    containers = _apply_header(declaration, values)
    declaration.save()
    if containers is not None:
        _set_containers(declaration, containers)
    return selectors.declaration_get(actor=actor, declaration_id=declaration.pk, action="write")


@transaction.atomic
def declaration_delete(*, actor: Actor, declaration_id: int) -> None:
    """Delete a draft that was never submitted; a declaration customs has seen is cancelled or withdrawn instead."""
    declaration = _locked(actor, declaration_id)
    if declaration.status != DeclarationStatus.DRAFT or declaration.submitted_at is not None:
        raise Conflict(_("Only a draft that was never submitted can be deleted; cancel this one instead."))
    Declaration.objects.unscoped().filter(split_from=declaration).update(split_from=None)
    declaration.delete()


# -- items --------------------------------------------------------------------------------------------


def _resolve_links(actor: Actor, declaration: Declaration, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The goods line (of the declaration's shipment) and product (of its enterprise) an item names."""
    checks = Checks()
    values: dict[str, Any] = {}
    if "goods_line_id" in raw:
        value = raw["goods_line_id"]
        if value in (None, ""):
            values["goods_line_id"] = None
        elif not GoodsLine.objects.unscoped().filter(pk=_int(value), shipment_id=declaration.shipment_id).exists():
            checks.add("goods_line_id", _("No such goods line on this declaration's shipment."))
        else:
            values["goods_line_id"] = _int(value)
    if "product_id" in raw:
        value = raw["product_id"]
        if value in (None, ""):
            values["product_id"] = None
        elif (
            not Product.objects.for_actor(actor, "read")
            .filter(pk=_int(value), enterprise_id=declaration.enterprise_id)
            .exists()
        ):
            checks.add("product_id", _("No such product of the declaration's enterprise."))
        else:
            values["product_id"] = _int(value)
    checks.raise_if_any()
    return values


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def item_values(
    fields: DeclarationFields, raw: Mapping[str, Any], current: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """An item's checked values, merged over `current` (its stored values when it changes): the field checks,
    then the checks between fields and the total. Shared with the Excel import."""
    raw = _with_stored_code(raw, current)
    values = fields.item({key: value for key, value in raw.items() if key not in _LINKS})
    merged = _item_merged(raw, values, current)
    DeclarationFields.check_item_together(merged)
    item_total(merged)
    return merged


def _item_merged(
    raw: Mapping[str, Any], values: Mapping[str, Any], current: Mapping[str, Any] | None
) -> dict[str, Any]:
    merged = dict(current or {})
    merged.update(values)
    if "hs_code" in values and current and values["hs_code"] != current.get("hs_code"):
        # A new code brings its own legal units unless they are given.
        for unit in ("legal_unit_1", "legal_unit_2"):
            if unit not in raw:
                merged[unit] = values.get(unit, "")
    return merged


def _item_current(item: DeclarationItem) -> dict[str, Any]:
    return {field: getattr(item, field) for field in ITEM_FIELDS}


def item_preview(
    *, actor: Actor, declaration: Declaration, item: DeclarationItem | None, raw: Mapping[str, Any]
) -> tuple[dict[str, list[str]], ValidationReport]:
    """What `item_create` (no `item`) or `item_update` would say of these item values, without writing: the field
    errors (each field on its own, the code with its CIQ sub-code and elements together, then the fields
    together) and the rules' findings of the item with the accepted values. A refused code is left out, so the
    rules read no tariff line of a code other than the one typed."""
    fields = DeclarationFields(on=declaration_day(declaration))
    errors: dict[str, list[str]] = {}

    def accepted(check: Callable[[], Any]) -> Any:
        try:
            return check()
        except ValidationFailed as exc:
            for field, texts in (exc.errors or {"": [exc.detail]}).items():
                errors.setdefault(field, []).extend(str(message) for message in texts)
            return None

    current = _item_current(item) if item is not None else None
    raw = _with_stored_code(raw, current)
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name in ITEM_FIELDS and name not in _CODE_PART and name not in _LINKS:
            values.update(accepted(partial(fields.item, {name: value})) or {})
    code_part = {name: raw[name] for name in _CODE_PART if name in raw}
    if code_part:
        checked = accepted(partial(fields.item, code_part))
        if checked is None and "hs_code" not in errors and "ciq_code" not in errors:
            # The code stands, its elements do not: the rules read them as typed.
            checked = fields.item({name: value for name, value in code_part.items() if name != "elements"})
            typed = code_part.get("elements")
            if isinstance(typed, Mapping) and checked.get("hs_code"):
                checked["elements"] = {str(key): str(value) for key, value in typed.items() if value}
                checked["specification"] = join_specification(fields.elements(checked["hs_code"]), checked["elements"])
        values.update(checked if checked is not None else {"hs_code": "", "ciq_code": "", "elements": {}})
    values.update(accepted(partial(_resolve_links, actor, declaration, raw)) or {})
    merged = _item_merged(raw, values, current)
    accepted(partial(DeclarationFields.check_item_together, merged))
    accepted(partial(item_total, merged))
    if item is None:
        stored = DeclarationItem.objects.unscoped().filter(declaration=declaration)
        edited = DeclarationItem(
            enterprise_id=declaration.enterprise_id,
            declaration=declaration,
            item_number=(stored.aggregate(last=Max("item_number"))["last"] or 0) + 1,
        )
    else:
        edited = DeclarationItem(
            **{field.attname: getattr(item, field.attname) for field in DeclarationItem._meta.concrete_fields}
        )
    for field, value in merged.items():
        setattr(edited, field, value)
    return errors, validate_item(declaration, edited, on=declaration_day(declaration))


@transaction.atomic
def item_create(*, actor: Actor, declaration_id: int, **fields: Any) -> DeclarationItem:
    """Add an item at the end of a draft declaration (at most 50)."""
    _unknown(fields, ITEM_FIELDS)
    declaration = _locked(actor, declaration_id)
    _require_editable(declaration)
    items = DeclarationItem.objects.unscoped().filter(declaration=declaration)
    if items.count() >= MAX_ITEMS:
        raise Conflict(
            _("A declaration carries at most %(max)d items; prepare another declaration for the rest.")
            % {"max": MAX_ITEMS}
        )
    links = _resolve_links(actor, declaration, fields)
    values = item_values(DeclarationFields(on=declaration_day(declaration)), fields)
    values.update(links)
    number = (items.aggregate(last=Max("item_number"))["last"] or 0) + 1
    item = DeclarationItem.objects.create(
        enterprise_id=declaration.enterprise_id, declaration=declaration, item_number=number, **values
    )
    return selectors.item_get(actor=actor, declaration_id=declaration.pk, item_id=item.pk, action="write")


@transaction.atomic
def item_update(*, actor: Actor, declaration_id: int, item_id: int, **changes: Any) -> DeclarationItem:
    _unknown(changes, ITEM_FIELDS)
    declaration = _locked(actor, declaration_id)
    _require_editable(declaration)
    item = selectors.item_get(actor=actor, declaration_id=declaration.pk, item_id=item_id, action="write")
    links = _resolve_links(actor, declaration, changes)
    values = item_values(DeclarationFields(on=declaration_day(declaration)), changes, _item_current(item))
    values.update(links)
    for field, value in values.items():
        setattr(item, field, value)
    item.save()
    return selectors.item_get(actor=actor, declaration_id=declaration.pk, item_id=item.pk, action="write")


@transaction.atomic
def item_delete(*, actor: Actor, declaration_id: int, item_id: int) -> None:
    """Remove an item; the items after it move up, so the numbers stay 1, 2, 3…"""
    declaration = _locked(actor, declaration_id)
    _require_editable(declaration)
    item = selectors.item_get(actor=actor, declaration_id=declaration.pk, item_id=item_id, action="write")
    number = item.item_number
    item.delete()
    for later in (
        DeclarationItem.objects.unscoped()
        .filter(declaration=declaration, item_number__gt=number)
        .order_by("item_number")
    ):
        later.item_number -= 1
        later.save(update_fields=["item_number", "updated_at"])


# -- accompanying documents ---------------------------------------------------------------------------


@transaction.atomic
def document_add(*, actor: Actor, declaration_id: int, code: Any, number: Any) -> DeclarationDocument:
    declaration = _locked(actor, declaration_id)
    _require_editable(declaration)
    code, number = DeclarationFields(on=declaration_day(declaration)).document(code, number)
    if DeclarationDocument.objects.unscoped().filter(declaration=declaration, code=code, number=number).exists():
        raise ValidationFailed.on("number", _("This document is already listed."))
    return DeclarationDocument.objects.create(
        enterprise_id=declaration.enterprise_id, declaration=declaration, code=code, number=number
    )


@transaction.atomic
def document_remove(*, actor: Actor, declaration_id: int, document_id: int) -> None:
    declaration = _locked(actor, declaration_id)
    _require_editable(declaration)
    deleted, _rows = (
        DeclarationDocument.objects.for_actor(actor, "write").filter(pk=document_id, declaration=declaration).delete()
    )
    if not deleted:
        raise NotFound(_("No such document on this declaration."))


# -- workflow -----------------------------------------------------------------------------------------


def _reason(value: Any, transition: Transition) -> str:
    cleaned = text("reason", value, limit=REASON_LIMIT)
    if transition.needs_reason and not cleaned:
        raise ValidationFailed.on("reason", _("Say why (%(action)s).") % {"action": transition.label})
    return cleaned


def _require_valid(declaration: Declaration) -> None:
    """Refuse with every error finding of the validation report on its field."""
    report = validate_declaration(declaration, on=declaration_day(declaration))
    if report.has_errors:
        errors: dict[str, list[Any]] = {}
        for finding in report.errors:
            errors.setdefault(finding.field, []).append(f"{finding.code}: {finding.message}")
        raise ValidationFailed(_("The declaration has errors; correct them first."), errors=errors)


def _allowed(transition: Transition, declaration: Declaration) -> None:
    if declaration.status not in transition.sources:
        raise Conflict(
            _("A declaration that is %(status)s cannot be moved by “%(action)s”.")
            % {"status": declaration.get_status_display(), "action": transition.label}
        )


@transaction.atomic
def declaration_transition(*, actor: Actor, declaration_id: int, transition: str, reason: str = "") -> Declaration:
    """A person's step in the workflow (validate, submit, pay, close, amend, cancel, withdraw…), checked against
    the status and the person's role, written to the timeline. Validating and submitting need a report without
    errors; submitting sends the declaration to the gateway once the transaction commits."""
    step = TRANSITIONS.get(transition)
    if step is None:
        raise ValidationFailed.on(
            "transition", _("“%(name)s” is not a workflow step.") % {"name": str(transition)[:20]}
        )
    declaration = _locked(actor, declaration_id)
    if step.by == TransitionBy.CUSTOMS:
        raise PermissionDenied(_("Only customs moves a declaration this way: it comes with a receipt."))
    if step.by == TransitionBy.MANAGER and declaration.enterprise_id not in actor.enterprise_ids_for(
        "customs", "manage"
    ):
        raise PermissionDenied(_("Only a manager of the enterprise may do this."))
    _allowed(step, declaration)
    if step.name == "cancel" and declaration.entry_number and declaration.status in UNDER_AMENDMENT:
        raise Conflict(
            _(
                "Customs holds this declaration under entry number %(number)s while it is amended: submit the "
                "correction, or a manager applies to customs to withdraw it."
            )
            % {"number": declaration.entry_number}
        )
    cleaned_reason = _reason(reason, step)
    if step.target == DeclarationStatus.SUBMITTED:
        _require_shipment_open(_locked_shipment(declaration))
    if step.target in (DeclarationStatus.VALIDATED, DeclarationStatus.SUBMITTED):
        _require_valid(declaration)
    previous = declaration.status
    declaration.status = step.target
    if step.needs_reason:
        declaration.status_reason = cleaned_reason
    if step.target == DeclarationStatus.SUBMITTED:
        declaration.submitted_at = timezone.now()
        declaration.declaration_date = timezone.localdate()
        declaration.status_reason = ""
        # A declaration customs holds under its entry number (a correction after an approved amendment) goes
        # through the connection customs accepted it by; a first filing through the submitter's.
        if not (declaration.entry_number and declaration.gateway):
            declaration.gateway = actor_gateway(actor=actor).name
    declaration.save()
    _event(
        declaration,
        kind=EventKind.TRANSITION,
        actor=actor,
        transition=step.name,
        from_status=previous,
        reason=cleaned_reason,
    )
    if step.target == DeclarationStatus.SUBMITTED:
        from cpass.customs.gateway.tasks import declaration_send_task

        declaration_pk = declaration.pk
        transaction.on_commit(lambda: declaration_send_task(declaration_pk))
    return selectors.declaration_get(actor=actor, declaration_id=declaration.pk, action="write")


def apply_customs_transition(
    *,
    declaration: Declaration,
    transition: str,
    receipt: GatewayReceipt,
    reason: str,
    entry_number: str = "",
    occurred_at: dt.datetime,
) -> None:
    """Customs' step from a receipt, on a declaration the caller locked in its transaction: status, entry number,
    reason and release time set, the timeline written, and the shipment's timeline for holds and releases."""
    step = TRANSITIONS.get(transition)
    if step is None or step.by != TransitionBy.CUSTOMS:
        raise Conflict(_("“%(name)s” is not a step customs takes.") % {"name": str(transition)[:20]})
    _allowed(step, declaration)
    # Receipts carry whole seconds: keep a receipt after the step that caused it on the timeline.
    latest = DeclarationEvent.objects.unscoped().filter(declaration=declaration).order_by("-occurred_at").first()
    if latest is not None and latest.occurred_at > occurred_at:
        occurred_at = latest.occurred_at
    previous = declaration.status
    declaration.status = step.target
    if entry_number:
        declaration.entry_number = entry_number
    if step.name in ("return", "hold", "reopen", "revoke"):
        declaration.status_reason = reason[:REASON_LIMIT]
    if step.target == DeclarationStatus.RELEASED:
        declaration.released_at = occurred_at
    declaration.save()
    _event(
        declaration,
        kind=EventKind.RECEIPT,
        transition=step.name,
        from_status=previous,
        reason=reason[:REASON_LIMIT],
        receipt=receipt,
        occurred_at=occurred_at,
    )
    kind = _MILESTONES.get(step.name)
    if kind is not None:
        Milestone.objects.create(
            enterprise_id=declaration.enterprise_id,
            shipment_id=declaration.shipment_id,
            kind=kind,
            occurred_at=occurred_at,
            note=f"{declaration.entry_number or declaration.reference}: {reason}"[:500].rstrip(": "),
        )


# -- amendment and withdrawal requests (修撤单) ---------------------------------------------------------


def _revision_values(declaration: Declaration, kind: Any, reason_code: Any, reason: Any) -> tuple[str, str, str]:
    """The request's kind, reason code and account, checked together (every error on its field)."""
    checks = Checks()
    kind = str(kind or "")
    if kind not in RevisionKind.values:
        checks.add("kind", _("Choose amend or withdraw."))
    code = str(reason_code or "")
    if code not in RevisionReason.values:
        checks.add("reason_code", _("Choose the reason the rules allow (GACC Order No. 220, art. 5 and 7)."))
    elif REVISION_REASON_DIRECTION.get(code, declaration.direction) != declaration.direction:
        checks.add(
            "reason_code",
            _("This reason is for %(direction)s declarations only.")
            % {"direction": Direction(REVISION_REASON_DIRECTION[code]).label.lower()},
        )
    elif code in REVISION_REASON_RELEASED_ONLY and declaration.status != DeclarationStatus.RELEASED:
        checks.add("reason_code", _("This reason applies once customs has released the goods (art. 5(1))."))
    required = _("Say what happened and what is to change (详细情况说明).")
    account = checks.run("reason", lambda: text("reason", reason, limit=REASON_LIMIT, required=required), "")
    checks.raise_if_any()
    return kind, code, account


@transaction.atomic
def revision_request_create(
    *, actor: Actor, declaration_id: int, kind: Any, reason_code: Any, reason: Any
) -> RevisionRequest:
    """File a request to customs to amend or withdraw a declaration it has accepted (修撤单, GACC Order No. 220):
    an amendment by a declarant, a withdrawal by a manager; one open request per declaration. It is sent through
    the declaration's gateway once this commits; customs' decision comes with a receipt."""
    declaration = _locked(actor, declaration_id)
    kind, code, account = _revision_values(declaration, kind, reason_code, reason)
    if REVISION_BY[kind] == TransitionBy.MANAGER and declaration.enterprise_id not in actor.enterprise_ids_for(
        "customs", "manage"
    ):
        raise PermissionDenied(_("Only a manager of the enterprise may apply to withdraw a declaration."))
    if declaration.status not in REVISABLE[kind] or not declaration.entry_number:
        raise Conflict(
            _(
                "A declaration that is %(status)s cannot be the subject of this request: customs decides amendments "
                "and withdrawals of declarations it has accepted (an entry number) and not closed."
            )
            % {"status": declaration.get_status_display()}
        )
    if RevisionRequest.objects.unscoped().filter(declaration=declaration, state__in=list(REVISION_OPEN)).exists():
        raise Conflict(_("This declaration already has a request waiting for customs' decision."))
    request = RevisionRequest.objects.create(
        enterprise_id=declaration.enterprise_id,
        declaration=declaration,
        kind=kind,
        reason_code=code,
        reason=account,
        from_status=declaration.status,
        requested_by=actor.user if actor.user.is_authenticated else None,
        requested_at=timezone.now(),
    )
    _event(declaration, kind=EventKind.REVISION, actor=actor, transition=kind, reason=account)
    from cpass.customs.gateway.tasks import revision_send_task

    request_pk = request.pk
    transaction.on_commit(lambda: revision_send_task(request_pk))
    return selectors.revision_request_get(actor=actor, declaration_id=declaration.pk, request_id=request.pk)


def apply_revision_decision(
    *,
    request: RevisionRequest,
    approved: bool,
    receipt: GatewayReceipt,
    reply: str,
    occurred_at: dt.datetime,
) -> None:
    """Customs' decision on an open request, from a receipt, on a declaration the caller locked: an approved
    amendment puts it back to draft (its entry number kept), an approved withdrawal cancels it, a refusal leaves
    its status and records customs' reason on the timeline."""
    declaration = request.declaration
    if approved:
        apply_customs_transition(
            declaration=declaration,
            transition=REVISION_TRANSITION[request.kind],
            receipt=receipt,
            reason=reply,
            occurred_at=occurred_at,
        )
    else:
        latest = DeclarationEvent.objects.unscoped().filter(declaration=declaration).order_by("-occurred_at").first()
        if latest is not None and latest.occurred_at > occurred_at:
            occurred_at = latest.occurred_at
        _event(
            declaration,
            kind=EventKind.REVISION,
            transition=request.kind,
            reason=reply[:REASON_LIMIT],
            receipt=receipt,
            occurred_at=occurred_at,
        )
    request.state = RevisionState.APPROVED if approved else RevisionState.REFUSED
    request.customs_reply = reply[:1000]
    request.replied_at = occurred_at
    request.receipt = receipt
    request.save()


# -- continuation declarations (the Excel item import's parts beyond 50 items) ------------------------


@transaction.atomic
def declaration_continuations(*, actor: Actor, declaration: Declaration, count: int) -> list[int]:
    """`count` new draft declarations continuing `declaration` (续页): its header and containers copied,
    `split_from` it, each with its "prepared" and "split" events and its change-log row; the new ids in order.

    Written as prepared rows in bulk (cpass.imports.bulk): an import of a million items makes twenty
    thousand of them. The caller holds the declaration (locked, a draft, writable by the actor)."""
    _require_customs_write(actor, declaration.enterprise_id)
    if count < 1:
        return []
    _require_shipment_open(_locked_shipment(declaration))
    now = timezone.now()
    template = Declaration(
        enterprise_id=declaration.enterprise_id,
        shipment_id=declaration.shipment_id,
        direction=declaration.direction,
        created_by=actor.user if actor.user.is_authenticated else None,
        split_from=declaration,
        created_at=now,
        updated_at=now,
        **{field: getattr(declaration, field) for field in STORED_HEADER_FIELDS},
    )
    ids = bulk.reserve_ids(Declaration, count)
    references = next_sequence_numbers(enterprise_id=declaration.enterprise_id, prefix=DECLARATION_PREFIX, count=count)
    fields = [field for field in Declaration._meta.concrete_fields if field.attname not in ("id", "reference")]
    prepared = tuple(field.get_db_prep_save(getattr(template, field.attname), connection) for field in fields)
    columns = ("id", "reference", *(field.column for field in fields))
    bulk.insert_rows(
        Declaration, columns, [(pk, reference, *prepared) for pk, reference in zip(ids, references, strict=True)]
    )
    container_ids = list(
        _DeclarationContainer.objects.filter(declaration_id=declaration.pk).values_list("container_id", flat=True)
    )
    bulk.insert_rows(
        _DeclarationContainer,
        ("declaration_id", "container_id"),
        [(pk, container_id) for pk in ids for container_id in container_ids],
    )
    moment = bulk.db_time(now)
    user_id = template.created_by_id
    events = (
        (EventKind.TRANSITION, DeclarationStatus.DRAFT, ""),
        (EventKind.SPLIT, "", declaration.reference),
    )
    bulk.insert_rows(
        DeclarationEvent,
        (
            "created_at",
            "updated_at",
            "enterprise_id",
            "declaration_id",
            "kind",
            "transition",
            "from_status",
            "to_status",
            "reason",
            "occurred_at",
            "recorded_by_id",
            "receipt_id",
        ),
        [
            (moment, moment, declaration.enterprise_id, pk, kind, "", "", to_status, reason, moment, user_id, None)
            for pk in ids
            for kind, to_status, reason in events
        ],
    )
    audited = registry.audited(Declaration)
    if audited is not None:
        # The parts differ only in their id and reference: one snapshot, patched per part.
        base = registry.snapshot(audited, template)
        bulk.log_created(
            Declaration,
            (
                (pk, declaration.enterprise_id, reference, base | {"id": pk, "reference": reference})
                for pk, reference in zip(ids, references, strict=True)
            ),
        )
    return ids


def declaration_continuation(*, actor: Actor, declaration: Declaration) -> Declaration:
    """One continuation of `declaration` (see `declaration_continuations`)."""
    (pk,) = declaration_continuations(actor=actor, declaration=declaration, count=1)
    return selectors.declaration_get(actor=actor, declaration_id=pk, action="write")
