"""/api/v1 PDF documents: the declaration draft, a shipment's commercial invoice and packing list.

Mounted at the API root (`api.add_router("", router, tags=["printing"])`), so the paths read as the pages'.
The language is `?lang=en|zh-hans`, else the request's (Accept-Language or the language cookie). Scopes:
customs:read for the draft, shipments:read for the shipment documents. 503 problem+json when this server
cannot make PDFs (WeasyPrint's Pango library missing).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Query, Router, Schema

from cpass.accounts.schemas import LanguageValue
from cpass.core.api import ProblemOut, scoped_actor
from cpass.customs.printing import render as printing
from cpass.customs.printing.views import pdf_response

router = Router()


class PrintLanguageIn(Schema):
    lang: LanguageValue | None = None


def _pdf_responses(what: str) -> dict[str, Any]:
    # Integer status keys, as django-ninja keys its own responses: these replace its default 200.
    problem = {"application/problem+json": {"schema": ProblemOut.model_json_schema()}}
    return {
        "responses": {
            200: {
                "description": f"{what} (PDF, A4, shown inline).",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            },
            404: {"description": "No such object, or no access to it.", "content": problem},
            422: {"description": "`lang` is neither en nor zh-hans.", "content": problem},
            503: {
                "description": "This server cannot make PDFs (the PDF renderer is not installed).",
                "content": problem,
            },
        }
    }


def _language(request: HttpRequest, query: PrintLanguageIn) -> str:
    return printing.document_language(query.lang, default=get_language())


@router.get(
    "/customs/declarations/{int:declaration_id}/draft.pdf",
    summary="Declaration draft as PDF (报关单草单), with the duty and tax page",
    openapi_extra=_pdf_responses("The declaration draft"),
)
def declaration_draft_pdf(request: HttpRequest, declaration_id: int, query: Query[PrintLanguageIn]) -> HttpResponse:
    """The header boxes and items as the Single Window print lays them out, code names in the document's
    language, a DRAFT / 草稿 watermark until customs accepts it, and the duties and taxes of every item with
    their trace (or why they cannot be calculated yet)."""
    actor = scoped_actor(request, "customs", "read")
    return pdf_response(
        printing.declaration_draft_pdf(actor=actor, declaration_id=declaration_id, language=_language(request, query))
    )


@router.get(
    "/shipments/{int:shipment_id}/invoice.pdf",
    summary="Commercial invoice of a shipment as PDF (商业发票)",
    openapi_extra=_pdf_responses("The commercial invoice"),
)
def commercial_invoice_pdf(request: HttpRequest, shipment_id: int, query: Query[PrintLanguageIn]) -> HttpResponse:
    """Seller and buyer (consignor and consignee), the job number as invoice number, goods lines with
    quantity, unit, unit value and amount, totals per currency."""
    actor = scoped_actor(request, "shipments", "read")
    return pdf_response(
        printing.commercial_invoice_pdf(actor=actor, shipment_id=shipment_id, language=_language(request, query))
    )


@router.get(
    "/shipments/{int:shipment_id}/packing-list.pdf",
    summary="Packing list of a shipment as PDF (装箱单)",
    openapi_extra=_pdf_responses("The packing list"),
)
def packing_list_pdf(request: HttpRequest, shipment_id: int, query: Query[PrintLanguageIn]) -> HttpResponse:
    """Goods lines with net and gross weights and totals, packages, and each container with its seals and
    what is in it."""
    actor = scoped_actor(request, "shipments", "read")
    return pdf_response(
        printing.packing_list_pdf(actor=actor, shipment_id=shipment_id, language=_language(request, query))
    )
