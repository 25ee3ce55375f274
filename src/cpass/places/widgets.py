"""`LocodeInput`: a text input for a UN/LOCODE field with typeahead suggestions from /places/typeahead/."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.urls import reverse


class LocodeInput(forms.TextInput):
    """A text input that asks `places:typeahead` for matching locations as the person types and offers
    them in a <datalist>. `function` narrows the suggestions ("port", "airport", ...)."""

    template_name = "places/widgets/locode_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, function: str = "") -> None:
        base = {"autocomplete": "off", "maxlength": "6", "spellcheck": "false", "class": "mono"}
        super().__init__({**base, **(attrs or {})})
        self.function = function

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        list_id = f"{widget['attrs'].get('id') or name}-locodes"
        widget["datalist_id"] = list_id
        widget["attrs"].update(
            {
                "list": list_id,
                "hx-get": reverse("places:typeahead"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{list_id}",
                # The input sends its value under its own name; `field` tells the endpoint which one.
                "hx-vals": json.dumps({"field": name, "function": self.function}),
            }
        )
        return context
