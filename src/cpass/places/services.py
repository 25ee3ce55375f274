"""Writes of places: platform staff correct a location's coordinates (UN/LOCODE's geocoded ones can be far off).

Loading files is the importer's (cpass.places.importers); it keeps corrected coordinates.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cpass.core.actor import Actor
from cpass.core.errors import ValidationFailed
from cpass.core.platform import require_platform_staff
from cpass.places.importers import SIX_PLACES
from cpass.places.models import CoordinatesSource, Location
from cpass.places.selectors import location_get

_LIMITS = {"latitude": Decimal(90), "longitude": Decimal(180)}


def _coordinate(name: str, value: Any) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationFailed.on(name, _("“%(value)s” is not a number.") % {"value": str(value)[:20]}) from None
    if not number.is_finite() or abs(number) > _LIMITS[name]:
        raise ValidationFailed.on(name, _("Between -%(limit)s and %(limit)s degrees.") % {"limit": _LIMITS[name]})
    return number.quantize(SIX_PLACES)


@transaction.atomic
def location_coordinates_set(*, actor: Actor, unlocode: str, latitude: Any, longitude: Any) -> Location:
    """Platform staff set a location's coordinates (decimal degrees, 6 places) or clear both; they are marked
    corrected, so a later UN/LOCODE load keeps them. Audited like every change of a location."""
    require_platform_staff(actor)
    location = location_get(actor=actor, unlocode=unlocode)
    location = Location.objects.select_for_update().get(pk=location.pk)
    values = {"latitude": _coordinate("latitude", latitude), "longitude": _coordinate("longitude", longitude)}
    missing = [name for name, value in values.items() if value is None]
    if len(missing) == 1:
        raise ValidationFailed.on(missing[0], _("Give both latitude and longitude, or neither."))
    location.latitude, location.longitude = values["latitude"], values["longitude"]
    location.coordinates_source = CoordinatesSource.CORRECTED  # also when cleared: staff say "not known"
    location.save()
    return location
