"""PDF pages: the declaration draft, a shipment's commercial invoice and packing list, shown inline.

`?lang=en` or `?lang=zh-hans` prints in that language; otherwise the page's language. Another enterprise's
object is a 404; when PDFs cannot be made here (no Pango) the answer is a page saying so, with status 503.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from cpass.core.actor import Actor
from cpass.core.errors import NotFound, PermissionDenied, ServiceError
from cpass.customs.printing import render as printing
from cpass.customs.printing.pdf import Pdf


def pdf_response(pdf: Pdf) -> HttpResponse:
    """The PDF shown in the browser (inline), saved under its own name."""
    response = HttpResponse(pdf.content, content_type="application/pdf")
    disposition = content_disposition_header(False, pdf.filename)
    if disposition is not None:
        response["Content-Disposition"] = disposition
    response["Content-Length"] = str(len(pdf.content))
    return response


def _problem_page(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    errors = [str(message) for messages in exc.errors.values() for message in messages]
    context = {"title": exc.title, "detail": exc.detail, "errors": errors if errors != [str(exc.detail)] else []}
    return render(request, "customs/print/unavailable.html", context, status=exc.status)


def _print(request: HttpRequest, make: Callable[[Actor, str], Pdf]) -> HttpResponse:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    try:
        language = printing.document_language(request.GET.get("lang"), default=get_language())
        return pdf_response(make(actor, language))
    except (NotFound, PermissionDenied):
        raise  # Django answers 404 / 403 as for every other page
    except ServiceError as exc:
        return _problem_page(request, exc)


@login_required
@require_GET
def declaration_draft(request: HttpRequest, declaration_id: int) -> HttpResponse:
    return _print(
        request,
        lambda actor, language: printing.declaration_draft_pdf(
            actor=actor, declaration_id=declaration_id, language=language
        ),
    )


@login_required
@require_GET
def commercial_invoice(request: HttpRequest, shipment_id: int) -> HttpResponse:
    return _print(
        request,
        lambda actor, language: printing.commercial_invoice_pdf(
            actor=actor, shipment_id=shipment_id, language=language
        ),
    )


@login_required
@require_GET
def packing_list(request: HttpRequest, shipment_id: int) -> HttpResponse:
    return _print(
        request,
        lambda actor, language: printing.packing_list_pdf(actor=actor, shipment_id=shipment_id, language=language),
    )
