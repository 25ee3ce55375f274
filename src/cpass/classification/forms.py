"""Forms of the HS search page and the classification assistant."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cpass.classification.selectors import MAX_LIMIT


class JurisdictionField(forms.CharField):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            label=_("Jurisdiction"),
            initial="CN",
            required=False,
            max_length=2,
            help_text=_("Two letters: CN, US…"),
            **kwargs,  # type: ignore[arg-type]
        )


class HsSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Code or words"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("8413.60, centrifugal pumps, 水泵")}),
    )
    jurisdiction = JurisdictionField()
    limit = forms.IntegerField(label=_("Results"), min_value=1, max_value=MAX_LIMIT, initial=20, required=False)


class SuggestForm(forms.Form):
    text = forms.CharField(
        label=_("Product description"),
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("e.g. Stainless steel kitchen knife, 20 cm blade / 不锈钢厨房刀具")}
        ),
        help_text=_("English or Chinese, as you would describe the goods on an invoice (at most 1000 characters)."),
    )
    jurisdiction = JurisdictionField()
