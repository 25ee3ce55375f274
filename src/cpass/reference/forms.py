"""Forms of the reference pages: parsing only; the services hold the rules."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cpass.core.errors import ValidationFailed
from cpass.reference.services import parse_attributes


class EntryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200, help_text=_("Code, English or Chinese name"))
    on = forms.DateField(label=_("Valid on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    all_versions = forms.BooleanField(label=_("All versions"), required=False)


class _EntryFields(forms.Form):
    name_en = forms.CharField(label=_("Name (English)"), max_length=255)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=255)
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: valid since always."),
    )
    valid_to = forms.DateField(
        label=_("Valid to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Inclusive. Empty: open-ended."),
    )
    attributes = forms.CharField(
        label=_("Attributes (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('A JSON object, e.g. {"rec20": "KGM"}.'),
    )

    def clean_attributes(self) -> dict[str, Any]:
        try:
            return parse_attributes(self.cleaned_data.get("attributes") or "")
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc.detail)) from None


class EntryCreateForm(_EntryFields):
    code = forms.CharField(label=_("Code"), max_length=32)
    close_previous = forms.BooleanField(
        label=_("Close the current version the day before “valid from”"), required=False
    )
    field_order = ["code", "name_en", "name_zh", "valid_from", "valid_to", "attributes", "close_previous"]


class EntryEditForm(_EntryFields):
    @staticmethod
    def attributes_text(attributes: dict[str, Any]) -> str:
        return json.dumps(attributes, ensure_ascii=False) if attributes else ""
