"""Form helpers shared by every app's views."""

from __future__ import annotations

from django import forms

from cpass.core.errors import ServiceError


def add_service_error(form: forms.Form, exc: ServiceError, field_map: dict[str, str] | None = None) -> None:
    """Put a service refusal on the form: per-field messages on their fields, anything else on top.

    `field_map` renames service field names to form field names where they differ.
    """
    placed = False
    for field, messages in exc.errors.items():
        name = (field_map or {}).get(field, field)
        for message in messages:
            form.add_error(name if name in form.fields else None, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(exc.detail))
