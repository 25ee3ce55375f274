"""Pages: HS search, the typeahead options of HsCodeInput, and the classification assistant."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cpass.classification import selectors
from cpass.classification.forms import HsSearchForm, SuggestForm
from cpass.classification.glossary import Translation
from cpass.core.actor import Actor
from cpass.core.errors import NotFound, PermissionDenied, ValidationFailed
from cpass.core.forms import add_service_error
from cpass.products.models import Product
from cpass.products.selectors import product_get


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = HsSearchForm(request.GET or None)
    hits: list[selectors.SearchHit] | None = None
    if request.GET.get("q") is not None and form.is_valid():
        try:
            hits = selectors.hs_search(
                actor=_actor(request),
                q=form.cleaned_data["q"],
                jurisdiction=form.cleaned_data["jurisdiction"] or "CN",
                limit=form.cleaned_data["limit"] or 20,
            )
        except ValidationFailed as exc:
            add_service_error(form, exc)
    if request.htmx:  # type: ignore[attr-defined]
        # HTMX swaps only 2xx answers: the partial shows the errors itself.
        return render(request, "classification/_search_results.html", {"form": form, "hits": hits})
    status = 422 if form.errors else 200
    return render(request, "classification/search.html", {"form": form, "hits": hits}, status=status)


@login_required
@require_GET
def typeahead(request: HttpRequest) -> HttpResponse:
    """<option>s for an HsCodeInput: the query is the parameter named by `field` (or `q`)."""
    name = request.GET.get("field") or "q"
    hits = selectors.typeahead(
        actor=_actor(request),
        q=request.GET.get(name, "")[:200],
        jurisdiction=(request.GET.get("jurisdiction") or "CN")[:2],
    )
    return render(request, "classification/_options.html", {"hits": hits})


def _product_to_classify(actor: Actor, raw: str | None) -> Product | None:
    """The product the assistant was opened for (`?product=<id>`): one the actor may change, else 404."""
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise NotFound(_("No such product, or you have no access to it."))
    try:
        return product_get(actor=actor, product_id=int(raw), action="write")
    except PermissionDenied:
        raise NotFound(_("No such product, or you have no access to it.")) from None


@login_required
@require_GET
def assistant(request: HttpRequest) -> HttpResponse:
    """Suggestions for a description; opened from a product (`?product=`), each code links to its classify page."""
    actor = _actor(request)
    product = _product_to_classify(actor, request.GET.get("product"))
    form = SuggestForm(request.GET or None)
    suggestions: list[selectors.Suggestion] | None = None
    translations: list[Translation] = []
    if form.is_bound and form.is_valid():
        try:
            suggestions = selectors.suggest(
                actor=actor,
                text=form.cleaned_data["text"],
                jurisdiction=form.cleaned_data["jurisdiction"] or "CN",
            )
        except ValidationFailed as exc:
            add_service_error(form, exc)
        else:
            translations = selectors.query_translations(text=form.cleaned_data["text"])
    status = 422 if form.errors else 200
    context = {"form": form, "suggestions": suggestions, "product": product, "translations": translations}
    return render(request, "classification/assistant.html", context, status=status)
