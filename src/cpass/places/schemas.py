"""API shapes of locations."""

from __future__ import annotations

from decimal import Decimal

from ninja import Schema


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
    #: "unlocode", "geocoded" (approximate, sometimes far off) or "" without coordinates.
    coordinates_source: str
    remarks: str
