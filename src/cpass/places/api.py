"""/api/v1/places: search UN/LOCODE locations and read one by its code (any signed-in person)."""

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from cpass.core.api import Pagination, request_actor
from cpass.core.idempotency import idempotent
from cpass.places import selectors, services
from cpass.places.models import Location
from cpass.places.schemas import LocationCoordinatesIn, LocationOut, PlaceFunctionValue

router = Router()


@router.get("", response=list[LocationOut], summary="Search ports and places")
@paginate(Pagination)
def place_list(
    request: HttpRequest,
    q: str | None = None,
    country: str | None = None,
    function: PlaceFunctionValue | None = None,
) -> selectors.LocationSearch:
    """`q`: code prefix ("CNSHA", "CN SHA") or the start of the name or of a word in it (case and accents
    ignored; Chinese matches as pinyin). `country`: ISO alpha-2. `function`: port, airport, rail, road,
    postal, icd, fixed, border. Ranked: exact code, code prefix, exact name, name prefix, word prefix;
    within each, sea ports and airports first."""
    return selectors.location_search(actor=request_actor(request), q=q, country=country, function=function)


@router.get("/{unlocode}", response=LocationOut, summary="One location by its UN/LOCODE")
def place_get(request: HttpRequest, unlocode: str) -> Location:
    return selectors.location_get(actor=request_actor(request), unlocode=unlocode)


@router.put(
    "/{unlocode}/coordinates", response=LocationOut, summary="Correct a location's coordinates (platform staff)"
)
@idempotent
def place_coordinates_set(request: HttpRequest, unlocode: str, payload: LocationCoordinatesIn) -> Location:
    """Decimal degrees (6 places kept), both or neither (null: not known). The location is marked
    `coordinates_source: corrected`, and a later UN/LOCODE load keeps the correction."""
    return services.location_coordinates_set(
        actor=request_actor(request), unlocode=unlocode, latitude=payload.latitude, longitude=payload.longitude
    )
