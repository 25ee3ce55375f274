"""UN/LOCODE locations (港口与地点): ports, airports, rail and road terminals, inland depots.

Platform-wide reference data: every signed-in person reads it, platform staff load it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CoordinatesSource(models.TextChoices):
    UNLOCODE = "unlocode", _("UN/LOCODE")
    GEOCODED = "geocoded", _("Geocoded (approximate)")
    #: Geocoded, and far from the surveyed places of its subdivision or country: probably wrong.
    SUSPECT = "suspect", _("Geocoded, probably wrong")
    #: Set by platform staff; a later UN/LOCODE load keeps it.
    CORRECTED = "corrected", _("Corrected by platform staff")


#: The `?function=` filter values and the flag each one selects.
FUNCTION_FILTERS = {
    "port": "is_seaport",
    "rail": "is_rail",
    "road": "is_road",
    "airport": "is_airport",
    "postal": "is_postal",
    "icd": "is_icd",
    "fixed": "is_fixed_transport",
    "border": "is_border_crossing",
}


class Location(models.Model):
    """One UN/LOCODE entry: a five-character code (country + location), names, functions, coordinates.

    `name` keeps the source's diacritics when they survived; `search_key` is the lower-case ASCII
    folding the search matches against (accent- and case-insensitive, Chinese input as pinyin).
    `is_major` (sea port or airport) is stored, not derived, so that the search reads major places
    first straight from an index (see cpass.places.selectors.location_search).
    """

    unlocode = models.CharField(_("UN/LOCODE"), max_length=5, unique=True)
    country = models.CharField(_("country"), max_length=2)
    location = models.CharField(_("location code"), max_length=3)
    name = models.CharField(_("name"), max_length=100)
    name_ascii = models.CharField(_("name without diacritics"), max_length=100)
    search_key = models.CharField(_("search key"), max_length=120)
    subdivision = models.CharField(_("subdivision"), max_length=3, blank=True)
    status = models.CharField(_("status"), max_length=2, blank=True)
    function = models.CharField(_("function"), max_length=8)
    is_seaport = models.BooleanField(_("sea port"), default=False)
    is_rail = models.BooleanField(_("rail terminal"), default=False)
    is_road = models.BooleanField(_("road terminal"), default=False)
    is_airport = models.BooleanField(_("airport"), default=False)
    is_postal = models.BooleanField(_("postal exchange office"), default=False)
    is_icd = models.BooleanField(_("inland clearance depot"), default=False)
    is_fixed_transport = models.BooleanField(_("fixed transport installation"), default=False)
    is_border_crossing = models.BooleanField(_("border crossing"), default=False)
    is_major = models.BooleanField(_("major (sea port or airport)"), default=False)
    iata = models.CharField(_("IATA code"), max_length=3, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    coordinates_source = models.CharField(
        _("coordinates source"), max_length=10, choices=CoordinatesSource.choices, blank=True
    )
    remarks = models.CharField(_("remarks"), max_length=200, blank=True)

    class Meta:
        ordering = ["unlocode"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        # The orders the search reads in (selectors.location_search), so that each part of it stops
        # after one page instead of sorting every match: the list by code, names, a country by name.
        indexes = [
            models.Index(fields=["-is_major", "unlocode"], name="places_loc_major_code"),
            models.Index(fields=["-is_major", "search_key", "unlocode"], name="places_loc_major_name"),
            models.Index(fields=["country", "-is_major", "search_key", "unlocode"], name="places_loc_country_name"),
        ]

    def __str__(self) -> str:
        return f"{self.unlocode} {self.name}"

    @property
    def spaced_code(self) -> str:
        """The code as printed on documents: "CN SHA"."""
        return f"{self.country} {self.location}"

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def coordinates_approximate(self) -> bool:
        return self.coordinates_source in (CoordinatesSource.GEOCODED, CoordinatesSource.SUSPECT)

    @property
    def coordinates_suspect(self) -> bool:
        return self.coordinates_source == CoordinatesSource.SUSPECT


class LocationKey(models.Model):
    """One searchable tail of a location's name that starts at a later word ("shanghai pudong apt"
    → "pudong apt", "apt"): a prefix range over `key` finds the names with a word starting with the
    query. The name's own start is searched on `Location.search_key`. Written only by the locode importer.
    """

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(max_length=120)

    class Meta:
        verbose_name = _("location search key")
        verbose_name_plural = _("location search keys")
        # A plain index (not db_index): the search reads `key` by range, which PostgreSQL's
        # pattern-ops index that db_index would add does not serve.
        indexes = [models.Index(fields=["key"], name="places_key_key")]

    def __str__(self) -> str:
        return self.key
