"""Reference pages: the code tables, a table's entries (search, valid-on filter), an entry with its
versions and history, and the staff forms to add a version or correct one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cpass.audit.selectors import object_history
from cpass.core.actor import Actor
from cpass.core.errors import ServiceError
from cpass.core.forms import add_service_error
from cpass.core.navigation import reference_sections
from cpass.core.platform import can_manage_reference, require_platform_staff
from cpass.reference import selectors, services
from cpass.reference.forms import EntryCreateForm, EntryEditForm, EntryFilterForm

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


@login_required
@require_GET
def table_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    tables = selectors.table_list(actor=actor)
    return render(request, "reference/index.html", {"tables": tables, "sections": reference_sections(actor)})


@login_required
@require_GET
def table_detail(request: HttpRequest, key: str) -> HttpResponse:
    actor = _actor(request)
    table = selectors.table_get(actor=actor, key=key)
    form = EntryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    try:
        rows = selectors.entry_search(
            actor=actor,
            key=key,
            q=filters.get("q"),
            on=filters.get("on"),
            all_versions=bool(filters.get("all_versions")),
        )
    except ServiceError as exc:
        add_service_error(form, exc)
        rows = selectors.entry_search(actor=actor, key=key)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "table": table,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_manage": can_manage_reference(actor),
    }
    return render(request, "reference/table.html", context)


@login_required
@require_GET
def entry_detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = _actor(request)
    entry = selectors.entry_get(actor=actor, entry_id=entry_id)
    context = {
        "entry": entry,
        "table": entry.table,
        "versions": selectors.entry_versions(actor=actor, key=entry.table.key, code=entry.code),
        "changes": object_history(obj=entry),
        "can_manage": can_manage_reference(actor),
    }
    return render(request, "reference/entry.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest, key: str) -> HttpResponse:
    actor = _actor(request)
    table = selectors.table_get(actor=actor, key=key)
    require_platform_staff(actor)
    form = EntryCreateForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.code_entry_create(actor=actor, table_key=table.key, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Code %(code)s has been added.") % {"code": entry.code})
            return redirect("reference:entry", entry_id=entry.pk)
    status = 422 if form.errors else 200
    return render(request, "reference/entry_form.html", {"form": form, "table": table}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = _actor(request)
    entry = selectors.entry_get(actor=actor, entry_id=entry_id)
    require_platform_staff(actor)
    initial = {
        "name_en": entry.name_en,
        "name_zh": entry.name_zh,
        "valid_from": entry.valid_from,
        "valid_to": entry.valid_to,
        "attributes": EntryEditForm.attributes_text(entry.attributes),
    }
    form = EntryEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.code_entry_update(actor=actor, entry_id=entry.pk, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The entry has been saved."))
            return redirect("reference:entry", entry_id=entry.pk)
    status = 422 if form.errors else 200
    context = {"form": form, "table": entry.table, "entry": entry}
    return render(request, "reference/entry_form.html", context, status=status)
