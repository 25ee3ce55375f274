"""The item upload form of a declaration. Parsing only: the import engine checks the file and its rows."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ItemUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Items file (XLSX, CSV or JSON)"),
        help_text=_("Our template, filled in. If any row is wrong, nothing is saved and every wrong row is listed."),
    )


class DeclarationExportForm(forms.Form):
    """The declaration list's filters, as its page and the API take them."""

    status = forms.CharField(required=False, max_length=20)
    direction = forms.CharField(required=False, max_length=10)
    shipment = forms.IntegerField(required=False, min_value=1)
    q = forms.CharField(required=False, max_length=100)
    ordering = forms.CharField(required=False, max_length=40)
