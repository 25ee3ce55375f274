"""Exchange-rate pages: list filters, the customs-rate lookup and the conversion form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cpass.fx.selectors import MAX_PLACES, ROUNDINGS, jurisdiction_choices

#: The rounding modes in words (the API takes the names, ROUND_HALF_UP…).
ROUNDING_LABELS = {
    "ROUND_HALF_UP": _("half up"),
    "ROUND_HALF_EVEN": _("half even (banker's rounding)"),
    "ROUND_HALF_DOWN": _("half down"),
    "ROUND_UP": _("away from zero"),
    "ROUND_DOWN": _("towards zero"),
    "ROUND_CEILING": _("ceiling (towards +∞)"),
    "ROUND_FLOOR": _("floor (towards −∞)"),
}


class _DateInput(forms.DateInput):
    input_type = "date"


class ExchangeRateFilterForm(forms.Form):
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    date_from = forms.DateField(label=_("From"), required=False, widget=_DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=_DateInput)
    source = forms.CharField(label=_("Source"), required=False, max_length=16)


class CustomsRateForm(forms.Form):
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"), choices=jurisdiction_choices, initial="CN")
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    date = forms.DateField(label=_("Date"), widget=_DateInput)


class ConversionForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=20, decimal_places=8)
    from_currency = forms.CharField(label=pgettext_lazy("currency", "From"), max_length=3, initial="USD")
    to_currency = forms.CharField(label=pgettext_lazy("currency", "To"), max_length=3, initial="CNY")
    jurisdiction = forms.ChoiceField(label=_("Customs rates of"), choices=jurisdiction_choices, initial="CN")
    date = forms.DateField(label=_("Date"), widget=_DateInput)
    places = forms.IntegerField(label=_("Decimal places"), min_value=0, max_value=MAX_PLACES, initial=2)
    rounding = forms.ChoiceField(
        label=_("Rounding"),
        choices=[(name, ROUNDING_LABELS[name]) for name in ROUNDINGS],
    )
