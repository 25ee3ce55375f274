"""The place search form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

FUNCTION_CHOICES = [
    ("", _("Any function")),
    ("port", _("Sea port")),
    ("airport", _("Airport")),
    ("rail", _("Rail terminal")),
    ("road", _("Road terminal")),
    ("icd", _("Inland clearance depot")),
    ("border", _("Border crossing")),
]


class CoordinatesForm(forms.Form):
    """Staff correct a location's coordinates; the service checks the values (its message names the field)."""

    latitude = forms.CharField(label=_("Latitude"), required=False, max_length=20, help_text=_("e.g. 31.230416"))
    longitude = forms.CharField(label=_("Longitude"), required=False, max_length=20, help_text=_("e.g. 121.473701"))


class LocationSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Code or name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("CNSHA, Shanghai, 宁波 …"), "autofocus": True}),
    )
    country = forms.CharField(
        label=_("Country"),
        required=False,
        max_length=2,
        widget=forms.TextInput(attrs={"placeholder": "CN", "class": "mono"}),
    )
    function = forms.ChoiceField(label=_("Function"), required=False, choices=FUNCTION_CHOICES)
