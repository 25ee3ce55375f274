"""The fixed vocabularies of shipments: direction, status and its workflow, Incoterms 2020, milestone kinds."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")


#: The job number prefix of each direction: IM-2026-00042, EX-2026-00007.
JOB_PREFIX = {Direction.IMPORT: "IM", Direction.EXPORT: "EX"}


class ShipmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    BOOKED = "booked", _("Booked")
    IN_TRANSIT = "in_transit", _("In transit")
    ARRIVED = "arrived", _("Arrived")
    CLEARED = "cleared", _("Cleared")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


S = ShipmentStatus
#: The steps a shipment takes. An import is cleared after it arrives; an export is cleared before it
#: leaves. Any shipment not yet delivered may be cancelled; closed and cancelled are final.
_FORWARD = {
    Direction.IMPORT: [S.DRAFT, S.BOOKED, S.IN_TRANSIT, S.ARRIVED, S.CLEARED, S.DELIVERED, S.CLOSED],
    Direction.EXPORT: [S.DRAFT, S.BOOKED, S.CLEARED, S.IN_TRANSIT, S.ARRIVED, S.DELIVERED, S.CLOSED],
}
_CANCELLABLE = {S.DRAFT, S.BOOKED, S.IN_TRANSIT, S.ARRIVED, S.CLEARED}
#: Statuses after which a shipment no longer changes, nor takes new customs declarations.
FINAL = frozenset({S.CLOSED, S.CANCELLED})


def next_statuses(direction: str, status: str) -> list[ShipmentStatus]:
    """The statuses a shipment of `direction` may move to from `status`, in the order people take them."""
    steps = _FORWARD.get(Direction(direction), [])
    following: list[ShipmentStatus] = []
    if status in steps:
        index = steps.index(ShipmentStatus(status))
        if index + 1 < len(steps):
            following.append(steps[index + 1])
    if status in _CANCELLABLE:
        following.append(S.CANCELLED)
    return following


class Incoterm(models.TextChoices):
    """Incoterms® 2020: the eleven rules; the named place goes with them."""

    EXW = "EXW", _("EXW – Ex Works")
    FCA = "FCA", _("FCA – Free Carrier")
    CPT = "CPT", _("CPT – Carriage Paid To")
    CIP = "CIP", _("CIP – Carriage and Insurance Paid To")
    DAP = "DAP", _("DAP – Delivered at Place")
    DPU = "DPU", _("DPU – Delivered at Place Unloaded")
    DDP = "DDP", _("DDP – Delivered Duty Paid")
    FAS = "FAS", _("FAS – Free Alongside Ship")
    FOB = "FOB", _("FOB – Free on Board")
    CFR = "CFR", _("CFR – Cost and Freight")
    CIF = "CIF", _("CIF – Cost, Insurance and Freight")


class MilestoneKind(models.TextChoices):
    """What happened. `status` rows are written by the transition service; the others by people."""

    STATUS = "status", _("Status changed")
    BOOKING_CONFIRMED = "booking_confirmed", _("Booking confirmed")
    GATE_IN = "gate_in", _("Gate in at terminal")
    LOADED = "loaded", _("Loaded on board")
    DEPARTED = "departed", _("Departed")
    TRANSSHIPMENT = "transshipment", _("Transshipment")
    ARRIVED = "arrived", _("Arrived")
    DISCHARGED = "discharged", _("Discharged")
    CUSTOMS_HOLD = "customs_hold", _("Customs hold / inspection")
    CUSTOMS_RELEASED = "customs_released", _("Released by customs")
    GATE_OUT = "gate_out", _("Gate out from terminal")
    DELIVERED = "delivered", _("Delivered to consignee")
    EMPTY_RETURNED = "empty_returned", _("Empty container returned")
    NOTE = "note", _("Note")


#: The kinds a person may add by hand (status rows come only from transitions).
MANUAL_MILESTONE_KINDS = [choice for choice in MilestoneKind if choice != MilestoneKind.STATUS]
