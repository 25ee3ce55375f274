"""The filter form of the enterprise change log page."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cpass.accounts.models import User
from cpass.audit.registry import audited_models


class ChangeFilterForm(forms.Form):
    """Object type, person and a date range (days in the viewer's time zone, both inclusive)."""

    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    user = forms.ModelChoiceField(label=_("Changed by"), queryset=User.objects.none(), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        type_field: forms.ChoiceField = self.fields["object_type"]  # type: ignore[assignment]
        type_field.choices = [("", _("All"))] + [
            (entry.label, capfirst(entry.model._meta.verbose_name)) for entry in audited_models()
        ]
        user_field: forms.ModelChoiceField = self.fields["user"]  # type: ignore[assignment]
        user_field.queryset = users
        user_field.empty_label = _("Anyone")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date must not be before the start date."))
        return cleaned

    def time_range(self) -> tuple[datetime | None, datetime | None]:
        """The date range as aware datetimes: from the start of `since` to the end of `until`."""
        since, until = self.cleaned_data.get("since"), self.cleaned_data.get("until")
        start = timezone.make_aware(datetime.combine(since, time.min)) if since else None
        end = timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min)) if until else None
        return start, end
