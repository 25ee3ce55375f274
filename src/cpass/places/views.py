"""Place pages: search with filters, detail, and the typeahead that port fields use."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cpass.core.actor import Actor
from cpass.core.errors import ValidationFailed
from cpass.core.forms import add_service_error
from cpass.places import selectors
from cpass.places.forms import LocationSearchForm

PAGE_SIZE = 25
TYPEAHEAD_SIZE = 10


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


@login_required
@require_GET
def location_list(request: HttpRequest) -> HttpResponse:
    form = LocationSearchForm(request.GET or None)
    locations = None
    if form.is_valid() or not request.GET:
        filters = form.cleaned_data if request.GET else {}
        try:
            locations = selectors.location_search(
                actor=_actor(request),
                q=filters.get("q"),
                country=filters.get("country") or None,
                function=filters.get("function") or None,
            )
        except ValidationFailed as exc:
            add_service_error(form, exc)
    page = Paginator(locations, PAGE_SIZE).get_page(request.GET.get("page")) if locations is not None else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "places/list.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
@require_GET
def location_detail(request: HttpRequest, unlocode: str) -> HttpResponse:
    location = selectors.location_get(actor=_actor(request), unlocode=unlocode)
    return render(request, "places/detail.html", {"location": location})


@login_required
@require_GET
def location_typeahead(request: HttpRequest) -> HttpResponse:
    """<option> elements for a <datalist>: `q` (or the value of the parameter named by `field`), `function`."""
    field = request.GET.get("field") or "q"
    query = request.GET.get(field, "")[: selectors.MAX_QUERY]
    locations = []
    if query.strip():
        try:
            locations = list(
                selectors.location_search(actor=_actor(request), q=query, function=request.GET.get("function") or None)[
                    :TYPEAHEAD_SIZE
                ]
            )
        except ValidationFailed:
            locations = []
    return render(request, "places/_options.html", {"locations": locations})
