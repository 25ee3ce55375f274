"""Item sheet pages of a declaration: download the template, upload a file (then the import's own page with its
progress bar and row-level issues), export the items; and the export of the filtered declaration list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cpass.core.actor import Actor
from cpass.core.errors import PermissionDenied, ServiceError
from cpass.core.forms import add_service_error
from cpass.customs import selectors
from cpass.customs.choices import EDITABLE
from cpass.customs.itemsheet.excel import (
    XLSX_CONTENT_TYPE,
    declarations_filename,
    declarations_workbook,
    items_filename,
    items_workbook,
    template_filename,
    template_workbook,
)
from cpass.customs.itemsheet.forms import DeclarationExportForm, ItemUploadForm
from cpass.customs.itemsheet.importers import KIND, DeclarationItemImporter
from cpass.customs.models import Declaration, DeclarationItem
from cpass.imports.services import import_job_create


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def writable_declaration(actor: Actor, declaration_id: int) -> Declaration:
    """The declaration, readable by the actor (else 404), and writable (else 403)."""
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id, action="read")
    if declaration.enterprise_id not in actor.enterprise_ids_for("customs", "write"):
        raise PermissionDenied(_("Your role does not allow changing this declaration."))
    return declaration


def declaration_items(actor: Actor, declaration: Declaration) -> QuerySet[DeclarationItem]:
    return DeclarationItem.objects.for_actor(actor, "read").filter(declaration=declaration).order_by("item_number")


@login_required
@require_GET
def item_template(request: HttpRequest, declaration_id: int) -> FileResponse:
    declaration = selectors.declaration_get(actor=_actor(request), declaration_id=declaration_id)
    return FileResponse(
        template_workbook(declaration),
        as_attachment=True,
        filename=template_filename(declaration),
        content_type=XLSX_CONTENT_TYPE,
    )


@login_required
@require_GET
def item_export(request: HttpRequest, declaration_id: int) -> FileResponse:
    actor = _actor(request)
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id)
    return FileResponse(
        items_workbook(declaration_items(actor, declaration)),
        as_attachment=True,
        filename=items_filename(declaration),
        content_type=XLSX_CONTENT_TYPE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_import(request: HttpRequest, declaration_id: int) -> HttpResponse:
    """Upload a filled-in template; the run is queued and its page shows the progress and the issues."""
    actor = _actor(request)
    declaration = writable_declaration(actor, declaration_id)
    form = ItemUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(
                actor=actor,
                kind=KIND,
                file=form.cleaned_data["file"],
                options={"declaration": str(declaration.pk)},
            )
        except ServiceError as exc:
            add_service_error(form, exc, {"declaration": "file", "kind": "file"})
        else:
            return redirect("imports:detail", job_id=job.pk)
    context = {
        "declaration": declaration,
        "form": form,
        "editable": declaration.status in EDITABLE,
        "importer": DeclarationItemImporter,
        "item_count": declaration_items(actor, declaration).count(),
        "template_url": reverse(
            f"{request.resolver_match.namespace}:item_template", kwargs={"declaration_id": declaration.pk}
        )
        if request.resolver_match
        else "",
    }
    return render(request, "customs/itemsheet/import.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def declaration_export(request: HttpRequest) -> HttpResponseBase:
    """The declaration list, filtered as on its page, as an Excel file; a refused filter is a 400 page."""
    actor = _actor(request)
    form = DeclarationExportForm(request.GET)
    if form.is_valid():
        filters = form.cleaned_data
        try:
            declarations = selectors.declaration_list(
                actor=actor,
                status=filters["status"] or None,
                direction=filters["direction"] or None,
                shipment_id=filters["shipment"],
                q=filters["q"] or None,
                ordering=filters["ordering"] or None,
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            return FileResponse(
                declarations_workbook(declarations),
                as_attachment=True,
                filename=declarations_filename(),
                content_type=XLSX_CONTENT_TYPE,
            )
    return render(request, "customs/itemsheet/export_refused.html", {"form": form}, status=400)
