"""`HsCodeInput`: an HS code text field with a typeahead, for any form that asks for a code.

HTMX fetches options from classification:typeahead as the person types (200 ms after the last
key) into a native <datalist>, so the browser shows the choices; no custom JavaScript. Where the form
itself chooses the schedule, `jurisdiction_from` names the select (a CSS selector) whose value is sent
instead of a fixed jurisdiction.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


class HsCodeInput(forms.TextInput):
    template_name = "classification/widgets/hs_code_input.html"

    def __init__(
        self, jurisdiction: str = "CN", attrs: dict[str, Any] | None = None, *, jurisdiction_from: str = ""
    ) -> None:
        defaults = {
            "autocomplete": "off",
            "inputmode": "search",
            "spellcheck": "false",
            "placeholder": _("Code or words, e.g. 8413 or pumps / 水泵"),
        }
        super().__init__({**defaults, **(attrs or {})})
        self.jurisdiction = jurisdiction
        self.jurisdiction_from = jurisdiction_from

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        list_id = f"{widget['attrs'].get('id') or name}-hs-options"
        query = {"field": name} if self.jurisdiction_from else {"field": name, "jurisdiction": self.jurisdiction}
        url = reverse("classification:typeahead") + "?" + urlencode(query)
        if self.jurisdiction_from:
            widget["attrs"]["hx-include"] = self.jurisdiction_from
        widget["attrs"].update(
            {
                "list": list_id,
                "hx-get": url,
                "hx-trigger": "input changed delay:200ms",
                "hx-target": f"#{list_id}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
                # Not what an enclosing HTMX form sets for its own request (the tariff lookup selects and pushes).
                "hx-select": "unset",
                "hx-push-url": "false",
            }
        )
        widget["list_id"] = list_id
        return context
