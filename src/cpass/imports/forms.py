"""The import upload form: built from the chosen importer's options. Parsing only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cpass.imports.framework import Importer


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV, XLSX or JSON)"))
    all_or_nothing = forms.BooleanField(
        label=_("Load nothing if any row is bad"),
        required=False,
        initial=True,
        help_text=_("Untick to load the valid rows and skip the bad ones."),
    )

    def __init__(self, *args: Any, importer: type[Importer[Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.importer = importer
        for option in importer.options:
            self.fields[f"option_{option.name}"] = forms.CharField(
                label=str(option.label), required=False, initial=option.default, help_text=str(option.help)
            )

    def option_values(self) -> dict[str, str]:
        return {option.name: self.cleaned_data.get(f"option_{option.name}", "") for option in self.importer.options}
