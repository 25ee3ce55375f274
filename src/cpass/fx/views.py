"""Exchange-rate pages: the list with filters, the customs-rate lookup and the conversion form."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cpass.core.actor import Actor
from cpass.core.errors import ValidationFailed
from cpass.core.forms import add_service_error
from cpass.core.platform import require_reference_read
from cpass.fx import selectors
from cpass.fx.forms import ROUNDING_LABELS, ConversionForm, CustomsRateForm, ExchangeRateFilterForm

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


@login_required
@require_GET
def rate_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = ExchangeRateFilterForm(request.GET or None)
    rates = None
    if form.is_valid() or not request.GET:
        filters: dict[str, Any] = form.cleaned_data if request.GET else {}
        try:
            rates = selectors.exchange_rate_list(
                actor=actor,
                currency=filters.get("currency") or None,
                date_from=filters.get("date_from"),
                date_to=filters.get("date_to"),
                source=filters.get("source") or None,
            )
        except ValidationFailed as exc:
            add_service_error(form, exc)
    page = Paginator(rates, PAGE_SIZE).get_page(request.GET.get("page")) if rates is not None else None
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "sources": selectors.rate_sources()}
    return render(request, "fx/list.html", context)


@login_required
@require_GET
def customs_rate(request: HttpRequest) -> HttpResponse:
    """Lookup and conversion on one page: each form is a GET, so a result can be bookmarked and shared."""
    require_reference_read(_actor(request))
    finding = conversion = None
    lookup = CustomsRateForm(request.GET if "rate-currency" in request.GET else None, prefix="rate")
    convert = ConversionForm(request.GET if "cv-amount" in request.GET else None, prefix="cv")
    if lookup.is_bound and lookup.is_valid():
        try:
            finding = selectors.customs_rate(
                jurisdiction=lookup.cleaned_data["jurisdiction"],
                currency=lookup.cleaned_data["currency"],
                on=lookup.cleaned_data["date"],
            )
        except ValidationFailed as exc:
            add_service_error(lookup, exc)
    if convert.is_bound and convert.is_valid():
        data = convert.cleaned_data
        try:
            conversion = selectors.convert(
                data["amount"],
                from_currency=data["from_currency"],
                to_currency=data["to_currency"],
                jurisdiction=data["jurisdiction"],
                on=data["date"],
                places=data["places"],
                rounding=data["rounding"],
            )
        except ValidationFailed as exc:
            add_service_error(convert, exc, field_map={"from": "from_currency", "to": "to_currency"})
    context = {
        "lookup": lookup,
        "convert": convert,
        "finding": finding,
        "conversion": conversion,
        "rounding_label": ROUNDING_LABELS.get(conversion.rounding) if conversion else None,
    }
    return render(request, "fx/customs.html", context)
