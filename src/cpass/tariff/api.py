"""/api/v1/tariff: jurisdictions, the HS nomenclature, national tariff lines, the lookup and element templates.

Reference data: any signed-in verified person reads it (a token needs reference:read). Lines are
written by the importers (/api/v1/imports, kinds tariff, hs-nomenclature, us-hts, declaration-elements).
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import paginate

from cpass.core.api import Pagination, request_actor
from cpass.core.errors import NotFound
from cpass.core.platform import require_reference_read
from cpass.tariff import selectors
from cpass.tariff.models import DeclarationElements, HsNode, Jurisdiction, TariffLine
from cpass.tariff.schemas import (
    HsNodeDetailOut,
    HsNodeOut,
    TariffElementsOut,
    TariffJurisdictionOut,
    TariffLineDetailOut,
    TariffLineOut,
    TariffQuoteOut,
)
from cpass.tariff.selectors import TariffQuote

router = Router()


def _read(request: HttpRequest) -> None:
    require_reference_read(request_actor(request))


@router.get("/jurisdictions", response=list[TariffJurisdictionOut], summary="Jurisdictions with a tariff schedule")
def jurisdiction_list(request: HttpRequest) -> QuerySet[Jurisdiction]:
    _read(request)
    return selectors.jurisdictions()


@router.get("/hs", response=list[HsNodeOut], summary="Browse or search the HS nomenclature")
@paginate(Pagination)
def hs_node_list(
    request: HttpRequest, parent: str | None = None, q: str | None = None, edition: str = "HS2022"
) -> QuerySet[HsNode]:
    """The sections, or the children of `parent` (a section number such as "XVI" or a 2/4-digit code); with
    `q`, nodes whose code starts with the digits of `q` or whose English or Chinese text contains it."""
    _read(request)
    return selectors.hs_nodes(parent=parent, q=q or "", edition=edition)


@router.get("/hs/{code}", response=HsNodeDetailOut, summary="One HS node with its path and children")
def hs_node_get(request: HttpRequest, code: str, edition: str = "HS2022") -> dict[str, Any]:
    _read(request)
    node = selectors.hs_node(code, edition=edition)
    return {"node": node, "path": selectors.hs_ancestry(node), "children": list(selectors.hs_children(node))}


@router.get("/lines", response=list[TariffLineOut], summary="National tariff lines of a jurisdiction")
@paginate(Pagination)
def tariff_line_list(
    request: HttpRequest,
    jurisdiction: str = "CN",
    prefix: str = "",
    chapter: str = "",
    on: dt.date | None = None,
) -> QuerySet[TariffLine]:
    """Lines whose code starts with `prefix` and lies in `chapter` (2 digits); with `on`, only the versions
    valid on that date, otherwise every version."""
    _read(request)
    return selectors.tariff_lines(jurisdiction=jurisdiction, prefix=prefix, chapter=chapter, on=on)


@router.get("/lines/{int:line_id}", response=TariffLineDetailOut, summary="One line version: rates, units, template")
def tariff_line_get(request: HttpRequest, line_id: int) -> TariffLine:
    _read(request)
    line = selectors.tariff_line_get(line_id)
    line.elements = selectors.line_elements(line, today=timezone.localdate())  # type: ignore[attr-defined]
    line.versions = list(selectors.line_history(line).select_related("jurisdiction"))  # type: ignore[attr-defined]
    return line


@router.get("/lookup", response=TariffQuoteOut, summary="Which line, which rates, on this date, for this origin")
def tariff_lookup(
    request: HttpRequest,
    code: str,
    jurisdiction: str = "CN",
    date: dt.date | None = None,
    origin: str | None = None,
    ciq_code: str = "",
    proof_of_origin: bool = False,
) -> TariffQuote:
    """`date` defaults to today; `origin` is ISO alpha-3 (JPN, DEU). Conventional and special preferential
    rates open to the origin apply only with `proof_of_origin=true` (a certificate of origin or an origin
    declaration claimed); without it the reason names the rate the proof would open. A date outside every
    validity period of the code is a 422 naming the periods that exist; an unknown code is a 404."""
    _read(request)
    return selectors.tariff_lookup(
        jurisdiction=jurisdiction,
        code=code,
        on=date or timezone.localdate(),
        origin=origin,
        ciq_code=ciq_code,
        date_field="date",
        proof_of_origin=proof_of_origin,
    )


@router.get("/elements", response=TariffElementsOut, summary="The declaration elements template of a code")
def element_template_get(
    request: HttpRequest, code: str, jurisdiction: str = "CN", on: dt.date | None = None
) -> DeclarationElements:
    """The template (申报要素) of the longest prefix of `code` (a heading or longer) valid `on` (today by default)."""
    _read(request)
    template = selectors.element_template(jurisdiction=jurisdiction, code=code, on=on or timezone.localdate())
    if template is None:
        raise NotFound(_("No declaration elements template covers %(code)s on that date.") % {"code": code})
    return template
