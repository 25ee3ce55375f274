"""Import pages: choose an importer, upload, watch the progress bar, read the row-level issues."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cpass.core.actor import Actor
from cpass.core.errors import ServiceError
from cpass.core.forms import add_service_error
from cpass.imports import selectors, services
from cpass.imports.forms import ImportForm

PAGE_SIZE = 25


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


@login_required
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    page = Paginator(selectors.import_job_list(actor=actor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/list.html",
        {"page": page, "importers": selectors.runnable_importers(actor=actor)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    importers = selectors.runnable_importers(actor=actor)
    kind = request.GET.get("kind") or ""
    if not kind:
        return render(request, "imports/choose.html", {"importers": importers})
    importer = selectors.require_may_run(actor, kind)
    form = ImportForm(request.POST or None, request.FILES or None, importer=importer)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(
                actor=actor,
                kind=kind,
                file=form.cleaned_data["file"],
                options=form.option_values(),
                all_or_nothing=form.cleaned_data["all_or_nothing"],
            )
        except ServiceError as exc:
            add_service_error(form, exc, {f"{o.name}": f"option_{o.name}" for o in importer.options})
        else:
            return redirect("imports:detail", job_id=job.pk)
    return render(request, "imports/create.html", {"form": form, "importer": importer})


@login_required
@require_GET
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.import_job_get(actor=_actor(request), job_id=job_id)
    return render(request, "imports/detail.html", {"job": job, "progress": selectors.import_job_progress(job)})


@login_required
@require_GET
def import_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The status panel alone, polled by HTMX until the run finishes."""
    job = selectors.import_job_get(actor=_actor(request), job_id=job_id)
    response = render(request, "imports/_status.html", {"job": job, "progress": selectors.import_job_progress(job)})
    if job.finished and request.htmx:  # type: ignore[attr-defined]
        response["HX-Refresh"] = "true"  # show the issues table and counts in full
    return response


@login_required
@require_GET
def import_file(request: HttpRequest, job_id: int) -> FileResponse:
    job = selectors.import_job_get(actor=_actor(request), job_id=job_id)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.original_name)
