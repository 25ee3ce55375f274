"""`HsCodeInput`: an HS code text field with a typeahead, for any form that asks for a code.

HTMX fetches options from classification:typeahead as the person types (200 ms after the last
key) into a native <datalist>, so the browser shows the choices; no custom JavaScript.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


class HsCodeInput(forms.TextInput):
    template_name = "classification/widgets/hs_code_input.html"

    def __init__(self, jurisdiction: str = "CN", attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "autocomplete": "off",
            "inputmode": "search",
            "spellcheck": "false",
            "placeholder": _("Code or words, e.g. 8413 or pumps / 水泵"),
        }
        super().__init__({**defaults, **(attrs or {})})
        self.jurisdiction = jurisdiction

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        list_id = f"{widget['attrs'].get('id') or name}-hs-options"
        url = reverse("classification:typeahead") + "?" + urlencode({"field": name, "jurisdiction": self.jurisdiction})
        widget["attrs"].update(
            {
                "list": list_id,
                "hx-get": url,
                "hx-trigger": "input changed delay:200ms",
                "hx-target": f"#{list_id}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )
        widget["list_id"] = list_id
        return context
