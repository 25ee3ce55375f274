"""Checking geocoded coordinates against the surveyed ones around them.

UN/LOCODE's own coordinates are surveyed; many rows of the published list carry coordinates added
later by a geocoder, and some of those are far off (CNSZX, Shenzhen airport, placed near Kashgar).
A geocoded point is *suspect* when it lies far from the median of the surveyed points of its
subdivision (or, without enough of those, of its country): more than a floor distance and more than
a few times the typical distance of the surveyed points from that median.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0
#: Fewer surveyed points than this say nothing about where a region lies.
MIN_REFERENCE_POINTS = 3
#: A geocoded point is suspect beyond max(floor, SPREAD_FACTOR × the region's median spread).
SUBDIVISION_FLOOR_KM = 500.0
COUNTRY_FLOOR_KM = 1500.0
SPREAD_FACTOR = 4.0


@dataclass(frozen=True)
class Point:
    id: int
    country: str
    subdivision: str
    latitude: float
    longitude: float
    #: True for coordinates UN/LOCODE published itself; False for geocoded ones (the ones checked).
    surveyed: bool


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) pairs in degrees (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class _Region:
    centre: tuple[float, float]
    limit_km: float


def _region(points: list[tuple[float, float]], floor_km: float) -> _Region | None:
    if len(points) < MIN_REFERENCE_POINTS:
        return None
    centre = (statistics.median(p[0] for p in points), statistics.median(p[1] for p in points))
    spread = statistics.median(distance_km(centre, p) for p in points)
    return _Region(centre, max(floor_km, SPREAD_FACTOR * spread))


def suspect_points(points: Iterable[Point]) -> set[int]:
    """The ids of the geocoded points that lie implausibly far from the surveyed points of their region.

    A point whose region has too few surveyed points is given the benefit of the doubt.
    """
    all_points = list(points)
    by_subdivision: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    by_country: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for point in all_points:
        if point.surveyed:
            by_country[point.country].append((point.latitude, point.longitude))
            if point.subdivision:
                by_subdivision[(point.country, point.subdivision)].append((point.latitude, point.longitude))
    subdivisions = {key: _region(found, SUBDIVISION_FLOOR_KM) for key, found in by_subdivision.items()}
    countries = {key: _region(found, COUNTRY_FLOOR_KM) for key, found in by_country.items()}
    suspect = set()
    for point in all_points:
        if point.surveyed:
            continue
        region = subdivisions.get((point.country, point.subdivision)) if point.subdivision else None
        region = region or countries.get(point.country)
        if region and distance_km(region.centre, (point.latitude, point.longitude)) > region.limit_km:
            suspect.add(point.id)
    return suspect
