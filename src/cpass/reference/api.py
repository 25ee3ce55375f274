"""/api/v1/reference: the code tables, their entries by date, and staff changes."""

from datetime import date

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from cpass.core.api import Pagination, request_actor
from cpass.core.idempotency import idempotent
from cpass.reference import selectors, services
from cpass.reference.models import CodeEntry, CodeTable
from cpass.reference.schemas import CodeEntryCreateIn, CodeEntryOut, CodeEntryUpdateIn, CodeTableOut

router = Router()


@router.get("/tables", response=list[CodeTableOut], summary="The code tables")
@paginate(Pagination)
def table_list(request: HttpRequest) -> QuerySet[CodeTable]:
    return selectors.table_list(actor=request_actor(request))


@router.get("/tables/{key}", response=CodeTableOut, summary="One code table")
def table_get(request: HttpRequest, key: str) -> CodeTable:
    return selectors.table_get(actor=request_actor(request), key=key)


@router.get("/tables/{key}/entries", response=list[CodeEntryOut], summary="Entries valid on a date")
@paginate(Pagination)
def entry_list(
    request: HttpRequest, key: str, q: str | None = None, on: date | None = None, all_versions: bool = False
) -> QuerySet[CodeEntry]:
    """Entries valid `on` (today by default; every version with `all_versions`); `q` matches the start of
    the code or any part of the English or Chinese name."""
    return selectors.entry_search(actor=request_actor(request), key=key, q=q, on=on, all_versions=all_versions)


@router.post("/tables/{key}/entries", response={201: CodeEntryOut}, summary="Add a version of a code (staff)")
@idempotent
def entry_create(request: HttpRequest, key: str, payload: CodeEntryCreateIn) -> Status[CodeEntry]:
    entry = services.code_entry_create(actor=request_actor(request), table_key=key, **payload.dict())
    return Status(201, entry)


@router.get("/tables/{key}/entries/{code}", response=CodeEntryOut, summary="The version of a code valid on a date")
def entry_get(request: HttpRequest, key: str, code: str, on: date | None = None) -> CodeEntry:
    """404 when no version of the code is valid `on` (today by default)."""
    return selectors.entry_on(actor=request_actor(request), key=key, code=code, on=on)


@router.get("/tables/{key}/entries/{code}/versions", response=list[CodeEntryOut], summary="Every version of a code")
def entry_versions(request: HttpRequest, key: str, code: str) -> QuerySet[CodeEntry]:
    return selectors.entry_versions(actor=request_actor(request), key=key, code=code)


@router.patch("/entries/{int:entry_id}", response=CodeEntryOut, summary="Correct a version (staff)")
def entry_update(request: HttpRequest, entry_id: int, payload: CodeEntryUpdateIn) -> CodeEntry:
    return services.code_entry_update(
        actor=request_actor(request), entry_id=entry_id, **payload.dict(exclude_unset=True)
    )
