"""The duty calculator page: item rows, terms and charges in; duties, taxes, landed costs and the trace
of every figure out. Stateless, read-only: a GET form, so a calculation can be bookmarked and shared."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import BaseFormSet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from cpass.core.actor import Actor
from cpass.core.errors import ValidationFailed
from cpass.core.platform import require_reference_read
from cpass.customs import selectors
from cpass.customs.duty import DeclarationResult, Figure
from cpass.customs.forms import CalculatorForm, ItemForm, ItemFormSet

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
    for path, messages in exc.errors.items():
        for message in messages:
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
        "rounding": figure.rounding,
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
                    price=row["price"],
                    currency=row["currency"],
                    quantity_1=row.get("quantity_1"),
                    quantity_2=row.get("quantity_2"),
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
