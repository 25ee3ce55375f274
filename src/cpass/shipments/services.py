"""Writes of shipments: create (with its job number), change, move through the workflow, delete; goods
lines, containers (and what is in them) and milestones.

Each service runs in one transaction, checks every field (all errors at once, on their fields),
locks the shipment row before changing it or its children, and re-reads what it wrote through
tenancy before returning. The audit log records every saved row (the models are registered).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpass.core.actor import Actor
from cpass.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cpass.customs.choices import GOODS_RELEASED, DeclarationStatus
from cpass.customs.models import LODGED, Declaration
from cpass.documents.models import Document
from cpass.documents.selectors import document_get
from cpass.documents.services import document_create
from cpass.parties.selectors import usable_party_id
from cpass.products.models import Product
from cpass.reference.tables import Table
from cpass.shipments import selectors, validation
from cpass.shipments.choices import (
    FINAL,
    JOB_PREFIX,
    MANUAL_MILESTONE_KINDS,
    Direction,
    Incoterm,
    MilestoneKind,
    ShipmentStatus,
    next_statuses,
)
from cpass.shipments.models import (
    Container,
    ContainerLoad,
    GoodsLine,
    JobCounter,
    Milestone,
    SavedView,
    Shipment,
    ShipmentDocument,
)
from cpass.shipments.validation import Checks

#: Fields a shipment is created and changed with (services, forms and API share this list).
SHIPMENT_FIELDS = (
    "customer_reference",
    "contract_number",
    "house_bill",
    "master_bill",
    "handling_partner_id",
    "consignor_id",
    "consignee_id",
    "notify_party_id",
    "incoterm",
    "incoterm_place",
    "transport_mode",
    "port_of_loading",
    "port_of_discharge",
    "customs_office",
    "vessel_name",
    "imo_number",
    "voyage",
    "package_type",
    "package_count",
    "gross_weight_kg",
    "etd",
    "eta",
    "atd",
    "ata",
)
GOODS_FIELDS = (
    "product_id",
    "hs_code",
    "description",
    "quantity",
    "trade_unit",
    "legal_quantity_1",
    "legal_quantity_2",
    "net_weight_kg",
    "gross_weight_kg",
    "value",
    "currency",
    "origin_country",
)
CONTAINER_FIELDS = ("number", "size_type", "seals", "tare_kg", "vgm_kg", "loads")
_TEXT_LIMITS = {
    "customer_reference": 50,
    "contract_number": 50,
    "house_bill": 35,
    "master_bill": 35,
    "incoterm_place": 100,
    "vessel_name": 100,
    "voyage": 20,
}
_PARTY_FIELDS = ("consignor_id", "consignee_id", "notify_party_id")
_MOMENTS = ("etd", "eta", "atd", "ata")
#: What a shipment needs before it can be booked.
_NEEDED_TO_BOOK = ("transport_mode", "port_of_loading", "port_of_discharge")
NOTE_LIMIT = 500


def _unknown(fields: Mapping[str, Any], allowed: Sequence[str]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationFailed.on(unknown[0], _("Unknown field."))


def _party(actor: Actor, field: str, party_id: Any, enterprise_id: int, current: int | None) -> int | None:
    return usable_party_id(actor=actor, field=field, party_id=party_id, enterprise_id=enterprise_id, current=current)


def _handling_partner(value: Any, enterprise_id: int, current: int | None) -> int | None:
    """An enterprise the owner has granted its shipments to (read or write, not revoked): who may work the
    job. The partner the shipment names may stay after its grant ends (the record of who handled it)."""
    if value in (None, ""):
        return None
    try:
        partner_id = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed.on("handling_partner_id", _("Give the id as a whole number.")) from None
    if partner_id == current or partner_id in selectors.handling_partner_ids(enterprise_ids=[enterprise_id]):
        return partner_id
    raise ValidationFailed.on(
        "handling_partner_id",
        _("This enterprise has no access to the owner's shipments: the owner grants it under Partners first."),
    )


def _shipment_values(
    actor: Actor, raw: Mapping[str, Any], *, enterprise_id: int, shipment: Shipment | None = None
) -> dict[str, Any]:
    """Every given shipment field checked, all errors together; then the rules between fields. A party the
    `shipment` being changed already names may stay, whatever its state now."""
    checks = Checks()
    today = timezone.localdate()
    values: dict[str, Any] = {}
    for field, value in raw.items():
        if field in _TEXT_LIMITS:
            values[field] = checks.run(field, partial(validation.text, field, value, limit=_TEXT_LIMITS[field]), "")
        elif field in _PARTY_FIELDS:
            current = getattr(shipment, field) if shipment is not None else None
            values[field] = checks.run(field, partial(_party, actor, field, value, enterprise_id, current))
        elif field == "handling_partner_id":
            current = shipment.handling_partner_id if shipment is not None else None
            values[field] = checks.run(field, partial(_handling_partner, value, enterprise_id, current))
        elif field in _MOMENTS:
            values[field] = checks.run(field, partial(validation.moment, field, value))
        elif field in ("port_of_loading", "port_of_discharge"):
            values[field] = checks.run(field, partial(validation.locode, field, value), "")
        elif field == "transport_mode":
            values[field] = checks.run(
                field, partial(validation.code, Table.TRANSPORT_MODE, field, value, on=today), ""
            )
        elif field == "customs_office":
            values[field] = checks.run(
                field, partial(validation.code, Table.CUSTOMS_OFFICE, field, value, on=today), ""
            )
        elif field == "imo_number":
            values[field] = checks.run(field, partial(validation.imo_number, value), "")
        elif field == "package_type":
            values[field] = checks.run(field, partial(validation.code, Table.PACKAGE_TYPE, field, value, on=today), "")
        elif field == "package_count":
            values[field] = checks.run(field, partial(validation.count, field, value))
        elif field == "gross_weight_kg":
            values[field] = checks.run(field, partial(validation.decimal, field, value))
        elif field == "incoterm":
            term = ("" if value is None else str(value)).strip().upper()
            if term and term not in Incoterm.values:
                checks.add(field, _("“%(term)s” is not an Incoterms 2020 rule.") % {"term": term[:10]})
            values[field] = term
    checks.raise_if_any()
    return values


def _check_together(shipment: Shipment) -> None:
    """Rules between fields: a named place with the Incoterm, departures before arrivals, different ports."""
    checks = Checks()
    if shipment.incoterm and not shipment.incoterm_place:
        checks.add("incoterm_place", _("Name the place of the Incoterm, e.g. FOB Shanghai."))
    if shipment.incoterm_place and not shipment.incoterm:
        checks.add("incoterm", _("Choose the Incoterm the named place belongs to."))
    if shipment.etd and shipment.eta and shipment.eta < shipment.etd:
        checks.add("eta", _("The ETA is before the ETD."))
    if shipment.atd and shipment.ata and shipment.ata < shipment.atd:
        checks.add("ata", _("The actual arrival is before the actual departure."))
    if shipment.port_of_loading and shipment.port_of_loading == shipment.port_of_discharge:
        checks.add("port_of_discharge", _("The port of discharge is the port of loading."))
    if shipment.imo_number and not shipment.vessel_name:
        checks.add("vessel_name", _("Give the vessel's name with its IMO number."))
    if shipment.package_type and not shipment.package_count:
        checks.add("package_count", _("Give the number of packages of this package type."))
    if shipment.package_count and not shipment.package_type:
        checks.add("package_type", _("Choose the package type of these packages."))
    checks.raise_if_any()


def _next_job_number(enterprise_id: int, direction: str) -> str:
    """The next number of the enterprise's sequence for this direction and year, e.g. IM-2026-00042.

    The counter row is locked (select_for_update) and incremented with F() inside the caller's
    transaction: two concurrent creates wait for each other and get consecutive numbers.
    """
    return next_sequence_number(enterprise_id=enterprise_id, prefix=JOB_PREFIX[Direction(direction)])


def next_sequence_number(*, enterprise_id: int, prefix: str) -> str:
    """The next number of the enterprise's sequence `prefix` this year (shipments IM/EX, declarations DC)."""
    return next_sequence_numbers(enterprise_id=enterprise_id, prefix=prefix, count=1)[0]


def next_sequence_numbers(*, enterprise_id: int, prefix: str, count: int) -> list[str]:
    """`count` consecutive numbers of the sequence, reserved with one update of its locked counter row."""
    year = timezone.localdate().year
    counters = JobCounter.objects.select_for_update()
    counter, _created = counters.get_or_create(enterprise_id=enterprise_id, prefix=prefix, year=year)
    JobCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + count)
    counter.refresh_from_db(fields=["last_number"])
    first = counter.last_number - count + 1
    return [f"{prefix}-{year}-{number:05d}" for number in range(first, counter.last_number + 1)]


def _milestone(
    *,
    actor: Actor,
    shipment: Shipment,
    kind: str,
    occurred_at: dt.datetime,
    status: str = "",
    location: str = "",
    note: str = "",
) -> Milestone:
    return Milestone.objects.create(
        enterprise_id=shipment.enterprise_id,
        shipment=shipment,
        kind=kind,
        status=status,
        occurred_at=occurred_at,
        location=location,
        note=note,
        recorded_by=actor.user if actor.user.is_authenticated else None,
    )


def _locked(actor: Actor, shipment_id: int) -> Shipment:
    """The shipment, writable by the actor, its row locked for the rest of the transaction."""
    shipment = selectors.shipment_get(actor=actor, shipment_id=shipment_id, action="write")
    return Shipment.objects.for_actor(actor, "write").select_for_update().get(pk=shipment.pk)


def _require_open(shipment: Shipment) -> None:
    if shipment.status in FINAL:
        raise Conflict(
            _("The shipment is %(status)s and can no longer change.") % {"status": shipment.get_status_display()}
        )


def shipment_create(*, actor: Actor, direction: str, enterprise_id: int | None = None, **fields: Any) -> Shipment:
    """Open a shipment (draft) for `enterprise_id` (the actor's own by default, or a client that granted
    write), with the next job number of that enterprise's sequence."""
    owner_id = enterprise_id if enterprise_id is not None else actor.enterprise_id
    if owner_id is None or owner_id not in actor.enterprise_ids_for("shipments", "write"):
        raise ValidationFailed.on("enterprise_id", _("You may not open shipments for this enterprise."))
    _unknown(fields, SHIPMENT_FIELDS)
    if direction not in Direction.values:
        raise ValidationFailed.on("direction", _("Choose import or export."))
    values = _shipment_values(actor, fields, enterprise_id=owner_id)
    if not values.get("handling_partner_id") and owner_id != actor.enterprise_id:
        values["handling_partner_id"] = actor.enterprise_id  # a partner opening a client's job handles it
    shipment = Shipment(enterprise_id=owner_id, direction=direction, created_by=actor.user, **values)
    _check_together(shipment)
    with transaction.atomic():
        shipment.job_number = _next_job_number(owner_id, direction)
        shipment.save()
        _milestone(
            actor=actor,
            shipment=shipment,
            kind=MilestoneKind.STATUS,
            status=ShipmentStatus.DRAFT,
            occurred_at=timezone.now(),
        )
        return selectors.shipment_get(actor=actor, shipment_id=shipment.pk, action="write")


@transaction.atomic
def shipment_update(*, actor: Actor, shipment_id: int, **changes: Any) -> Shipment:
    """Change any of the shipment's fields (not its direction, job number or status)."""
    _unknown(changes, SHIPMENT_FIELDS)
    shipment = _locked(actor, shipment_id)
    _require_open(shipment)
    values = _shipment_values(actor, changes, enterprise_id=shipment.enterprise_id, shipment=shipment)
    for field, value in values.items():
        setattr(shipment, field, value)
    _check_together(shipment)
    shipment.save()
    return selectors.shipment_get(actor=actor, shipment_id=shipment.pk, action="write")


@transaction.atomic
def shipment_transition(
    *,
    actor: Actor,
    shipment_id: int,
    status: str,
    at: dt.datetime | str | None = None,
    location: str = "",
    note: str = "",
) -> Shipment:
    """Move the shipment to `status` along its workflow, writing a status milestone.

    Departure (in transit) records the ATD and arrival the ATA when they are not set yet; booking
    needs the transport mode and both ports; cancelling needs a reason in `note` and no declaration with
    customs; clearing needs the shipment's declarations released by customs.
    """
    shipment = _locked(actor, shipment_id)
    checks = Checks()
    moment = checks.run("at", lambda: validation.moment("at", at)) or timezone.now()
    place = checks.run("location", lambda: validation.locode("location", location), "")
    text = checks.run("note", lambda: validation.text("note", note, limit=NOTE_LIMIT), "")
    allowed = next_statuses(shipment.direction, shipment.status)
    if status not in allowed:
        choices = ", ".join(str(choice.label) for choice in allowed) or str(_("none: the shipment is final"))
        checks.add(
            "status",
            _("A shipment that is %(current)s can move to: %(choices)s.")
            % {"current": shipment.get_status_display(), "choices": choices},
        )
    checks.raise_if_any()
    if status == ShipmentStatus.CANCELLED:
        _require_no_lodged_declarations(actor, shipment)
    if status == ShipmentStatus.CLEARED:
        _require_declarations_released(actor, shipment)
    if status == ShipmentStatus.BOOKED:
        for field in _NEEDED_TO_BOOK:
            if not getattr(shipment, field):
                label = getattr(Shipment._meta.get_field(field), "verbose_name", field)
                checks.add(field, _("Fill in the %(field)s before booking.") % {"field": label})
    if status == ShipmentStatus.CANCELLED and not text:
        checks.add("note", _("Say why the shipment is cancelled."))
    if status == ShipmentStatus.IN_TRANSIT and shipment.atd is None:
        shipment.atd = moment
    if status == ShipmentStatus.ARRIVED and shipment.ata is None:
        if shipment.atd is not None and moment < shipment.atd:
            checks.add("at", _("The arrival is before the actual departure."))
        shipment.ata = moment
    checks.raise_if_any()
    shipment.status = status
    shipment.save()
    _milestone(
        actor=actor,
        shipment=shipment,
        kind=MilestoneKind.STATUS,
        status=status,
        occurred_at=moment,
        location=place,
        note=text,
    )
    return selectors.shipment_get(actor=actor, shipment_id=shipment.pk, action="write")


def _may_read_declarations(actor: Actor, shipment: Shipment) -> bool:
    return shipment.enterprise_id in actor.enterprise_ids_for("customs", "read")


def _require_no_lodged_declarations(actor: Actor, shipment: Shipment) -> None:
    """A shipment is not cancelled while customs has one of its declarations (submitted or later, not final, or
    under an amendment customs approved): that is withdrawn, cancelled or closed first. Only a person who may read
    the declarations is told which."""
    lodged = list(Declaration.objects.unscoped().filter(LODGED, shipment=shipment).order_by("reference"))
    if not lodged:
        return
    if not _may_read_declarations(actor, shipment):
        raise Conflict(
            _("Customs has declarations of this shipment: whoever files them withdraws or cancels them first.")
        )
    named = "; ".join(
        _("%(reference)s (%(status)s): %(step)s")
        % {"reference": d.reference, "status": d.get_status_display(), "step": d.lodged_next_step}
        for d in lodged
    )
    raise Conflict(
        _("Customs has declarations of this shipment; settle them before cancelling it: %(declarations)s.")
        % {"declarations": named}
    )


def _require_declarations_released(actor: Actor, shipment: Shipment) -> None:
    """A shipment is cleared once customs has released every declaration of its direction (the cancelled ones
    aside), and it has at least one."""
    declarations = list(
        Declaration.objects.unscoped()
        .filter(shipment=shipment, direction=shipment.direction)
        .exclude(status=DeclarationStatus.CANCELLED)
        .order_by("reference")
    )
    if not declarations:
        raise Conflict(
            _(
                "The shipment has no customs declaration: prepare one and have customs release it before marking "
                "the shipment cleared."
            )
        )
    waiting = [d for d in declarations if d.status not in GOODS_RELEASED]
    if not waiting:
        return
    if not _may_read_declarations(actor, shipment):
        raise Conflict(_("Customs has not released every declaration of this shipment yet."))
    named = ", ".join(
        _("%(reference)s (%(status)s)") % {"reference": d.reference, "status": d.get_status_display()} for d in waiting
    )
    raise Conflict(
        _(
            "Customs has not released these declarations of the shipment yet: %(declarations)s. Mark the shipment "
            "cleared once they are released (a declaration not needed is cancelled or withdrawn)."
        )
        % {"declarations": named}
    )


@transaction.atomic
def shipment_delete(*, actor: Actor, shipment_id: int) -> None:
    """Delete a draft shipment with its goods, containers and timeline; later ones are cancelled instead."""
    shipment = _locked(actor, shipment_id)
    if shipment.status != ShipmentStatus.DRAFT:
        raise Conflict(_("Only a draft shipment can be deleted; cancel this one instead."))
    if Declaration.objects.unscoped().filter(shipment=shipment).exists():
        raise Conflict(_("The shipment has customs declarations; delete or cancel them first."))
    ContainerLoad.objects.for_actor(actor, "write").filter(container__shipment=shipment).delete()
    Container.objects.for_actor(actor, "write").filter(shipment=shipment).delete()
    GoodsLine.objects.for_actor(actor, "write").filter(shipment=shipment).delete()
    Milestone.objects.for_actor(actor, "write").filter(shipment=shipment).delete()
    shipment.delete()


# -- goods lines --------------------------------------------------------------------------------------


def _product(actor: Actor, product_id: Any, enterprise_id: int) -> Product | None:
    if product_id in (None, ""):
        return None
    try:
        pk = int(product_id)
    except (TypeError, ValueError):
        raise ValidationFailed.on("product_id", _("No such product, or you have no access to it.")) from None
    product = Product.objects.for_actor(actor, "read").filter(pk=pk, enterprise_id=enterprise_id).first()
    if product is None:
        raise ValidationFailed.on("product_id", _("No such product of the shipment's enterprise."))
    return product


def _goods_values(
    actor: Actor, shipment: Shipment, raw: Mapping[str, Any], current: Mapping[str, Any]
) -> dict[str, Any]:
    """Check a goods line's fields; a new product fills the fields left empty from its master data."""
    checks = Checks()
    on = shipment.tariff_date
    today = timezone.localdate()
    product = checks.run("product_id", lambda: _product(actor, raw.get("product_id"), shipment.enterprise_id))
    merged = dict(current)
    merged.update(raw)
    if product is not None and "product_id" in raw:
        for field, source in (
            ("hs_code", product.hs_code),
            ("description", product.name),
            ("trade_unit", product.trade_unit),
            ("origin_country", product.origin_country),
            ("currency", product.currency),
        ):
            if merged.get(field) in (None, ""):
                merged[field] = source
    values: dict[str, Any] = {"product": product} if "product_id" in raw else {}
    values["description"] = checks.run(
        "description",
        lambda: validation.text("description", merged.get("description"), limit=250, required=_("Describe the goods.")),
        "",
    )
    code, line = checks.run("hs_code", lambda: validation.hs_line(merged.get("hs_code"), on=on), ("", None))
    values["hs_code"] = code
    for field, table in (
        ("trade_unit", Table.UNIT),
        ("currency", Table.CURRENCY),
        ("origin_country", Table.COUNTRY),
    ):
        values[field] = checks.run(field, partial(validation.code, table, field, merged.get(field), on=today), "")
    for field in ("quantity", "legal_quantity_1", "legal_quantity_2"):
        values[field] = checks.run(field, partial(validation.decimal, field, merged.get(field), integer_digits=14))
    for field in ("net_weight_kg", "gross_weight_kg"):
        values[field] = checks.run(field, partial(validation.decimal, field, merged.get(field)))
    values["value"] = checks.run(
        "value", lambda: validation.decimal("value", merged.get("value"), places=2, integer_digits=16)
    )
    if not checks.failed("hs_code"):
        values["legal_unit_1"] = line.unit_1 if line is not None else ""
        values["legal_unit_2"] = line.unit_2 if line is not None else ""
        for number in ("1", "2"):
            field = f"legal_quantity_{number}"
            if values.get(field) is not None and not values[f"legal_unit_{number}"] and not checks.failed(field):
                checks.add(
                    field,
                    _("Line %(code)s has no legal unit %(number)s.") % {"code": code, "number": number}
                    if code
                    else _("Give the HS code before quantities in legal units."),
                )
    net, gross = values.get("net_weight_kg"), values.get("gross_weight_kg")
    if net is not None and gross is not None and net > gross:
        checks.add(
            "net_weight_kg",
            _("The net weight (%(net)s kg) cannot exceed the gross weight (%(gross)s kg).")
            % {"net": _plain(net), "gross": _plain(gross)},
        )
    if values.get("quantity") is not None and not values.get("trade_unit") and not checks.failed("trade_unit"):
        checks.add("trade_unit", _("Give the unit of the quantity."))
    if values.get("value") is not None and not values.get("currency") and not checks.failed("currency"):
        checks.add("currency", _("Give the currency of the value."))
    checks.raise_if_any()
    return values


def _plain(number: Any) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@transaction.atomic
def goods_line_add(*, actor: Actor, shipment_id: int, **fields: Any) -> GoodsLine:
    """Add a goods line (numbered after the last one); the HS code is checked on the shipment's tariff date."""
    _unknown(fields, GOODS_FIELDS)
    shipment = _locked(actor, shipment_id)
    _require_open(shipment)
    values = _goods_values(actor, shipment, fields, {})
    last = GoodsLine.objects.for_actor(actor, "write").filter(shipment=shipment).aggregate(n=Max("line_number"))["n"]
    line = GoodsLine.objects.create(
        enterprise_id=shipment.enterprise_id, shipment=shipment, line_number=(last or 0) + 1, **values
    )
    return selectors.goods_line_get(actor=actor, shipment_id=shipment.pk, line_id=line.pk, action="write")


@transaction.atomic
def goods_line_update(*, actor: Actor, shipment_id: int, line_id: int, **changes: Any) -> GoodsLine:
    """Change a goods line; its quantity cannot go below what the containers hold of it."""
    _unknown(changes, GOODS_FIELDS)
    shipment = _locked(actor, shipment_id)
    line = selectors.goods_line_get(actor=actor, shipment_id=shipment.pk, line_id=line_id, action="write")
    _require_open(shipment)
    current = {field: getattr(line, field) for field in GOODS_FIELDS}
    values = _goods_values(actor, shipment, changes, current)
    quantity = values["quantity"]
    loaded = _loaded(actor, shipment).get(line.pk) if quantity != line.quantity else None
    if loaded is not None and quantity is not None and quantity < loaded:
        raise ValidationFailed.on(
            "quantity",
            _("The containers hold %(loaded)s of this line: change what they hold first, or give at least that much.")
            % {"loaded": _plain(loaded)},
        )
    for field, value in values.items():
        setattr(line, field, value)
    line.save()
    return selectors.goods_line_get(actor=actor, shipment_id=shipment.pk, line_id=line.pk, action="write")


@transaction.atomic
def goods_line_remove(*, actor: Actor, shipment_id: int, line_id: int) -> None:
    """Remove the line (and where it was packed); the lines after it keep their numbers."""
    shipment = _locked(actor, shipment_id)
    line = selectors.goods_line_get(actor=actor, shipment_id=shipment.pk, line_id=line_id, action="write")
    _require_open(shipment)
    ContainerLoad.objects.for_actor(actor, "write").filter(goods_line=line).delete()
    line.delete()


# -- containers ---------------------------------------------------------------------------------------


def _loaded(actor: Actor, shipment: Shipment, *, besides: Container | None = None) -> dict[int, Decimal]:
    """How much of each goods line the shipment's containers hold (those with a quantity), `besides` left out."""
    loads = ContainerLoad.objects.for_actor(actor, "write").filter(container__shipment=shipment, quantity__isnull=False)
    if besides is not None:
        loads = loads.exclude(container=besides)
    totals = loads.values("goods_line_id").annotate(total=Sum("quantity")).values_list("goods_line_id", "total")
    return dict(totals)


def _loads(
    actor: Actor, shipment: Shipment, raw: Any, *, container: Container | None = None
) -> list[tuple[GoodsLine, Any]]:
    """[{goods_line_id, quantity}, ...]: lines of this shipment, each once, quantities not negative and, with
    what the shipment's other containers hold of the line, not more than the line's quantity."""
    if raw is None:
        return []
    if not isinstance(raw, list | tuple):
        raise ValidationFailed.on("loads", _("Give a list of goods lines."))
    lines = {line.pk: line for line in GoodsLine.objects.for_actor(actor, "write").filter(shipment=shipment)}
    elsewhere = _loaded(actor, shipment, besides=container)
    checks = Checks()
    result: list[tuple[GoodsLine, Any]] = []
    seen: set[int] = set()
    for index, item in enumerate(raw):
        entry = item if isinstance(item, Mapping) else {"goods_line_id": item}
        field = f"loads[{index}]"
        try:
            line_id = int(entry.get("goods_line_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            line_id = 0
        line = lines.get(line_id)
        if line is None:
            checks.add(f"{field}.goods_line_id", _("No such goods line on this shipment."))
            continue
        if line_id in seen:
            checks.add(
                f"{field}.goods_line_id", _("Goods line %(number)s is listed twice.") % {"number": line.line_number}
            )
            continue
        seen.add(line_id)
        quantity = checks.run(
            f"{field}.quantity",
            partial(validation.decimal, f"{field}.quantity", entry.get("quantity"), integer_digits=14),
        )
        loaded = elsewhere.get(line_id, Decimal(0))
        if quantity is not None and line.quantity is not None and quantity > line.quantity:
            checks.add(
                f"{field}.quantity",
                _("More than the line's quantity (%(quantity)s).") % {"quantity": _plain(line.quantity)},
            )
        elif quantity is not None and line.quantity is not None and quantity + loaded > line.quantity:
            checks.add(
                f"{field}.quantity",
                _(
                    "Goods line %(number)s has %(quantity)s in all and other containers hold %(loaded)s of it: "
                    "at most %(left)s more fits."
                )
                % {
                    "number": line.line_number,
                    "quantity": _plain(line.quantity),
                    "loaded": _plain(loaded),
                    "left": _plain(max(line.quantity - loaded, Decimal(0))),
                },
            )
        result.append((line, quantity))
    checks.raise_if_any()
    return result


def _container_values(shipment: Shipment, raw: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    checks = Checks()
    today = timezone.localdate()
    merged = {**current, **raw}
    values: dict[str, Any] = {
        "number": checks.run("number", lambda: validation.container_number(merged.get("number")), ""),
        "size_type": checks.run(
            "size_type",
            lambda: validation.code(Table.CONTAINER_TYPE, "size_type", merged.get("size_type"), on=today),
            "",
        ),
        "seals": checks.run("seals", lambda: validation.seals(merged.get("seals")), []),
        "tare_kg": checks.run("tare_kg", lambda: validation.decimal("tare_kg", merged.get("tare_kg"))),
        "vgm_kg": checks.run("vgm_kg", lambda: validation.decimal("vgm_kg", merged.get("vgm_kg"))),
    }
    tare, vgm = values["tare_kg"], values["vgm_kg"]
    if tare is not None and vgm is not None and vgm < tare:
        checks.add("vgm_kg", _("The verified gross mass cannot be less than the tare."))
    checks.raise_if_any()
    return values


def _save_container(container: Container) -> None:
    try:
        with transaction.atomic():
            container.save()
    except IntegrityError:
        raise ValidationFailed.on(
            "number", _("Container %(number)s is already on this shipment.") % {"number": container.number}
        ) from None


def _replace_loads(actor: Actor, container: Container, loads: list[tuple[GoodsLine, Any]]) -> None:
    ContainerLoad.objects.for_actor(actor, "write").filter(container=container).delete()
    for line, quantity in loads:
        ContainerLoad.objects.create(
            enterprise_id=container.enterprise_id, container=container, goods_line=line, quantity=quantity
        )


@transaction.atomic
def container_add(*, actor: Actor, shipment_id: int, **fields: Any) -> Container:
    """Add a container; `loads` lists the goods lines in it ([{goods_line_id, quantity?}])."""
    _unknown(fields, CONTAINER_FIELDS)
    shipment = _locked(actor, shipment_id)
    _require_open(shipment)
    values = _container_values(shipment, fields, {})
    loads = _loads(actor, shipment, fields.get("loads"))
    container = Container(enterprise_id=shipment.enterprise_id, shipment=shipment, **values)
    _save_container(container)
    _replace_loads(actor, container, loads)
    return selectors.container_get(actor=actor, shipment_id=shipment.pk, container_id=container.pk, action="write")


@transaction.atomic
def container_update(*, actor: Actor, shipment_id: int, container_id: int, **changes: Any) -> Container:
    """Change a container; `loads`, when given, replaces what is in it."""
    _unknown(changes, CONTAINER_FIELDS)
    shipment = _locked(actor, shipment_id)
    container = selectors.container_get(actor=actor, shipment_id=shipment.pk, container_id=container_id, action="write")
    _require_open(shipment)
    current = {field: getattr(container, field) for field in CONTAINER_FIELDS if field != "loads"}
    values = _container_values(shipment, {k: v for k, v in changes.items() if k != "loads"}, current)
    loads = _loads(actor, shipment, changes["loads"], container=container) if "loads" in changes else None
    for field, value in values.items():
        setattr(container, field, value)
    _save_container(container)
    if loads is not None:
        _replace_loads(actor, container, loads)
    return selectors.container_get(actor=actor, shipment_id=shipment.pk, container_id=container.pk, action="write")


@transaction.atomic
def container_remove(*, actor: Actor, shipment_id: int, container_id: int) -> None:
    shipment = _locked(actor, shipment_id)
    container = selectors.container_get(actor=actor, shipment_id=shipment.pk, container_id=container_id, action="write")
    _require_open(shipment)
    ContainerLoad.objects.for_actor(actor, "write").filter(container=container).delete()
    container.delete()


# -- milestones ---------------------------------------------------------------------------------------


@transaction.atomic
def milestone_add(
    *,
    actor: Actor,
    shipment_id: int,
    kind: str,
    occurred_at: dt.datetime | str | None,
    location: str = "",
    note: str = "",
) -> Milestone:
    """Add an event to the timeline by hand (status rows come only from transitions)."""
    shipment = _locked(actor, shipment_id)
    checks = Checks()
    if kind not in MANUAL_MILESTONE_KINDS:
        checks.add("kind", _("Choose what happened from the list."))
    moment = checks.run("occurred_at", lambda: validation.moment("occurred_at", occurred_at))
    if moment is not None and moment > timezone.now() + dt.timedelta(days=1):
        checks.add("occurred_at", _("A milestone records what happened; this time is in the future."))
    place = checks.run("location", lambda: validation.locode("location", location), "")
    text = checks.run("note", lambda: validation.text("note", note, limit=NOTE_LIMIT), "")
    if kind == MilestoneKind.NOTE and not text:
        checks.add("note", _("Write the note."))
    if moment is None and not checks.failed("occurred_at"):
        checks.add("occurred_at", _("Give the date and time it happened."))
    checks.raise_if_any()
    if moment is None:  # reported above; this tells the type checker
        raise ValidationFailed.on("occurred_at", _("Give the date and time it happened."))
    milestone = _milestone(actor=actor, shipment=shipment, kind=kind, occurred_at=moment, location=place, note=text)
    return Milestone.objects.for_actor(actor, "write").select_related("recorded_by").get(pk=milestone.pk)


# -- saved views --------------------------------------------------------------------------------------

#: The list filters a saved view may hold, as the list page's query string names them.
VIEW_FILTERS = (
    "q",
    "direction",
    "status",
    "port",
    "eta_from",
    "eta_to",
    "party",
    "enterprise",
    "handled_by",
    "ordering",
)
VIEW_NAME_LIMIT = 80
#: Saved views per person and enterprise: a row of links above the list, not a second database.
VIEW_LIMIT = 50


def _view_filter(key: str, value: Any, field: str) -> str:
    """One filter value checked and in the list page's form (dates as YYYY-MM-DD, ids as digits)."""
    text = ("" if value is None else str(value)).strip()
    if not text:
        return ""
    if key == "q":
        return validation.text(field, text, limit=selectors.QUERY_MAX_LENGTH)
    if key == "direction" and text not in Direction.values:
        raise ValidationFailed.on(field, _("Choose import or export."))
    if key == "status" and text not in ShipmentStatus.values:
        raise ValidationFailed.on(field, _("“%(status)s” is not a shipment status.") % {"status": text[:20]})
    if key == "port":
        text = text.replace(" ", "").upper()
        if not selectors.LOCODE.fullmatch(text):
            raise ValidationFailed.on(field, _("Give the port as its 5-character UN/LOCODE, e.g. CNSHA."))
    if key in ("eta_from", "eta_to"):
        try:
            text = dt.date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            raise ValidationFailed.on(field, _("Give a date like 2026-03-01.")) from None
    if key in ("party", "enterprise", "handled_by") and not (text.isdigit() and len(text) <= 18):
        raise ValidationFailed.on(field, _("Give the id as a whole number."))
    if key == "ordering":
        terms = [term.strip() for term in text.split(",")]
        if not all(term.removeprefix("-") in selectors.SHIPMENT_ORDERING for term in terms):
            raise ValidationFailed.on(
                field,
                _("Order by %(fields)s, with - for descending.") % {"fields": ", ".join(selectors.SHIPMENT_ORDERING)},
            )
        text = ",".join(terms)
    return text


def _view_filters(raw: Any) -> dict[str, str]:
    """The filters checked on `filters.<name>`; empty ones are left out."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ValidationFailed.on("filters", _("Give the filters as an object of names and values."))
    checks = Checks()
    values: dict[str, str] = {}
    for key, value in raw.items():
        field = f"filters.{key}"
        if key not in VIEW_FILTERS:
            checks.add(field, _("Unknown filter: use %(names)s.") % {"names": ", ".join(VIEW_FILTERS)})
            continue
        checked = checks.run(field, partial(_view_filter, str(key), value, field), "")
        if checked:
            values[str(key)] = checked
    if values.get("eta_from") and values.get("eta_to") and values["eta_from"] > values["eta_to"]:
        checks.add("filters.eta_to", _("The end of the ETA range is before its start."))
    checks.raise_if_any()
    return {key: values[key] for key in VIEW_FILTERS if key in values}


@transaction.atomic
def saved_view_create(*, actor: Actor, name: str, filters: Mapping[str, Any] | None = None) -> SavedView:
    """Save list filters under a name for the actor in its active enterprise; a name is used once per person."""
    enterprise_id = actor.enterprise_id
    if enterprise_id is None or enterprise_id not in actor.enterprise_ids_for("shipments", "read"):
        raise PermissionDenied(_("Choose an enterprise whose shipments you may read first."))
    checks = Checks()
    label = checks.run(
        "name",
        partial(validation.text, "name", name, limit=VIEW_NAME_LIMIT, required=_("Give the view a name.")),
        "",
    )
    values = checks.run("filters", partial(_view_filters, filters), {})
    checks.raise_if_any()
    mine = selectors.saved_views(actor=actor)
    if mine.filter(name=label).exists():
        raise ValidationFailed.on("name", _("You already have a view named “%(name)s”.") % {"name": label})
    if mine.count() >= VIEW_LIMIT:
        raise ValidationFailed.on("name", _("You have %(max)d saved views; delete one first.") % {"max": VIEW_LIMIT})
    try:
        with transaction.atomic():
            view = SavedView.objects.create(enterprise_id=enterprise_id, user=actor.user, name=label, filters=values)
    except IntegrityError:  # the same name saved at the same moment
        raise ValidationFailed.on("name", _("You already have a view named “%(name)s”.") % {"name": label}) from None
    return selectors.saved_view_get(actor=actor, view_id=view.pk)


@transaction.atomic
def saved_view_delete(*, actor: Actor, view_id: int) -> None:
    """Delete one of the actor's own saved views (another person's looks absent)."""
    view = selectors.saved_view_get(actor=actor, view_id=view_id)
    selectors.saved_views(actor=actor).filter(pk=view.pk).delete()


# -- attached documents -------------------------------------------------------------------------------


def _attach(actor: Actor, shipment: Shipment, document: Document) -> ShipmentDocument:
    if document.enterprise_id != shipment.enterprise_id:
        raise ValidationFailed.on("document_id", _("The document belongs to another enterprise than the shipment."))
    link, _created = ShipmentDocument.objects.unscoped().get_or_create(
        shipment=shipment,
        document=document,
        defaults={"enterprise_id": shipment.enterprise_id, "attached_by": actor.user},
    )
    return link


@transaction.atomic
def shipment_document_attach(*, actor: Actor, shipment_id: int, document_id: Any) -> ShipmentDocument:
    """Attach one of the enterprise's documents to the shipment (attaching it again changes nothing)."""
    shipment = _locked(actor, shipment_id)
    try:
        document = document_get(actor=actor, document_id=int(document_id))
    except (NotFound, TypeError, ValueError):
        raise ValidationFailed.on("document_id", _("No such document, or you have no access to it.")) from None
    return _attach(actor, shipment, document)


def shipment_document_upload(
    *, actor: Actor, shipment_id: int, title: str, category: str, file: UploadedFile, description: str = ""
) -> ShipmentDocument:
    """Upload a file into the shipment's enterprise's documents and attach it, in one transaction (the stored
    file is removed again if anything fails)."""
    shipment = selectors.shipment_get(actor=actor, shipment_id=shipment_id, action="write")
    with transaction.atomic():
        document = document_create(
            actor=actor,
            enterprise_id=shipment.enterprise_id,
            title=title,
            category=category,
            file=file,
            description=description,
        )
        try:
            return _attach(actor, _locked(actor, shipment.pk), document)
        except BaseException:
            document.file.storage.delete(document.file.name)
            raise


@transaction.atomic
def shipment_document_detach(*, actor: Actor, shipment_id: int, document_id: int) -> None:
    """Remove the document from the shipment; the file stays in the enterprise's documents."""
    shipment = _locked(actor, shipment_id)
    deleted, _rows = (
        ShipmentDocument.objects.for_actor(actor, "write").filter(shipment=shipment, document_id=document_id).delete()
    )
    if not deleted:
        raise NotFound(_("The document is not attached to this shipment."))
