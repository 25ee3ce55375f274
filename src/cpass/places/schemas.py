"""API shapes of locations."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from cpass.core.api import InputSchema, one_of
from cpass.places.models import FUNCTION_FILTERS, CoordinatesSource

#: The `?function=` filter of the place search.
PlaceFunctionValue = Annotated[str, one_of(FUNCTION_FILTERS)]


class LocationCoordinatesIn(InputSchema):
    latitude: Decimal | None = Field(..., description="Decimal degrees, -90 to 90; null with longitude: not known.")
    longitude: Decimal | None = Field(..., description="Decimal degrees, -180 to 180.")


class LocationOut(Schema):
    unlocode: str
    country: str
    location: str
    name: str
    name_ascii: str
    subdivision: str
    status: str
    function: str
    is_seaport: bool
    is_rail: bool
    is_road: bool
    is_airport: bool
    is_postal: bool
    is_icd: bool
    is_fixed_transport: bool
    is_border_crossing: bool
    iata: str
    latitude: Decimal | None
    longitude: Decimal | None
    #: unlocode (surveyed), geocoded (approximate), suspect (geocoded and probably wrong), or "" without
    #: coordinates.
    coordinates_source: Annotated[str, one_of(CoordinatesSource, blank=True)]
    remarks: str
