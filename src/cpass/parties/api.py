"""/api/v1/parties: parties (own and granted clients'), screening review items and, for platform
staff, the restricted-party lists."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from cpass.core.actor import Actor
from cpass.core.api import Pagination, request_actor, scoped_actor
from cpass.core.idempotency import idempotent
from cpass.parties import selectors, services
from cpass.parties.models import Party, RestrictedEntry, RestrictedList, ScreeningMatch
from cpass.parties.schemas import (
    MatchDecisionIn,
    MatchOrdering,
    MatchStatusValue,
    PartyCreateIn,
    PartyOrdering,
    PartyOut,
    PartyRoleValue,
    PartyUpdateIn,
    RestrictedEntryOut,
    RestrictedListOut,
    ScreeningMatchOut,
    ScreeningStatusValue,
)

router = Router()


def _scoped(request: HttpRequest, action: str) -> Actor:
    return scoped_actor(request, "parties", action)


@router.get("", response=list[PartyOut], summary="Parties I can read: my enterprise's and my clients' shared ones")
@paginate(Pagination)
def party_list(
    request: HttpRequest,
    enterprise: int | None = None,
    role: PartyRoleValue | None = None,
    country: str | None = None,
    status: ScreeningStatusValue | None = None,
    active: bool | None = None,
    q: str | None = None,
    ordering: PartyOrdering | None = None,
) -> QuerySet[Party]:
    """Filter by owner `enterprise`, `role`, `country` (alpha-3), screening `status`, `active`; `q` searches
    names and identifiers; `ordering` e.g. name_local,-created_at."""
    return selectors.party_list(
        actor=_scoped(request, "read"),
        enterprise_id=enterprise,
        role=role,
        country=country,
        status=status,
        active=active,
        q=q,
        ordering=ordering,
    )


@router.post("", response={201: PartyOut}, summary="Create a party (screened at once)")
@idempotent
def party_create(request: HttpRequest, payload: PartyCreateIn) -> Status[Party]:
    party = services.party_create(actor=_scoped(request, "write"), **payload.dict())
    return Status(201, party)


@router.get("/matches", response=list[ScreeningMatchOut], summary="Screening review items")
@paginate(Pagination)
def match_list(
    request: HttpRequest,
    status: MatchStatusValue | None = None,
    party: int | None = None,
    enterprise: int | None = None,
    ordering: MatchOrdering | None = None,
) -> QuerySet[ScreeningMatch]:
    """`status` open (the review queue), confirmed, cleared or withdrawn; `party` id; `ordering` e.g. -score."""
    return selectors.match_list(
        actor=_scoped(request, "read"), status=status, party_id=party, enterprise_id=enterprise, ordering=ordering
    )


@router.get("/matches/{int:match_id}", response=ScreeningMatchOut)
def match_get(request: HttpRequest, match_id: int) -> ScreeningMatch:
    return selectors.match_get(actor=_scoped(request, "read"), match_id=match_id)


@router.post("/matches/{int:match_id}/decision", response=ScreeningMatchOut, summary="Confirm or clear a match")
@idempotent
def match_decide(request: HttpRequest, match_id: int, payload: MatchDecisionIn) -> ScreeningMatch:
    return services.screening_match_decide(actor=_scoped(request, "write"), match_id=match_id, **payload.dict())


@router.get("/restricted-lists", response=list[RestrictedListOut], summary="Restricted-party lists (platform staff)")
@paginate(Pagination)
def restricted_list_list(request: HttpRequest) -> QuerySet[RestrictedList]:
    return selectors.restricted_list_list(actor=request_actor(request))


@router.get(
    "/restricted-lists/{int:list_id}/entries",
    response=list[RestrictedEntryOut],
    summary="Entries of a restricted-party list (platform staff)",
)
@paginate(Pagination)
def restricted_entry_list(request: HttpRequest, list_id: int, q: str | None = None) -> QuerySet[RestrictedEntry]:
    return selectors.restricted_entry_list(actor=request_actor(request), list_id=list_id, q=q)


@router.get("/{int:party_id}", response=PartyOut)
def party_get(request: HttpRequest, party_id: int) -> Party:
    return selectors.party_get(actor=_scoped(request, "read"), party_id=party_id)


@router.patch("/{int:party_id}", response=PartyOut, summary="Change some fields (screened again)")
def party_update(request: HttpRequest, party_id: int, payload: PartyUpdateIn) -> Party:
    # null means "leave as is"; "" clears a text field.
    changes = {name: value for name, value in payload.dict(exclude_unset=True).items() if value is not None}
    return services.party_update(actor=_scoped(request, "write"), party_id=party_id, **changes)


@router.delete("/{int:party_id}", response={204: None}, summary="Deactivate a party (it is never deleted)")
def party_delete(request: HttpRequest, party_id: int) -> Status[None]:
    services.party_deactivate(actor=_scoped(request, "write"), party_id=party_id)
    return Status(204, None)


@router.post("/{int:party_id}/rescreen", response=PartyOut, summary="Screen a party again now")
@idempotent
def party_rescreen(request: HttpRequest, party_id: int) -> Party:
    """Against the restricted-party lists as they stand now; the answer's screening status says the result
    (`review` when a new match waits for a person: GET …/matches)."""
    return services.party_rescreen(actor=_scoped(request, "write"), party_id=party_id)


@router.get("/{int:party_id}/matches", response=list[ScreeningMatchOut], summary="A party's review items")
@paginate(Pagination)
def party_matches(request: HttpRequest, party_id: int) -> QuerySet[ScreeningMatch]:
    actor = _scoped(request, "read")
    party = selectors.party_get(actor=actor, party_id=party_id)
    return selectors.match_list(actor=actor, party_id=party.pk, ordering="-created_at")
