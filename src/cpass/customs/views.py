"""The customs pages: the duty calculator (stateless, read-only: a GET form, so a calculation can be bookmarked
and shared) and the declaration pages (list, detail with tabs, header and item forms with inline checks,
documents, containers, workflow, preparing a declaration from a shipment)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import BaseFormSet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpass.core.actor import Actor
from cpass.core.errors import Conflict, ServiceError, ValidationFailed
from cpass.core.forms import add_service_error
from cpass.core.platform import require_reference_read
from cpass.customs import selectors, services
from cpass.customs.choices import (
    EDITABLE,
    MAX_ITEMS,
    TRANSITIONS,
    DeclarationStatus,
    Transition,
    TransitionBy,
    transitions_from,
)
from cpass.customs.duty import DeclarationResult, Figure
from cpass.customs.fields import ITEM_FIELDS as DECLARATION_ITEM_FIELDS
from cpass.customs.fields import PARTY_FIELDS, STORED_HEADER_FIELDS
from cpass.customs.forms import (
    HEADER_GROUPS,
    CalculatorForm,
    ContainersForm,
    DeclarationFilterForm,
    DeclarationHeaderForm,
    DeclarationItemForm,
    DeclarationTransitionForm,
    DocumentForm,
    ItemForm,
    ItemFormSet,
    RevisionRequestForm,
)
from cpass.customs.gateway import selectors as gateway_selectors
from cpass.customs.gateway import services as gateway_services
from cpass.customs.gateway.base import RECEIPT_CODES
from cpass.customs.models import (
    Declaration,
    DeclarationItem,
)
from cpass.customs.rules import Finding, validate_declaration
from cpass.parties.models import Party
from cpass.parties.selectors import party_choices
from cpass.products.elements import Element, join_specification
from cpass.products.forms import ELEMENT_PREFIX, element_field_map, element_field_name
from cpass.products.selectors import product_choices
from cpass.products.validation import ProductRules
from cpass.reference.selectors import code_entry
from cpass.shipments.models import Container, GoodsLine

PREFIX = "items"
ITEM_FIELDS = list(ItemForm.base_fields)
_ITEM_PATH = re.compile(r"items\[(\d+)\]\.(\w+)")


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _rows_from(data: QueryDict) -> list[dict[str, str]]:
    """The rows as typed (for “Add item”, which re-renders without validating)."""
    try:
        total = min(int(data.get(f"{PREFIX}-TOTAL_FORMS", "0")), 49)
    except ValueError:
        total = 0
    return [{name: data.get(f"{PREFIX}-{i}-{name}", "") for name in ITEM_FIELDS} for i in range(max(total, 0))]


def _place_errors(exc: ValidationFailed, form: CalculatorForm, items: BaseFormSet) -> None:
    """Each service error on its field: items[2].currency on row 2, freight.currency on the freight currency."""
    for path, texts in exc.errors.items():
        for message in texts:
            match = _ITEM_PATH.match(path)
            if match and int(match[1]) < len(items.forms):
                row = items.forms[int(match[1])]
                field = match[2] if match[2] in row.fields else None
                row.add_error(field, str(message))
                continue
            name = path.replace(".", "_")
            candidates = [name, f"{name}_value", path]
            field_name = next((c for c in candidates if c in form.fields), None)
            form.add_error(field_name, str(message))


def _localised(figure: Figure, language: str) -> dict[str, Any]:
    return {
        "key": figure.key,
        "label": figure.label.text(language),
        "amount": figure.amount,
        "currency": figure.currency,
        "formula": figure.formula.text(language),
        "working": figure.working,
        "rate": figure.rate,
        "reason": figure.reason,
        "rounding": figure.rounding.text(language) if figure.rounding else "",
        "legal_basis": figure.legal_basis.text(language) if figure.legal_basis else "",
    }


def _view_model(result: DeclarationResult, rows: list[Any], language: str) -> dict[str, Any]:
    items = []
    for item in result.items:
        items.append(
            {
                "result": item,
                "code": item.code,
                "figures": [_localised(figure, language) for figure in item.figures],
            }
        )
    taxes = [
        {"tax": tax, "label": tax.label.text(language), "figure": _localised(tax.figure, language)}
        for tax in result.taxes
    ]
    return {
        "result": result,
        "items": items,
        "taxes": taxes,
        "notes": [_localised(f, language) for f in result.figures],
    }


@login_required
@require_GET
def calculator(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require_reference_read(actor)
    data = request.GET
    calculation = None
    if "add" in data:
        form = CalculatorForm(initial={name: data.get(name, "") for name in CalculatorForm.base_fields})
        rows = _rows_from(data) + [{}]
        items = ItemFormSet(prefix=PREFIX, initial=rows)
    elif "calculate" in data:
        form = CalculatorForm(data)
        bound = data.copy()
        bound[f"{PREFIX}-INITIAL_FORMS"] = "0"  # every row may be left empty
        items = ItemFormSet(bound, prefix=PREFIX)
        if form.is_valid() and items.is_valid():
            requests = [
                selectors.ItemRequest(
                    code=row["code"],
                    origin=row.get("origin") or None,
                    proof_of_origin=row.get("proof_of_origin", False),
                    price=row["price"],
                    currency=row["currency"],
                    quantity_1=row.get("quantity_1"),
                    quantity_2=row.get("quantity_2"),
                    trade_quantity=row.get("trade_quantity"),
                    trade_unit=row.get("trade_unit", ""),
                )
                for row in (item.cleaned_data for item in items.forms)
                if row
            ]
            try:
                result = selectors.calculate(
                    actor=actor,
                    jurisdiction="CN",
                    on=form.cleaned_data["date"],
                    items=requests,
                    direction=form.cleaned_data["direction"],
                    terms=form.cleaned_data["terms"],
                    freight=form.charge("freight"),
                    insurance=form.charge("insurance"),
                )
                calculation = _view_model(result, items.forms, get_language() or "en")
            except ValidationFailed as exc:
                _place_errors(exc, form, items)
    else:
        form = CalculatorForm(initial={"date": timezone.localdate(), "terms": "FOB", "direction": "import"})
        items = ItemFormSet(prefix=PREFIX, initial=[{"currency": "USD"}, {"currency": "USD"}])
    context = {"form": form, "items": items, "calculation": calculation}
    return render(request, "customs/calculator.html", context)


# -- declarations ---------------------------------------------------------------------------------------
#
# The list, the detail with its tabs, the header and item forms with inline checks as a person edits (items
# with the declaration elements of their code), accompanying documents, containers, the workflow, and preparing a
# declaration from a shipment. Each view parses a form, calls a service or selector, renders; a service's
# refusal lands on the form's fields. Tenancy: every read starts from the customs selectors or
# `for_actor`, so another enterprise's declaration is a 404.

DECLARATION_PAGE_SIZE = 25
DECLARATION_TABS = ("header", "items", "documents", "containers", "duties", "validation", "timeline", "gateway")
_FINDING_PATH = re.compile(r"items\[(\d+)\](?:\.(\w+))?(?:\.(\w+))?")


def _declaration_writable(actor: Actor, declaration: Declaration) -> bool:
    return declaration.enterprise_id in actor.enterprise_ids_for("customs", "write")


def _steps(actor: Actor, declaration: Declaration) -> list[Transition]:
    """The workflow steps the actor may take now: customs' own come with receipts, a manager's need the role."""
    if not _declaration_writable(actor, declaration):
        return []
    manager = declaration.enterprise_id in actor.enterprise_ids_for("customs", "manage")
    return [
        step
        for step in transitions_from(declaration.status, entry_number=declaration.entry_number)
        if step.by == TransitionBy.WRITER or (step.by == TransitionBy.MANAGER and manager)
    ]


def _route_exists(path: str) -> bool:
    """Whether another helper's page (the PDF, the item sheet) is wired, so no dead link is shown."""
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _parties_for(actor: Actor, declaration: Declaration) -> list[Party]:
    """The header's party choices, with the parties the declaration names now even if deactivated or past the
    list's limit: a select without its value would send a blank and clear the party."""
    current = [getattr(declaration, name.removesuffix("_id")) for name in PARTY_FIELDS]
    return party_choices(actor=actor, enterprise_ids=[declaration.enterprise_id], current=current)


def _header_initial(declaration: Declaration) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for name in STORED_HEADER_FIELDS:
        value = getattr(declaration, name)
        if name in PARTY_FIELDS:
            value = "" if value is None else str(value)
        elif value is None:
            value = ""
        elif isinstance(value, Decimal):
            value = _plain(value)
        initial[name] = value
    return initial


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _header_form(actor: Actor, declaration: Declaration, data: Any) -> DeclarationHeaderForm:
    return DeclarationHeaderForm(
        data,
        parties=_parties_for(actor, declaration),
        on=services.declaration_day(declaration),
        initial=_header_initial(declaration),
    )


def _form_field(name: str) -> str:
    """The header form's field for a finding's field (a party finding names the relation, the form its id)."""
    return f"{name}_id" if f"{name}_id" in DeclarationHeaderForm.base_fields else name


def _header_checks(actor: Actor, declaration: Declaration, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Every edited value checked as the services check it (each field on its own, then together), and the
    rules report of the declaration with the edited values; nothing is saved."""
    errors, report = services.declaration_header_preview(actor=actor, declaration=declaration, raw=raw)
    placed = [(_form_field(finding.field), finding) for finding in report.findings]
    return _checks(DeclarationHeaderForm.base_fields, errors, placed, declaration)


def _checks(
    names: Iterable[str],
    errors: Mapping[str, list[str]],
    placed: Iterable[tuple[str, Finding]],
    declaration: Declaration,
) -> dict[str, Any]:
    """The inline checks of a form: each field's errors and findings, the findings of fields not on the form
    (linked to where they are put right) and the counts. A finding on a field that has an error is left out:
    the error says what to fix first."""
    by_field: dict[str, list[dict[str, str]]] = {name: [] for name in names}
    others: list[dict[str, Any]] = []
    for field, found in errors.items():
        for text in found:
            entry = {"severity": "error", "message": text, "code": ""}
            if field in by_field:
                by_field[field].append(entry)
            else:
                others.append({**entry, "link": ""})
    for name, finding in placed:
        entry = {"severity": finding.severity, "message": str(finding.message), "code": finding.code}
        if name in by_field:
            if name not in errors:
                by_field[name].append(entry)
        else:
            others.append({**entry, "link": _finding_link(declaration, finding.field, {}, editable=True)})
    entries = [*(entry for found in by_field.values() for entry in found), *others]
    return {
        "field_checks": by_field,
        "other_checks": others,
        "error_count": sum(1 for entry in entries if entry["severity"] == "error"),
        "warning_count": sum(1 for entry in entries if entry["severity"] == "warning"),
    }


def _finding_link(declaration: Declaration, field: str, items: Mapping[int, DeclarationItem], *, editable: bool) -> str:
    """Where a finding's field is put right: the header form's input, the item's form, or the tab."""
    detail = reverse("customs:declaration_detail", args=[declaration.pk])
    match = _FINDING_PATH.fullmatch(field)
    if match:
        item = items.get(int(match[1]))
        if item is None or not editable:
            return f"{detail}?tab=items"
        anchor = f"el_{match[3]}" if match[2] == "elements" and match[3] else (match[2] or "hs_code")
        return reverse("customs:item_edit", args=[declaration.pk, item.pk]) + f"#id_{anchor}"
    if field in ("items", "documents", "containers"):
        return f"{detail}?tab={field}"
    name = _form_field(field)
    if editable:
        return reverse("customs:declaration_edit", args=[declaration.pk]) + f"#id_{name}"
    return f"{detail}?tab=header#field-{name}"


def _header_display(declaration: Declaration) -> list[tuple[Any, list[dict[str, Any]]]]:
    """The header in the form's sections, each value as a person reads it (a code with its name)."""
    on = services.declaration_day(declaration)
    groups = []
    for title, names in HEADER_GROUPS:
        rows = []
        for name in names:
            field = DeclarationHeaderForm.base_fields[name]
            value = getattr(declaration, name)
            if name in PARTY_FIELDS:
                party = getattr(declaration, name.removesuffix("_id"))
                shown = party.name_local if party is not None else ""
            elif getattr(field, "table", None) is not None and value:
                entry = code_entry(field.table, value, on=on)  # type: ignore[attr-defined]
                shown = f"{value} {entry.name}" if entry is not None else value
            elif isinstance(field, forms.ChoiceField) and value:
                shown = getattr(declaration, f"get_{name}_display")()
            elif name == "self_assessment":
                shown = _("Yes") if value else _("No")
            elif isinstance(value, Decimal):
                shown = _plain(value)
            else:
                shown = "" if value is None else str(value)
            rows.append({"name": name, "label": field.label, "value": shown})
        groups.append((title, rows))
    return groups


def _report_view(declaration: Declaration, items: list[DeclarationItem], *, editable: bool) -> dict[str, Any]:
    report = validate_declaration(declaration, on=services.declaration_day(declaration))
    by_number = {item.item_number: item for item in items}

    def entries(findings: list[Any]) -> list[dict[str, Any]]:
        return [
            {
                "code": finding.code,
                "field": finding.field,
                "message": finding.message,
                "link": _finding_link(declaration, finding.field, by_number, editable=editable),
            }
            for finding in findings
        ]

    return {"errors": entries(report.errors), "warnings": entries(report.warnings)}


def _declaration_items(actor: Actor, declaration: Declaration) -> list[DeclarationItem]:
    return list(selectors.declaration_items(actor=actor, declaration=declaration))


def _gateway(actor: Actor, declaration: Declaration) -> dict[str, Any]:
    try:
        gateway = gateway_selectors.declaration_gateway(actor=actor, declaration=declaration)
    except ValidationFailed as exc:  # a connection that is no longer configured: say so
        return {"name": declaration.gateway, "label": exc.detail, "is_sandbox": False}
    return {"name": gateway.name, "label": gateway.label, "is_sandbox": gateway.is_sandbox}


def _declaration_context(actor: Actor, declaration_id: int, tab: str) -> dict[str, Any]:
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id)
    tab = tab if tab in DECLARATION_TABS else "header"
    can_write = _declaration_writable(actor, declaration)
    editable = can_write and declaration.status in EDITABLE
    items = _declaration_items(actor, declaration)
    documents = list(selectors.declaration_documents(actor=actor, declaration=declaration))
    containers = list(selectors.declaration_containers(declaration=declaration))
    pdf_url = f"/customs/declarations/{declaration.pk}/draft.pdf"
    context: dict[str, Any] = {
        "declaration": declaration,
        "tab": tab,
        "tabs": [
            ("header", _("Header")),
            ("items", _("Items (%(count)d)") % {"count": len(items)}),
            ("documents", _("Documents (%(count)d)") % {"count": len(documents)}),
            ("containers", _("Containers (%(count)d)") % {"count": len(containers)}),
            ("duties", _("Duties and taxes")),
            ("validation", _("Validation")),
            ("timeline", _("Timeline")),
            ("gateway", _("Gateway")),
        ],
        "can_write": can_write,
        "editable": editable,
        "steps": [
            {"step": step, "form": DeclarationTransitionForm(initial={"transition": step.name}, prefix=step.name)}
            for step in _steps(actor, declaration)
        ],
        "pdf_url": pdf_url if _route_exists(pdf_url) else "",
        "gateway": _gateway(actor, declaration),
        "items": items,
        "documents": documents,
        "containers": containers,
        "split_parts": list(
            selectors.declaration_list(actor=actor, shipment_id=declaration.shipment_id)
            .filter(split_from_id=declaration.pk)
            .values("id", "reference")
        ),
    }
    if tab == "header":
        context["header_groups"] = _header_display(declaration)
    elif tab == "items":
        sheet = {
            "template": f"/customs/declarations/{declaration.pk}/items/template.xlsx",
            "import": f"/customs/declarations/{declaration.pk}/items/import",
            "export": f"/customs/declarations/{declaration.pk}/items/export.xlsx",
        }
        context["item_sheet"] = {key: url for key, url in sheet.items() if _route_exists(url)}
        context["can_add_item"] = editable and len(items) < MAX_ITEMS
        context["max_items"] = MAX_ITEMS
    elif tab == "documents":
        context["document_form"] = DocumentForm(on=services.declaration_day(declaration)) if editable else None
    elif tab == "containers":
        shipment_containers = list(
            Container.objects.for_actor(actor, "read").filter(shipment_id=declaration.shipment_id).order_by("number")
        )
        context["containers_form"] = (
            ContainersForm(containers=shipment_containers, initial={"container_ids": [c.pk for c in containers]})
            if editable
            else None
        )
        context["shipment_containers"] = shipment_containers
    elif tab == "duties":
        try:
            result = selectors.declaration_calculation(actor=actor, declaration_id=declaration.pk)
        except ValidationFailed as exc:
            by_number = {item.item_number: item for item in items}
            context["calculation_problems"] = [
                {
                    "field": field,
                    "message": message,
                    "link": _finding_link(declaration, field, by_number, editable=editable),
                }
                for field, messages in exc.errors.items()
                for message in messages
            ] or [{"field": "", "message": exc.detail, "link": ""}]
        else:
            context["calculation"] = _view_model(result, [], get_language() or "en")
    elif tab == "validation":
        context["report"] = _report_view(declaration, items, editable=editable)
    elif tab == "timeline":
        context["events"] = list(selectors.declaration_events(actor=actor, declaration=declaration))
    elif tab == "gateway":
        context["revision"] = _revision_panel(actor, declaration)
        context["resendable"] = can_write and gateway_services.declaration_resendable(declaration)
        context["submissions"] = list(
            gateway_selectors.declaration_submissions(actor=actor, declaration_id=declaration.pk)
        )
        context["receipts"] = [
            {"receipt": receipt, "meaning": RECEIPT_CODES.get(receipt.code)}
            for receipt in gateway_selectors.declaration_receipts(actor=actor, declaration_id=declaration.pk)
        ]
    return context


def _revision_panel(actor: Actor, declaration: Declaration, form: RevisionRequestForm | None = None) -> dict[str, Any]:
    """The gateway tab's requests to customs (修撤单): the form (when the actor may file one now), the request
    waiting for customs' decision, and every request with customs' reply."""
    kinds = selectors.revision_kinds(actor=actor, declaration=declaration)
    requests = list(selectors.revision_requests(actor=actor, declaration=declaration))
    return {
        "form": form or (RevisionRequestForm(kinds=kinds) if kinds else None),
        "open": next((request for request in requests if request.is_open), None),
        "history": requests,
        "action": reverse("customs:revision_request_create", args=[declaration.pk]),
    }


def _declaration_page(
    request: HttpRequest, declaration_id: int, tab: str, *, status: int = 200, **extra: Any
) -> HttpResponse:
    context = _declaration_context(_actor(request), declaration_id, tab)
    context.update(extra)
    return render(request, "customs/declarations/detail.html", context, status=status)


def _detail_url(declaration_id: int, tab: str = "") -> str:
    url = reverse("customs:declaration_detail", args=[declaration_id])
    return f"{url}?tab={tab}" if tab else url


@login_required
@require_GET
def declaration_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = DeclarationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    try:
        declarations = selectors.declaration_list(
            actor=actor,
            status=filters.get("status") or None,
            direction=filters.get("direction") or None,
            q=filters.get("q") or None,
            ordering=filters.get("ordering") or None,
        )
    except ServiceError as exc:
        add_service_error(form, exc)
        declarations = selectors.declaration_list(actor=actor)
    page = Paginator(declarations, DECLARATION_PAGE_SIZE).get_page(request.GET.get("page"))
    without_page = request.GET.copy()
    without_page.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": without_page.urlencode(),
        "shows_clients": len(actor.enterprise_ids_for("customs", "read")) > 1,
    }
    return render(request, "customs/declarations/list.html", context)


@login_required
@require_GET
def declaration_detail(request: HttpRequest, declaration_id: int) -> HttpResponse:
    return _declaration_page(request, declaration_id, request.GET.get("tab", "header"))


@login_required
@require_http_methods(["GET", "POST"])
def declaration_edit(request: HttpRequest, declaration_id: int) -> HttpResponse:
    """The header form. Every field is checked inline as it changes (`declaration_check`); saving sends every
    field to the service, which checks them all and writes nothing unless all pass."""
    actor = _actor(request)
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id, action="write")
    if declaration.status not in EDITABLE:
        messages.error(
            request,
            _("The declaration is %(status)s: only a draft can change.") % {"status": declaration.get_status_display()},
        )
        return redirect(_detail_url(declaration.pk))
    form = _header_form(actor, declaration, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declaration_update(actor=actor, declaration_id=declaration.pk, **form.service_data())
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The declaration has been saved."))
            return redirect(_detail_url(declaration.pk))
    raw = form.service_data() if form.is_bound and form.is_valid() else _header_initial(declaration)
    context = {
        "form": form,
        "declaration": declaration,
        "checks": _header_checks(actor, declaration, raw),
    }
    return render(request, "customs/declarations/form.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def declaration_check(request: HttpRequest, declaration_id: int) -> HttpResponse:
    """HTMX, as a person edits the header: the field checks and the rules report of the declaration with the
    typed values, swapped in next to each field (out of band) and as a summary. Nothing is saved."""
    actor = _actor(request)
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id, action="write")
    form = _header_form(actor, declaration, request.POST)
    form.is_valid()  # text fields only: the checks below are the services'
    raw = {name: form.cleaned_data.get(name, request.POST.get(name, "")) for name in form.fields}
    context = {"checks": _header_checks(actor, declaration, raw), "declaration": declaration, "oob": True}
    return render(request, "customs/declarations/_header_checks.html", context)


@login_required
@require_POST
def declaration_transition(request: HttpRequest, declaration_id: int) -> HttpResponse:
    """A workflow step; validating and submitting are refused with the report's errors, a missing reason on the
    step's dialog."""
    actor = _actor(request)
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id, action="write")
    step_name = request.POST.get("transition", "")
    form = DeclarationTransitionForm(request.POST, prefix=step_name if step_name in TRANSITIONS else None)
    if not form.is_valid():
        form = DeclarationTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a workflow step."))
        return redirect(_detail_url(declaration.pk))
    try:
        moved = services.declaration_transition(
            actor=actor,
            declaration_id=declaration.pk,
            transition=form.cleaned_data["transition"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationFailed as exc:
        if set(exc.errors) - {"reason", "transition"}:
            messages.error(request, str(exc.detail))
            return _declaration_page(request, declaration.pk, "validation", status=422)
        reasons = {
            form.cleaned_data["transition"]: [str(m) for ms in exc.errors.values() for m in ms] or [str(exc.detail)]
        }
        return _declaration_page(request, declaration.pk, "header", status=422, reason_errors=reasons)
    except Conflict as exc:
        messages.error(request, str(exc.detail))
        return redirect(_detail_url(declaration.pk))
    messages.success(request, _("The declaration is now %(status)s.") % {"status": moved.get_status_display()})
    return redirect(_detail_url(moved.pk, "timeline" if moved.status == DeclarationStatus.SUBMITTED else ""))


@login_required
@require_POST
def declaration_delete(request: HttpRequest, declaration_id: int) -> HttpResponse:
    actor = _actor(request)
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id, action="write")
    try:
        services.declaration_delete(actor=actor, declaration_id=declaration.pk)
    except Conflict as exc:
        messages.error(request, str(exc.detail))
        return redirect(_detail_url(declaration.pk))
    messages.success(request, _("Declaration %(reference)s has been deleted.") % {"reference": declaration.reference})
    return redirect("customs:declaration_list")


@login_required
@require_POST
def declaration_prepare(request: HttpRequest, shipment_id: int) -> HttpResponse:
    """Prepare the declaration(s) of a shipment: more than 50 goods lines make several, and the message says so."""
    actor = _actor(request)
    shipment_url = reverse("shipments:detail", args=[shipment_id])
    try:
        first = services.declaration_create(actor=actor, shipment_id=shipment_id)
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, str(exc.detail))
        return redirect(shipment_url)
    parts = list(
        selectors.declaration_list(actor=actor, shipment_id=shipment_id)
        .filter(split_from_id=first.pk)
        .order_by("reference")
        .values_list("reference", flat=True)
    )
    if parts:
        messages.success(
            request,
            _(
                "The shipment has more goods lines than one declaration carries (%(max)d items): %(count)d "
                "declarations were prepared, %(first)s and %(others)s."
            )
            % {"max": MAX_ITEMS, "count": len(parts) + 1, "first": first.reference, "others": ", ".join(parts)},
        )
    else:
        messages.success(request, _("Declaration %(reference)s has been prepared.") % {"reference": first.reference})
    return redirect(_detail_url(first.pk))


# -- items (HTMX panel) -----------------------------------------------------------------------------------


def _elements_for(code: str, on: dt.date) -> list[Element]:
    """The element template of the code typed so far; none while it is incomplete or unknown."""
    rules = ProductRules(on=on)
    try:
        cleaned = rules.hs_code(code)
        return rules.elements(cleaned) if cleaned else []
    except ServiceError:
        return []


def _item_form(
    request: HttpRequest, declaration_id: int, item_id: int | None
) -> tuple[Actor, Declaration, DeclarationItem | None, DeclarationItemForm]:
    actor = _actor(request)
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id, action="write")
    item = None
    initial: dict[str, Any] = {}
    if item_id is not None:
        item = selectors.item_get(actor=actor, declaration_id=declaration.pk, item_id=item_id, action="write")
        for name in DECLARATION_ITEM_FIELDS:
            if name == "elements":
                continue
            value = getattr(item, name)
            initial[name] = "" if value is None else (_plain(value) if isinstance(value, Decimal) else str(value))
    on = services.declaration_day(declaration)
    data = request.POST if request.method == "POST" else None
    code = data.get("hs_code", "") if data is not None else (item.hs_code if item is not None else "")
    form = DeclarationItemForm(
        data,
        on=on,
        products=product_choices(
            actor=actor,
            enterprise_id=declaration.enterprise_id,
            current=item.product if item is not None else None,
            limit=500,
        ),
        lines=list(GoodsLine.objects.for_actor(actor, "read").filter(shipment_id=declaration.shipment_id)),
        elements=_elements_for(code, on),
        element_initial=item.elements if item is not None else {},
        initial=initial,
    )
    return actor, declaration, item, form


#: Where the item form's inline checks show what concerns the declaration elements (their inputs come with
#: the code's template, from the products app).
ELEMENTS_CHECK = "elements"


def _item_check_field(field: str) -> str:
    """The item form's check of a service error or finding: "items[2].quantity" or "quantity" → quantity; any
    declaration element ("items[2].elements.brand", "elements.brand") → the elements' check. A field of the
    declaration ("licence_number") stays as it is, for the summary."""
    match = _FINDING_PATH.fullmatch(field)
    name = (match[2] or field) if match else field
    return ELEMENTS_CHECK if name == "elements" or name.startswith("elements.") else name


def _item_check_names(form: DeclarationItemForm) -> list[str]:
    return [*(name for name in form.fields if not name.startswith(ELEMENT_PREFIX)), ELEMENTS_CHECK]


def _item_checks(
    actor: Actor, declaration: Declaration, item: DeclarationItem | None, form: DeclarationItemForm
) -> dict[str, Any]:
    """The item as typed (or as stored, for an unbound form), checked as saving it would check it (the form,
    then the services' field checks) and by the rules; nothing is saved."""
    errors: dict[str, list[str]] = {}
    raw: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # the form's own errors stand; the services check the rest
        for name, refused in form.errors.items():
            if name.startswith(ELEMENT_PREFIX):
                label = form.fields[name].label
                errors.setdefault(ELEMENTS_CHECK, []).extend(f"{label}: {text}" for text in refused)
            else:
                errors.setdefault(_item_check_field(name), []).extend(str(text) for text in refused)
        raw = form.service_data(changed_only=item is not None)
    found, report = services.item_preview(actor=actor, declaration=declaration, item=item, raw=raw)
    for name, texts in found.items():
        errors.setdefault(_item_check_field(name), []).extend(texts)
    placed = [(_item_check_field(finding.field), finding) for finding in report.findings]
    return _checks(_item_check_names(form), errors, placed, declaration)


def _item_panel(
    request: HttpRequest,
    declaration: Declaration,
    form: DeclarationItemForm,
    *,
    action: str,
    check_url: str,
    title: str,
    saved: bool,
    checks: dict[str, Any] | None,
) -> HttpResponse:
    """After a save: back to the items tab (HX-Redirect for HTMX). Otherwise the form: the fragment for HTMX
    (200, so HTMX swaps it in with its inline errors), the whole page for a plain request. `checks` are the
    inline checks shown when the form opens (None: they run at the first change)."""
    target = _detail_url(declaration.pk, "items")
    if saved:
        if _htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    preview = join_specification(form.elements, _typed_elements(form)) if form.elements else ""
    context = {
        "form": form,
        "declaration": declaration,
        "action": action,
        "check_url": check_url,
        "title": title,
        "cancel_url": target,
        "preview": preview,
        "checks": checks or {"field_checks": {name: [] for name in _item_check_names(form)}, "pending": True},
    }
    if _htmx(request):
        return render(request, "customs/declarations/_item_form.html", context)
    return render(request, "customs/declarations/item_page.html", context, status=422 if form.errors else 200)


def _typed_elements(form: DeclarationItemForm) -> dict[str, str]:
    if form.is_bound:
        return {element.key: form.data.get(element_field_name(element.key), "") for element in form.elements}
    return {element.key: str(form[element_field_name(element.key)].initial or "") for element in form.elements}


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request: HttpRequest, declaration_id: int) -> HttpResponse:
    actor, declaration, _item, form = _item_form(request, declaration_id, None)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.item_create(actor=actor, declaration_id=declaration.pk, **form.service_data(changed_only=False))
        except ServiceError as exc:
            add_service_error(form, exc, element_field_map(form.elements))
        else:
            saved = True
            messages.success(request, _("The item has been added."))
    return _item_panel(
        request,
        declaration,
        form,
        action=reverse("customs:item_add", args=[declaration.pk]),
        check_url=reverse("customs:item_add_check", args=[declaration.pk]),
        title=_("Add item"),
        saved=saved,
        checks=None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, declaration_id: int, item_id: int) -> HttpResponse:
    """An item's form. Opened, it shows the item's findings next to their fields (the validation tab links here);
    every field is checked inline as it changes (`item_check`)."""
    actor, declaration, item, form = _item_form(request, declaration_id, item_id)
    assert item is not None
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(
                actor=actor, declaration_id=declaration.pk, item_id=item.pk, **form.service_data(changed_only=True)
            )
        except ServiceError as exc:
            add_service_error(form, exc, element_field_map(form.elements))
        else:
            saved = True
            messages.success(request, _("Item %(number)d has been saved.") % {"number": item.item_number})
    return _item_panel(
        request,
        declaration,
        form,
        action=reverse("customs:item_edit", args=[declaration.pk, item.pk]),
        check_url=reverse("customs:item_edit_check", args=[declaration.pk, item.pk]),
        title=_("Edit item %(number)d") % {"number": item.item_number},
        saved=saved,
        checks=_item_checks(actor, declaration, item, form) if request.method == "GET" else None,
    )


@login_required
@require_POST
def item_check(request: HttpRequest, declaration_id: int, item_id: int | None = None) -> HttpResponse:
    """HTMX, as a person edits an item (new or stored): the field checks and the rules' findings of the item with
    the typed values, swapped in next to each field (out of band) and as a summary. Nothing is saved."""
    actor, declaration, item, form = _item_form(request, declaration_id, item_id)
    context = {"checks": _item_checks(actor, declaration, item, form), "declaration": declaration, "oob": True}
    return render(request, "customs/declarations/_item_checks.html", context)


@login_required
@require_POST
def item_delete(request: HttpRequest, declaration_id: int, item_id: int) -> HttpResponse:
    actor = _actor(request)
    item = selectors.item_get(actor=actor, declaration_id=declaration_id, item_id=item_id, action="write")
    try:
        services.item_delete(actor=actor, declaration_id=item.declaration_id, item_id=item.pk)
    except Conflict as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("Item %(number)d has been removed.") % {"number": item.item_number})
    return redirect(_detail_url(item.declaration_id, "items"))


# -- amendment and withdrawal requests (修撤单) -----------------------------------------------------------


@login_required
@require_POST
def revision_request_create(request: HttpRequest, declaration_id: int) -> HttpResponse:
    """File a request to customs from the gateway tab. Refused: the panel with its inline errors (the fragment,
    200, for HTMX to swap in; the whole page, 422, otherwise). Filed: back to the gateway tab."""
    actor = _actor(request)
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id, action="write")
    kinds = selectors.revision_kinds(actor=actor, declaration=declaration) or [str(request.POST.get("kind", ""))]
    form = RevisionRequestForm(request.POST, kinds=kinds)
    if form.is_valid():
        try:
            services.revision_request_create(actor=actor, declaration_id=declaration.pk, **form.cleaned_data)
        except ServiceError as exc:
            if exc.status in (403, 404):
                raise
            add_service_error(form, exc)
        else:
            messages.success(request, _("The request has been filed; it is sent to customs."))
            target = _detail_url(declaration.pk, "gateway")
            if _htmx(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
    if _htmx(request):
        context = {"declaration": declaration, "revision": _revision_panel(actor, declaration, form)}
        return render(request, "customs/declarations/_revision.html", context)
    return _declaration_page(
        request, declaration.pk, "gateway", status=422, revision=_revision_panel(actor, declaration, form)
    )


# -- documents and containers ---------------------------------------------------------------------------


@login_required
@require_POST
def document_add(request: HttpRequest, declaration_id: int) -> HttpResponse:
    actor = _actor(request)
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id, action="write")
    form = DocumentForm(request.POST, on=services.declaration_day(declaration))
    if form.is_valid():
        try:
            services.document_add(actor=actor, declaration_id=declaration.pk, **form.cleaned_data)
        except ServiceError as exc:
            if isinstance(exc, Conflict):
                messages.error(request, str(exc.detail))
                return redirect(_detail_url(declaration.pk, "documents"))
            add_service_error(form, exc)
        else:
            messages.success(request, _("The document has been added."))
            return redirect(_detail_url(declaration.pk, "documents"))
    return _declaration_page(request, declaration.pk, "documents", status=422, document_form=form)


@login_required
@require_POST
def document_remove(request: HttpRequest, declaration_id: int, document_id: int) -> HttpResponse:
    actor = _actor(request)
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id, action="write")
    try:
        services.document_remove(actor=actor, declaration_id=declaration.pk, document_id=document_id)
    except Conflict as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("The document has been removed."))
    return redirect(_detail_url(declaration.pk, "documents"))


@login_required
@require_POST
def declaration_containers(request: HttpRequest, declaration_id: int) -> HttpResponse:
    """Choose which of the shipment's containers this declaration lists."""
    actor = _actor(request)
    declaration = selectors.declaration_get(actor=actor, declaration_id=declaration_id, action="write")
    shipment_containers = list(
        Container.objects.for_actor(actor, "read").filter(shipment_id=declaration.shipment_id).order_by("number")
    )
    form = ContainersForm(request.POST, containers=shipment_containers)
    if form.is_valid():
        try:
            services.declaration_update(
                actor=actor, declaration_id=declaration.pk, container_ids=form.cleaned_data["container_ids"]
            )
        except ServiceError as exc:
            if isinstance(exc, Conflict):
                messages.error(request, str(exc.detail))
                return redirect(_detail_url(declaration.pk, "containers"))
            add_service_error(form, exc)
        else:
            messages.success(request, _("The containers have been saved."))
            return redirect(_detail_url(declaration.pk, "containers"))
    return _declaration_page(request, declaration.pk, "containers", status=422, containers_form=form)
