"""Place pages: search with filters, detail, and the typeahead that port fields use."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cpass.core.actor import Actor
from cpass.core.errors import PermissionDenied, ValidationFailed
from cpass.core.forms import add_service_error
from cpass.core.platform import can_manage_reference
from cpass.places import selectors, services
from cpass.places.forms import CoordinatesForm, LocationSearchForm

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
@require_http_methods(["GET", "POST"])
def location_detail(request: HttpRequest, unlocode: str) -> HttpResponse:
    """The location; platform staff also correct its coordinates here (POST)."""
    actor = _actor(request)
    location = selectors.location_get(actor=actor, unlocode=unlocode)
    staff = can_manage_reference(actor)
    initial = {"latitude": location.latitude, "longitude": location.longitude}
    form = CoordinatesForm(request.POST if request.method == "POST" else None, initial=initial) if staff else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only platform staff can change reference data."))
        if form.is_valid():
            try:
                services.location_coordinates_set(
                    actor=actor,
                    unlocode=location.unlocode,
                    latitude=form.cleaned_data["latitude"],
                    longitude=form.cleaned_data["longitude"],
                )
            except ValidationFailed as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Coordinates saved; a later UN/LOCODE load keeps them."))
                return redirect("places:detail", unlocode=location.unlocode)
        context = {"location": location, "form": form}
        return render(request, "places/detail.html", context, status=422)
    return render(request, "places/detail.html", {"location": location, "form": form})


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
