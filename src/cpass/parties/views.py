"""Party pages: list, create, detail with screening and history, edit, deactivate, the screening review
queue and, for platform staff, the restricted-party lists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpass.audit.selectors import object_history
from cpass.core.actor import Actor
from cpass.core.errors import ServiceError, ValidationFailed
from cpass.core.forms import add_service_error
from cpass.core.platform import can_manage_reference
from cpass.parties import selectors, services
from cpass.parties.choices import MatchStatus
from cpass.parties.forms import EntryFilterForm, MatchDecisionForm, MatchFilterForm, PartyFilterForm, PartyForm
from cpass.parties.matching import MATCH_THRESHOLD
from cpass.parties.services import PARTY_FIELDS

PAGE_SIZE = 25


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_GET
def party_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    enterprises = selectors.readable_enterprises(actor=actor)
    form = PartyFilterForm(request.GET or None, enterprises=enterprises)
    filters = form.cleaned_data if form.is_valid() else {}
    try:
        parties = selectors.party_list(
            actor=actor,
            enterprise_id=filters.get("enterprise"),
            role=filters.get("role") or None,
            country=filters.get("country") or None,
            status=filters.get("status") or None,
            active=filters.get("active"),
            q=filters.get("q") or None,
            ordering=filters.get("ordering") or None,
        )
    except ValidationFailed as exc:
        add_service_error(form, exc)
        parties = selectors.party_list(actor=actor)
    context = {
        "form": form,
        "page": Paginator(parties, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": _query(request),
        "can_create": selectors.writable_enterprises(actor=actor).exists(),
        "shows_clients": len(enterprises) > 1,
    }
    return render(request, "parties/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def party_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    enterprises = selectors.writable_enterprises(actor=actor)
    if not enterprises.exists():
        raise DjangoPermissionDenied(_("Your role does not allow adding parties."))
    form = PartyForm(request.POST or None, enterprises=enterprises, initial={"enterprise_id": actor.enterprise_id})
    if request.method == "POST" and form.is_valid():
        try:
            party = services.party_create(actor=actor, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The party has been added and screened."))
            return redirect("parties:detail", party_id=party.pk)
    status = 422 if form.errors else 200
    return render(request, "parties/form.html", {"form": form, "party": None}, status=status)


@login_required
@require_GET
def party_detail(request: HttpRequest, party_id: int) -> HttpResponse:
    actor = _actor(request)
    party = selectors.party_get(actor=actor, party_id=party_id)
    context = {
        "party": party,
        "matches": selectors.match_list(actor=actor, party_id=party.pk, ordering="-created_at"),
        "can_write": party.enterprise_id in actor.enterprise_ids_for("parties", "write"),
        "changes": object_history(obj=party),
    }
    return render(request, "parties/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def party_edit(request: HttpRequest, party_id: int) -> HttpResponse:
    actor = _actor(request)
    party = selectors.party_get(actor=actor, party_id=party_id, action="write")
    form = PartyForm(request.POST or None, initial={name: getattr(party, name) for name in PARTY_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.party_update(actor=actor, party_id=party.pk, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The party has been saved and screened again."))
            return redirect("parties:detail", party_id=party.pk)
    status = 422 if form.errors else 200
    return render(request, "parties/form.html", {"form": form, "party": party}, status=status)


@login_required
@require_POST
def party_deactivate(request: HttpRequest, party_id: int) -> HttpResponse:
    actor = _actor(request)
    party = services.party_deactivate(actor=actor, party_id=party_id)
    messages.success(request, _("“%(name)s” has been deactivated.") % {"name": party.name_local})
    return redirect("parties:detail", party_id=party.pk)


@login_required
@require_POST
def party_rescreen(request: HttpRequest, party_id: int) -> HttpResponse:
    party = services.party_rescreen(actor=_actor(request), party_id=party_id)
    messages.success(request, _("“%(name)s” has been screened again.") % {"name": party.name_local})
    return redirect("parties:detail", party_id=party.pk)


@login_required
@require_GET
def screening_queue(request: HttpRequest) -> HttpResponse:
    """The review queue: open items first; other statuses through the filter."""
    actor = _actor(request)
    form = MatchFilterForm(request.GET or {"status": MatchStatus.OPEN})
    status = form.cleaned_data.get("status") if form.is_valid() else MatchStatus.OPEN
    matches = selectors.match_list(actor=actor, status=status or None, ordering="-score")
    context = {
        "form": form,
        "page": Paginator(matches, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": _query(request),
        "threshold": MATCH_THRESHOLD,
    }
    return render(request, "parties/screening.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def match_detail(request: HttpRequest, match_id: int) -> HttpResponse:
    actor = _actor(request)
    match = selectors.match_get(actor=actor, match_id=match_id)
    can_decide = match.enterprise_id in actor.enterprise_ids_for("parties", "write")
    form = MatchDecisionForm(request.POST or None)
    if request.method == "POST":
        if not can_decide:
            raise DjangoPermissionDenied(_("You may read this review item but not decide it."))
        if form.is_valid():
            try:
                services.screening_match_decide(actor=actor, match_id=match.pk, **form.cleaned_data)
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The decision has been recorded."))
                return redirect("parties:match", match_id=match.pk)
    context = {
        "match": match,
        "form": form,
        "can_decide": can_decide and match.status != MatchStatus.WITHDRAWN,
        "changes": object_history(obj=match),
    }
    return render(request, "parties/match.html", context, status=422 if form.errors else 200)


@login_required
@require_GET
def restricted_lists(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    lists = selectors.restricted_list_list(actor=actor)
    return render(request, "parties/restricted_lists.html", {"lists": lists, "can_upload": can_manage_reference(actor)})


@login_required
@require_GET
def restricted_list_detail(request: HttpRequest, list_id: int) -> HttpResponse:
    actor = _actor(request)
    restricted_list = selectors.restricted_list_get(actor=actor, list_id=list_id)
    form = EntryFilterForm(request.GET or None)
    q = form.cleaned_data.get("q") if form.is_valid() else None
    entries = selectors.restricted_entry_list(actor=actor, list_id=restricted_list.pk, q=q)
    context = {
        "list": restricted_list,
        "form": form,
        "page": Paginator(entries, 50).get_page(request.GET.get("page")),
        "query": _query(request),
    }
    return render(request, "parties/restricted_list_detail.html", context)
