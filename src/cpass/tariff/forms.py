"""Forms of the tariff pages: parsing only; the selectors hold the rules and say what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cpass.classification.widgets import HsCodeInput
from cpass.tariff.selectors import jurisdictions


def _jurisdiction_choices() -> list[tuple[str, str]]:
    return [(j.code, f"{j.code} {j.name}") for j in jurisdictions()]


class _JurisdictionForm(forms.Form):
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["jurisdiction"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _jurisdiction_choices()


class BrowseForm(_JurisdictionForm):
    code = forms.CharField(
        label=_("Code starts with"), required=False, max_length=40, help_text=_("Digits, e.g. 8413 or 8413.60")
    )
    on = forms.DateField(
        label=_("Valid on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: every version."),
    )


class LookupForm(_JurisdictionForm):
    code = forms.CharField(
        label=_("Commodity code"),
        max_length=40,
        help_text=_("e.g. 8413602100"),
        widget=HsCodeInput(jurisdiction_from="#id_jurisdiction"),
    )
    ciq_code = forms.CharField(
        label=_("CIQ sub-code"), required=False, max_length=3, help_text=_("3 digits, where the line has them")
    )
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    origin = forms.CharField(
        label=_("Origin country"), required=False, max_length=3, help_text=_("ISO alpha-3, e.g. JPN, DEU")
    )
    proof_of_origin = forms.BooleanField(
        label=_("Proof of origin claimed"),
        required=False,
        help_text=_("A certificate of origin or an origin declaration: agreement rates apply only with it."),
    )
    field_order = ["jurisdiction", "code", "ciq_code", "date", "origin", "proof_of_origin"]
