"""/api/v1/classification: HS search and classification suggestions (reads of reference data)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from cpass.classification import selectors
from cpass.classification.schemas import HsSearchHitOut, SuggestIn, SuggestOut
from cpass.core.api import request_actor
from cpass.core.idempotency import idempotent

router = Router()


@router.get("/hs-search", response=list[HsSearchHitOut], summary="Search HS codes and national lines")
def hs_search(
    request: HttpRequest, q: str = "", jurisdiction: str = "CN", limit: int = 20
) -> list[selectors.SearchHit]:
    """`q`: the first digits of a code ("8413.60") or words in English or Chinese; `limit` 1 to 50."""
    return selectors.hs_search(actor=request_actor(request), q=q, jurisdiction=jurisdiction, limit=limit)


@router.post("/suggest", response=SuggestOut, summary="Suggest HS codes for a product description")
@idempotent
def suggest(request: HttpRequest, payload: SuggestIn) -> dict[str, list[Any]]:
    """Top codes with scores, the nomenclature path and why; it never applies a code."""
    suggestions = selectors.suggest(
        actor=request_actor(request), text=payload.text, jurisdiction=payload.jurisdiction, limit=payload.limit
    )
    return {"suggestions": suggestions, "translations": selectors.query_translations(text=payload.text)}
