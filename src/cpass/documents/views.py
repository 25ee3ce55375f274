"""Document pages: list (own and clients'), upload, detail with history, edit, delete, download."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpass.audit.selectors import object_history
from cpass.core.actor import Actor
from cpass.core.errors import ServiceError
from cpass.core.forms import add_service_error
from cpass.documents import selectors, services
from cpass.documents.forms import DocumentEditForm, DocumentFilterForm, DocumentUploadForm
from cpass.documents.models import Document

PAGE_SIZE = 25


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


@login_required
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    enterprises = selectors.readable_enterprises(actor=actor)
    form = DocumentFilterForm(request.GET or None, enterprises=enterprises)
    filters = form.cleaned_data if form.is_valid() else {}
    documents = selectors.document_list(
        actor=actor,
        enterprise_id=filters.get("enterprise"),
        category=filters.get("category") or None,
        q=filters.get("q") or None,
        ordering=filters.get("ordering") or None,
    )
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_upload": selectors.writable_enterprises(actor=actor).exists(),
        "shows_clients": len(enterprises) > 1,
    }
    return render(request, "documents/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    enterprises = selectors.writable_enterprises(actor=actor)
    if not enterprises.exists():
        raise DjangoPermissionDenied(_("Your role does not allow uploading documents."))
    form = DocumentUploadForm(
        request.POST or None,
        request.FILES or None,
        enterprises=enterprises,
        max_bytes=settings.CPASS_MAX_UPLOAD_BYTES,
        initial={"enterprise_id": actor.enterprise_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_create(actor=actor, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The document has been uploaded."))
            return redirect("documents:detail", document_id=document.pk)
    status = 422 if form.errors else 200
    return render(request, "documents/create.html", {"form": form}, status=status)


@login_required
@require_GET
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    actor = _actor(request)
    document = selectors.document_get(actor=actor, document_id=document_id)
    context = {
        "document": document,
        "can_write": document.enterprise_id in actor.enterprise_ids_for("documents", "write"),
        "changes": object_history(obj=document),
    }
    return render(request, "documents/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, document_id: int) -> HttpResponse:
    actor = _actor(request)
    document = selectors.document_get(actor=actor, document_id=document_id, action="write")
    initial = {"title": document.title, "category": document.category, "description": document.description}
    form = DocumentEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(actor=actor, document_id=document.pk, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The document has been saved."))
            return redirect("documents:detail", document_id=document.pk)
    status = 422 if form.errors else 200
    return render(request, "documents/edit.html", {"form": form, "document": document}, status=status)


@login_required
@require_POST
def document_delete(request: HttpRequest, document_id: int) -> HttpResponse:
    actor = _actor(request)
    document = selectors.document_get(actor=actor, document_id=document_id, action="write")
    services.document_delete(actor=actor, document_id=document.pk)
    messages.success(request, _("“%(title)s” has been deleted.") % {"title": document.title})
    return redirect("documents:list")


@login_required
@require_GET
def document_download(request: HttpRequest, document_id: int) -> FileResponse:
    return download_response(selectors.document_get(actor=_actor(request), document_id=document_id))


def download_response(document: Document) -> FileResponse:
    """Stream the stored file as an attachment under its original name; never rendered inline."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file of this document is missing from storage.")) from exc
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
