"""Shipment pages: list with filters and search, detail with tabs (overview, goods, containers, timeline),
create and edit, workflow transitions; goods lines and containers are added and edited with HTMX."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpass.core.actor import Actor
from cpass.core.errors import ServiceError
from cpass.core.forms import add_service_error
from cpass.core.numbers import plain
from cpass.parties.selectors import party_choices
from cpass.products.selectors import product_choices
from cpass.shipments import selectors, services
from cpass.shipments.choices import next_statuses
from cpass.shipments.excel import XLSX_CONTENT_TYPE, export_filename, export_workbook
from cpass.shipments.forms import (
    ContainerForm,
    GoodsLineForm,
    MilestoneForm,
    SavedViewForm,
    ShipmentDocumentAttachForm,
    ShipmentDocumentUploadForm,
    ShipmentFilterForm,
    ShipmentForm,
    TransitionForm,
    load_quantity_field,
)
from cpass.shipments.models import Shipment

PAGE_SIZE = 25
TABS = ("overview", "goods", "containers", "documents", "timeline")


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _can_write(actor: Actor, shipment: Shipment) -> bool:
    return shipment.enterprise_id in actor.enterprise_ids_for("shipments", "write")


def _day_start(day: dt.date | None, *, end: bool = False) -> dt.datetime | None:
    if day is None:
        return None
    moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    return timezone.make_aware(moment)


def _filter_query(query: QueryDict) -> str:
    """The list filters of a query string in a fixed order, without the page: what a saved view holds."""
    pairs = sorted((key, value) for key in services.VIEW_FILTERS for value in query.getlist(key) if value.strip())
    return urlencode(pairs)


def _filtered(actor: Actor, query: QueryDict) -> tuple[ShipmentFilterForm, QuerySet[Shipment] | None]:
    """The filter form and the shipments it selects; None with the errors on the form when a filter is refused."""
    enterprises = selectors.readable_enterprises(actor=actor)
    owner_ids = [e.pk for e in enterprises]
    parties = party_choices(actor=actor, enterprise_ids=owner_ids)
    partners = selectors.handling_partners(enterprise_ids=owner_ids)
    form = ShipmentFilterForm(query or None, enterprises=enterprises, parties=parties, partners=partners)
    if form.is_bound and not form.is_valid():
        return form, None
    filters = form.cleaned_data if form.is_bound else {}
    try:
        shipments = selectors.shipment_list(
            actor=actor,
            direction=filters.get("direction") or None,
            status=filters.get("status") or None,
            port=filters.get("port") or None,
            eta_from=_day_start(filters.get("eta_from")),
            eta_to=_day_start(filters.get("eta_to"), end=True),
            party_id=filters.get("party"),
            q=filters.get("q") or None,
            enterprise_id=filters.get("enterprise"),
            handling_partner_id=filters.get("handled_by"),
            ordering=filters.get("ordering") or None,
        )
    except ServiceError as exc:
        add_service_error(form, exc)
        return form, None
    return form, shipments


def _list_page(
    request: HttpRequest, query: QueryDict, *, save_form: SavedViewForm | None = None, status: int = 200
) -> HttpResponse:
    actor = _actor(request)
    form, shipments = _filtered(actor, query)
    if shipments is None:
        shipments = selectors.shipment_list(actor=actor)
    page = Paginator(shipments, PAGE_SIZE).get_page(query.get("page"))
    current = _filter_query(query)
    without_page = query.copy()
    without_page.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": without_page.urlencode(),
        "filter_query": current,
        "saved_views": list(selectors.saved_views(actor=actor)) if actor.enterprise_id is not None else [],
        "save_form": save_form or SavedViewForm(initial={"query": current}),
        "can_create": selectors.writable_enterprises(actor=actor).exists(),
        "shows_clients": "enterprise" in form.fields,
        "shows_partners": "handled_by" in form.fields,
    }
    return render(request, "shipments/list.html", context, status=status)


@login_required
@require_GET
def shipment_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered list as an Excel file; with a filter the list would refuse, back to the list, which says why."""
    _form, shipments = _filtered(_actor(request), request.GET)
    if shipments is None:
        return redirect(f"{reverse('shipments:list')}?{request.GET.urlencode()}")
    return FileResponse(
        export_workbook(shipments), as_attachment=True, filename=export_filename(), content_type=XLSX_CONTENT_TYPE
    )


@login_required
@require_GET
def shipment_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, request.GET)


@login_required
@require_POST
def saved_view_create(request: HttpRequest) -> HttpResponse:
    """Save the list's current filters (sent as their query string) under a name."""
    actor = _actor(request)
    form = SavedViewForm(request.POST)
    query = QueryDict(_filter_query(QueryDict(request.POST.get("query", ""))))
    if form.is_valid():
        filters = {key: query.get(key, "") for key in services.VIEW_FILTERS if key in query}
        try:
            view = services.saved_view_create(actor=actor, name=form.cleaned_data["name"], filters=filters)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The view “%(name)s” has been saved.") % {"name": view.name})
            return redirect(reverse("shipments:list") + (f"?{view.query_string}" if view.query_string else ""))
    return _list_page(request, query, save_form=form, status=422)


@login_required
@require_POST
def saved_view_delete(request: HttpRequest, view_id: int) -> HttpResponse:
    actor = _actor(request)
    view = selectors.saved_view_get(actor=actor, view_id=view_id)
    services.saved_view_delete(actor=actor, view_id=view.pk)
    messages.success(request, _("The view “%(name)s” has been deleted.") % {"name": view.name})
    return redirect("shipments:list")


def _shipment_form(actor: Actor, data: Any, *, shipment: Shipment | None) -> ShipmentForm:
    if shipment is None:
        enterprises = selectors.writable_enterprises(actor=actor)
        if not enterprises.exists():
            raise DjangoPermissionDenied(_("Your role does not allow opening shipments."))
        owner_ids = [e.pk for e in enterprises]
        return ShipmentForm(
            data,
            enterprises=enterprises,
            parties=party_choices(actor=actor, enterprise_ids=owner_ids),
            partners=selectors.handling_partners(enterprise_ids=owner_ids),
            initial={"enterprise_id": actor.enterprise_id},
        )
    initial = {name: getattr(shipment, name) for name in services.SHIPMENT_FIELDS}
    for name in ("etd", "eta", "atd", "ata"):
        if initial[name] is not None:
            initial[name] = timezone.localtime(initial[name])
    # The parties the shipment names now stay among the choices even if deactivated or past the list's limit:
    # a select without its value would send a blank and clear the party.
    parties = party_choices(
        actor=actor,
        enterprise_ids=[shipment.enterprise_id],
        current=[shipment.consignor, shipment.consignee, shipment.notify_party],
    )
    partners = selectors.handling_partners(enterprise_ids=[shipment.enterprise_id], current=shipment.handling_partner)
    return ShipmentForm(data, enterprises=None, parties=parties, partners=partners, initial=initial)


def _changed(form: forms.Form) -> dict[str, Any]:
    """The edited fields only, so fields the form does not show stay as they are."""
    return {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}


@login_required
@require_http_methods(["GET", "POST"])
def shipment_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = _shipment_form(actor, request.POST or None, shipment=None)
    if request.method == "POST" and form.is_valid():
        try:
            shipment = services.shipment_create(actor=actor, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Shipment %(number)s has been opened.") % {"number": shipment.job_number})
            return redirect("shipments:detail", shipment_id=shipment.pk)
    status = 422 if form.errors else 200
    return render(request, "shipments/form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def shipment_edit(request: HttpRequest, shipment_id: int) -> HttpResponse:
    actor = _actor(request)
    shipment = selectors.shipment_get(actor=actor, shipment_id=shipment_id, action="write")
    form = _shipment_form(actor, request.POST or None, shipment=shipment)
    if request.method == "POST" and form.is_valid():
        try:
            services.shipment_update(actor=actor, shipment_id=shipment.pk, **_changed(form))
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The shipment has been saved."))
            return redirect("shipments:detail", shipment_id=shipment.pk)
    status = 422 if form.errors else 200
    return render(request, "shipments/form.html", {"form": form, "shipment": shipment}, status=status)


def _detail_context(actor: Actor, shipment_id: int, tab: str) -> dict[str, Any]:
    detail = selectors.shipment_detail(actor=actor, shipment_id=shipment_id)
    shipment = detail.shipment
    statuses = next_statuses(shipment.direction, shipment.status)
    can_write = _can_write(actor, shipment)
    return {
        "shipment": shipment,
        "goods": detail.goods,
        "containers": detail.containers,
        "milestones": detail.milestones,
        "tab": tab if tab in TABS else "overview",
        "tabs": [
            ("overview", _("Overview")),
            ("goods", _("Goods (%(count)d)") % {"count": len(detail.goods)}),
            ("containers", _("Containers (%(count)d)") % {"count": len(detail.containers)}),
            ("documents", _("Documents")),
            ("timeline", _("Timeline")),
        ],
        "can_write": can_write,
        "transition_form": TransitionForm(statuses=statuses, prefix="t") if can_write and statuses else None,
        "milestone_form": MilestoneForm(prefix="m") if can_write else None,
        **(_documents_context(actor, shipment, can_write) if tab == "documents" else {}),
    }


def _documents_context(actor: Actor, shipment: Shipment, can_write: bool) -> dict[str, Any]:
    attachable = selectors.attachable_documents(actor=actor, shipment=shipment) if can_write else []
    can_upload = can_write and shipment.enterprise_id in actor.enterprise_ids_for("documents", "write")
    return {
        "documents": list(selectors.shipment_documents(actor=actor, shipment=shipment)),
        "can_read_documents": shipment.enterprise_id in actor.enterprise_ids_for("documents", "read"),
        "upload_form": _upload_form() if can_upload else None,
        "attach_form": ShipmentDocumentAttachForm(documents=attachable, prefix="a") if attachable else None,
    }


def _upload_form(data: Any = None, files: Any = None) -> ShipmentDocumentUploadForm:
    return ShipmentDocumentUploadForm(data, files, max_bytes=settings.CPASS_MAX_UPLOAD_BYTES, prefix="u")


@login_required
@require_GET
def shipment_detail(request: HttpRequest, shipment_id: int) -> HttpResponse:
    context = _detail_context(_actor(request), shipment_id, request.GET.get("tab", "overview"))
    return render(request, "shipments/detail.html", context)


@login_required
@require_POST
def shipment_transition(request: HttpRequest, shipment_id: int) -> HttpResponse:
    actor = _actor(request)
    shipment = selectors.shipment_get(actor=actor, shipment_id=shipment_id, action="write")
    form = TransitionForm(request.POST, statuses=next_statuses(shipment.direction, shipment.status), prefix="t")
    if form.is_valid():
        try:
            moved = services.shipment_transition(actor=actor, shipment_id=shipment.pk, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The shipment is now %(status)s.") % {"status": moved.get_status_display()})
            return redirect("shipments:detail", shipment_id=shipment.pk)
    context = _detail_context(actor, shipment.pk, "overview")
    context["transition_form"] = form
    return render(request, "shipments/detail.html", context, status=422)


@login_required
@require_POST
def milestone_add(request: HttpRequest, shipment_id: int) -> HttpResponse:
    actor = _actor(request)
    shipment = selectors.shipment_get(actor=actor, shipment_id=shipment_id, action="write")
    form = MilestoneForm(request.POST, prefix="m")
    if form.is_valid():
        try:
            services.milestone_add(actor=actor, shipment_id=shipment.pk, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The event has been added to the timeline."))
            return redirect(reverse("shipments:detail", args=[shipment.pk]) + "?tab=timeline")
    context = _detail_context(actor, shipment.pk, "timeline")
    context["milestone_form"] = form
    return render(request, "shipments/detail.html", context, status=422)


@login_required
@require_POST
def shipment_delete(request: HttpRequest, shipment_id: int) -> HttpResponse:
    actor = _actor(request)
    shipment = selectors.shipment_get(actor=actor, shipment_id=shipment_id, action="write")
    try:
        services.shipment_delete(actor=actor, shipment_id=shipment.pk)
    except ServiceError as exc:
        messages.error(request, str(exc.detail))
        return redirect("shipments:detail", shipment_id=shipment.pk)
    messages.success(request, _("Shipment %(number)s has been deleted.") % {"number": shipment.job_number})
    return redirect("shipments:list")


# -- attached documents -------------------------------------------------------------------------------


def _documents_tab(shipment: Shipment) -> str:
    return reverse("shipments:detail", args=[shipment.pk]) + "?tab=documents"


@login_required
@require_POST
def shipment_document_upload(request: HttpRequest, shipment_id: int) -> HttpResponse:
    actor = _actor(request)
    shipment = selectors.shipment_get(actor=actor, shipment_id=shipment_id, action="write")
    form = _upload_form(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.shipment_document_upload(actor=actor, shipment_id=shipment.pk, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The document has been attached."))
            return redirect(_documents_tab(shipment))
    context = _detail_context(actor, shipment.pk, "documents")
    context["upload_form"] = form
    return render(request, "shipments/detail.html", context, status=422)


@login_required
@require_POST
def shipment_document_attach(request: HttpRequest, shipment_id: int) -> HttpResponse:
    actor = _actor(request)
    shipment = selectors.shipment_get(actor=actor, shipment_id=shipment_id, action="write")
    form = ShipmentDocumentAttachForm(
        request.POST, documents=selectors.attachable_documents(actor=actor, shipment=shipment), prefix="a"
    )
    if form.is_valid():
        try:
            services.shipment_document_attach(actor=actor, shipment_id=shipment.pk, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The document has been attached."))
            return redirect(_documents_tab(shipment))
    context = _detail_context(actor, shipment.pk, "documents")
    context["attach_form"] = form
    return render(request, "shipments/detail.html", context, status=422)


@login_required
@require_POST
def shipment_document_detach(request: HttpRequest, shipment_id: int, document_id: int) -> HttpResponse:
    actor = _actor(request)
    shipment = selectors.shipment_get(actor=actor, shipment_id=shipment_id, action="write")
    try:
        services.shipment_document_detach(actor=actor, shipment_id=shipment.pk, document_id=document_id)
    except ServiceError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("The document has been removed from the shipment; the file is still in Documents."))
    return redirect(_documents_tab(shipment))


# -- goods lines and containers (HTMX panels) --------------------------------------------------------


def _panel(
    request: HttpRequest, template: str, context: dict[str, Any], *, saved: bool, shipment: Shipment, tab: str
) -> HttpResponse:
    """After a save: back to the tab (HX-Redirect for HTMX). Otherwise the form: the fragment for HTMX
    (200, so HTMX swaps it in with its inline errors), the whole page for a plain request."""
    target = reverse("shipments:detail", args=[shipment.pk]) + f"?tab={tab}"
    if saved:
        if _htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    context = {**context, "shipment": shipment, "cancel_url": target}
    if _htmx(request):
        return render(request, template, context)
    status = 422 if context["form"].errors else 200
    return render(request, "shipments/panel_page.html", {**context, "panel_template": template}, status=status)


def _goods_form(
    request: HttpRequest, shipment_id: int, line_id: int | None
) -> tuple[Actor, Shipment, Any, GoodsLineForm]:
    actor = _actor(request)
    shipment = selectors.shipment_get(actor=actor, shipment_id=shipment_id, action="write")
    line = None
    initial: dict[str, Any] = {}
    if line_id is not None:
        line = selectors.goods_line_get(actor=actor, shipment_id=shipment.pk, line_id=line_id, action="write")
        initial = {name: getattr(line, name) for name in services.GOODS_FIELDS}
        initial = {k: ("" if v is None else v) for k, v in initial.items()}
    data = request.POST if request.method == "POST" else None
    products = product_choices(
        actor=actor, enterprise_id=shipment.enterprise_id, current=line.product if line is not None else None
    )
    return actor, shipment, line, GoodsLineForm(data, products=products, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def goods_line_add(request: HttpRequest, shipment_id: int) -> HttpResponse:
    actor, shipment, _line, form = _goods_form(request, shipment_id, None)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.goods_line_add(actor=actor, shipment_id=shipment.pk, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            saved = True
            messages.success(request, _("The goods line has been added."))
    action = reverse("shipments:goods_add", args=[shipment.pk])
    context = {"form": form, "action": action, "title": _("Add goods line")}
    return _panel(request, "shipments/_goods_form.html", context, saved=saved, shipment=shipment, tab="goods")


@login_required
@require_http_methods(["GET", "POST"])
def goods_line_edit(request: HttpRequest, shipment_id: int, line_id: int) -> HttpResponse:
    actor, shipment, line, form = _goods_form(request, shipment_id, line_id)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.goods_line_update(actor=actor, shipment_id=shipment.pk, line_id=line.pk, **_changed(form))
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            saved = True
            messages.success(request, _("The goods line has been saved."))
    action = reverse("shipments:goods_edit", args=[shipment.pk, line.pk])
    title = _("Edit goods line %(number)d") % {"number": line.line_number}
    context = {"form": form, "action": action, "title": title}
    return _panel(request, "shipments/_goods_form.html", context, saved=saved, shipment=shipment, tab="goods")


@login_required
@require_POST
def goods_line_delete(request: HttpRequest, shipment_id: int, line_id: int) -> HttpResponse:
    actor = _actor(request)
    line = selectors.goods_line_get(actor=actor, shipment_id=shipment_id, line_id=line_id, action="write")
    try:
        services.goods_line_remove(actor=actor, shipment_id=line.shipment_id, line_id=line.pk)
    except ServiceError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("Goods line %(number)d has been removed.") % {"number": line.line_number})
    return redirect(reverse("shipments:detail", args=[line.shipment_id]) + "?tab=goods")


def _container_form(
    request: HttpRequest, shipment_id: int, container_id: int | None
) -> tuple[Actor, Shipment, Any, ContainerForm]:
    actor = _actor(request)
    shipment = selectors.shipment_get(actor=actor, shipment_id=shipment_id, action="write")
    container = None
    initial: dict[str, Any] = {}
    if container_id is not None:
        container = selectors.container_get(
            actor=actor, shipment_id=shipment.pk, container_id=container_id, action="write"
        )
        initial = {
            "number": container.number,
            "size_type": container.size_type,
            "seals": ", ".join(container.seals),
            "tare_kg": "" if container.tare_kg is None else container.tare_kg,
            "vgm_kg": "" if container.vgm_kg is None else container.vgm_kg,
            "goods_lines": [load.goods_line_id for load in container.loads.all()],
            **{
                load_quantity_field(load.goods_line_id): "" if load.quantity is None else plain(load.quantity)
                for load in container.loads.all()
            },
        }
    lines = list(selectors.goods_lines(actor=actor, shipment=shipment))
    data = request.POST if request.method == "POST" else None
    return actor, shipment, container, ContainerForm(data, lines=lines, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def container_add(request: HttpRequest, shipment_id: int) -> HttpResponse:
    actor, shipment, _container, form = _container_form(request, shipment_id, None)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.container_add(actor=actor, shipment_id=shipment.pk, **form.service_data())
        except ServiceError as exc:
            add_service_error(form, exc, form.service_fields())
        else:
            saved = True
            messages.success(request, _("The container has been added."))
    action = reverse("shipments:container_add", args=[shipment.pk])
    context = {"form": form, "action": action, "title": _("Add container")}
    return _panel(request, "shipments/_container_form.html", context, saved=saved, shipment=shipment, tab="containers")


@login_required
@require_http_methods(["GET", "POST"])
def container_edit(request: HttpRequest, shipment_id: int, container_id: int) -> HttpResponse:
    actor, shipment, container, form = _container_form(request, shipment_id, container_id)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.container_update(
                actor=actor, shipment_id=shipment.pk, container_id=container.pk, **form.service_data()
            )
        except ServiceError as exc:
            add_service_error(form, exc, form.service_fields())
        else:
            saved = True
            messages.success(request, _("The container has been saved."))
    action = reverse("shipments:container_edit", args=[shipment.pk, container.pk])
    context = {"form": form, "action": action, "title": _("Edit container %(number)s") % {"number": container.number}}
    return _panel(request, "shipments/_container_form.html", context, saved=saved, shipment=shipment, tab="containers")


@login_required
@require_POST
def container_delete(request: HttpRequest, shipment_id: int, container_id: int) -> HttpResponse:
    actor = _actor(request)
    container = selectors.container_get(actor=actor, shipment_id=shipment_id, container_id=container_id, action="write")
    try:
        services.container_remove(actor=actor, shipment_id=container.shipment_id, container_id=container.pk)
    except ServiceError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("Container %(number)s has been removed.") % {"number": container.number})
    return redirect(reverse("shipments:detail", args=[container.shipment_id]) + "?tab=containers")
