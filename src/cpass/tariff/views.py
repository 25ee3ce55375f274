"""Tariff pages: browse the nomenclature down to the national lines, a line with its rates and history,
and the lookup (which line, which rates, on this date, for this origin). Read-only: files load through
the imports pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cpass.core.actor import Actor
from cpass.core.errors import ServiceError
from cpass.core.forms import add_service_error
from cpass.core.platform import can_manage_reference, require_reference_read
from cpass.tariff import selectors
from cpass.tariff.forms import BrowseForm, LookupForm
from cpass.tariff.models import HsLevel, HsNode, Jurisdiction

PAGE_SIZE = 50


def _reader(request: HttpRequest) -> Actor:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    require_reference_read(actor)
    return actor


def _default_jurisdiction() -> str:
    codes = list(Jurisdiction.objects.values_list("code", flat=True))
    return "CN" if "CN" in codes or not codes else codes[0]


def _with_default_jurisdiction(request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = request.GET.dict()
    data.setdefault("jurisdiction", _default_jurisdiction())
    return data


@login_required
@require_GET
def browse(request: HttpRequest) -> HttpResponse:
    """Sections → chapters → headings → subheadings (`?node=`), with the national lines under the node."""
    actor = _reader(request)
    node: HsNode | None = None
    node_code = request.GET.get("node", "").strip()[:6]
    if node_code:
        node = selectors.hs_node(node_code)
        path = selectors.hs_ancestry(node)
        children = list(selectors.hs_children(node))
    else:
        path, children = [], list(selectors.hs_nodes())
    form = BrowseForm(_with_default_jurisdiction(request))
    page = None
    if form.is_valid():
        data = form.cleaned_data
        prefix = data["code"] or (node.code if node is not None and node.level != HsLevel.SECTION else "")
        if prefix:
            try:
                lines = selectors.tariff_lines(jurisdiction=data["jurisdiction"], prefix=prefix, on=data["on"])
            except ServiceError as exc:
                add_service_error(form, exc, {"prefix": "code"})
            else:
                page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "node": node,
        "path": path,
        "children": children,
        "page": page,
        "query": query.urlencode(),
        "can_load": can_manage_reference(actor),
    }
    return render(request, "tariff/browse.html", context)


@login_required
@require_GET
def line_detail(request: HttpRequest, line_id: int) -> HttpResponse:
    """One version of a line: rates by kind, agreement and origin; units, VAT, taxes, conditions, history."""
    _reader(request)
    line = selectors.tariff_line_get(line_id)
    today = timezone.localdate()
    try:
        hs_path = selectors.hs_path(line.code, edition=line.hs_edition)
    except ServiceError:
        hs_path = []  # the nomenclature is not loaded (or lacks this chapter): the line stands alone
    context = {
        "line": line,
        "groups": selectors.rate_groups(line.rates),
        "units": selectors.unit_codes(line, on=today),
        "conditions": selectors.supervision_codes(line.supervision_conditions, on=today),
        "categories": selectors.inspection_codes(line.inspection_categories, on=today),
        "elements": selectors.line_elements(line, today=today),
        "versions": selectors.line_history(line),
        "hs_path": hs_path,
    }
    return render(request, "tariff/line.html", context)


@login_required
@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """The lookup form and, once a code is given, the quote with the reason for the import duty rate."""
    _reader(request)
    form = LookupForm(_with_default_jurisdiction(request) if request.GET.get("code") else None)
    quote = None
    context: dict[str, Any] = {"form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        on = data["date"] or timezone.localdate()
        try:
            quote = selectors.tariff_lookup(
                jurisdiction=data["jurisdiction"],
                code=data["code"],
                on=on,
                origin=data["origin"],
                ciq_code=data["ciq_code"],
                date_field="date",
                proof_of_origin=data["proof_of_origin"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            context.update(
                quote=quote,
                units=selectors.unit_codes(quote.line, on=on),
                conditions=selectors.supervision_codes(quote.supervision_conditions, on=on),
                categories=selectors.inspection_codes(quote.inspection_categories, on=on),
            )
    return render(request, "tariff/lookup.html", context)
