"""Exchange-rate pages: list filters, the customs-rate lookup and the conversion form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cpass.fx.rules import JURISDICTIONS
from cpass.fx.selectors import MAX_PLACES, ROUNDINGS

JURISDICTION_NAMES = {"CN": _("China"), "EU": _("European Union"), "US": _("United States")}
JURISDICTION_CHOICES = [
    (code, f"{JURISDICTION_NAMES.get(code, code)} ({jurisdiction.home_currency})")
    for code, jurisdiction in JURISDICTIONS.items()
]


class _DateInput(forms.DateInput):
    input_type = "date"


class ExchangeRateFilterForm(forms.Form):
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    date_from = forms.DateField(label=_("From"), required=False, widget=_DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=_DateInput)
    source = forms.CharField(label=_("Source"), required=False, max_length=16)


class CustomsRateForm(forms.Form):
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"), choices=JURISDICTION_CHOICES, initial="CN")
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    date = forms.DateField(label=_("Date"), widget=_DateInput)


class ConversionForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=20, decimal_places=8)
    from_currency = forms.CharField(label=pgettext_lazy("currency", "From"), max_length=3, initial="USD")
    to_currency = forms.CharField(label=pgettext_lazy("currency", "To"), max_length=3, initial="CNY")
    jurisdiction = forms.ChoiceField(label=_("Customs rates of"), choices=JURISDICTION_CHOICES, initial="CN")
    date = forms.DateField(label=_("Date"), widget=_DateInput)
    places = forms.IntegerField(label=_("Decimal places"), min_value=0, max_value=MAX_PLACES, initial=2)
    rounding = forms.ChoiceField(
        label=_("Rounding"),
        choices=[(name, name.replace("ROUND_", "").replace("_", " ").lower()) for name in ROUNDINGS],
    )
