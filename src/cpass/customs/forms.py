"""The duty calculator page: declaration fields and a formset of item rows."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cpass.classification.widgets import HsCodeInput
from cpass.customs.duty import Charge, ChargeMode

TERMS_CHOICES = [
    ("FOB", _("FOB (also FCA, FAS): add freight and insurance")),
    ("EXW", _("EXW: add freight and insurance")),
    ("CFR", _("CFR / C&F (also CPT): add insurance")),
    ("4", _("C&I: add freight")),
    ("CIF", _("CIF (also CIP, DAP, DPU, DDP): nothing to add")),
]
MODE_CHOICES = [
    ("", _("—")),
    ("rate", _("Rate %")),
    ("unit", _("Per unit")),
    ("total", _("Total")),
]


class _DateInput(forms.DateInput):
    input_type = "date"


class CalculatorForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=_DateInput)
    direction = forms.ChoiceField(label=_("Direction"), choices=[("import", _("Import")), ("export", _("Export"))])
    terms = forms.ChoiceField(label=_("Transaction terms"), choices=TERMS_CHOICES)
    freight_mode = forms.ChoiceField(label=_("Freight given as"), choices=MODE_CHOICES, required=False)
    freight_value = forms.DecimalField(label=_("Freight"), required=False, max_digits=26, decimal_places=8)
    freight_currency = forms.CharField(label=_("Freight currency"), required=False, max_length=3)
    insurance_mode = forms.ChoiceField(label=_("Insurance given as"), choices=MODE_CHOICES, required=False)
    insurance_value = forms.DecimalField(
        label=_("Insurance"),
        required=False,
        max_digits=26,
        decimal_places=8,
        help_text=_("Leave empty on FOB, EXW or CFR imports: customs then counts 3‰ of goods + freight."),
    )
    insurance_currency = forms.CharField(label=_("Insurance currency"), required=False, max_length=3)

    def charge(self, name: str) -> Charge | None:
        mode, value = self.cleaned_data.get(f"{name}_mode"), self.cleaned_data.get(f"{name}_value")
        if not mode or value is None:
            return None
        return Charge(ChargeMode(mode), value, (self.cleaned_data.get(f"{name}_currency") or "").upper())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("freight", "insurance"):
            if data.get(f"{name}_mode") and data.get(f"{name}_value") is None:
                self.add_error(f"{name}_value", _("Enter the amount or rate."))
            if data.get(f"{name}_value") is not None and not data.get(f"{name}_mode"):
                self.add_error(f"{name}_mode", _("Say whether this is a rate, per unit or a total."))
        return data


class ItemForm(forms.Form):
    code = forms.CharField(label=_("Commodity code"), max_length=40, widget=HsCodeInput())
    origin = forms.CharField(label=_("Origin"), max_length=3, required=False)
    price = forms.DecimalField(label=_("Total price"), max_digits=26, decimal_places=8, min_value=0)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    quantity_1 = forms.DecimalField(
        label=_("Quantity (legal unit 1)"), max_digits=26, decimal_places=8, min_value=0, required=False
    )
    quantity_2 = forms.DecimalField(
        label=_("Quantity (legal unit 2)"), max_digits=26, decimal_places=8, min_value=0, required=False
    )


ItemFormSet = forms.formset_factory(ItemForm, extra=0, max_num=50, absolute_max=50)
