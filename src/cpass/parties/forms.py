"""Forms of the party pages: parsing only; the services hold the rules (and give the field errors)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cpass.organizations.models import Enterprise
from cpass.parties.choices import MatchDecision, MatchStatus, PartyRole, ScreeningStatus
from cpass.reference.selectors import code_choices
from cpass.reference.tables import Table

ORDERING_CHOICES = [
    ("name_local", _("Name A–Z")),
    ("-created_at", _("Newest first")),
    ("country", _("Country")),
    ("screening_status", _("Screening status")),
]


def _country_choices(empty: str) -> list[tuple[str, str]]:
    return [("", empty), *code_choices(Table.COUNTRY)]


class PartyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search names and identifiers"), required=False, max_length=200)
    enterprise = forms.TypedChoiceField(label=_("Owner enterprise"), required=False, coerce=int, empty_value=None)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *PartyRole.choices])
    country = forms.ChoiceField(label=_("Country"), required=False)
    status = forms.ChoiceField(
        label=_("Screening"), required=False, choices=[("", _("Any status")), *ScreeningStatus.choices]
    )
    active = forms.TypedChoiceField(
        label=_("Active"),
        required=False,
        coerce=lambda value: value == "1",
        empty_value=None,
        choices=[("", _("Active and inactive")), ("1", _("Active only")), ("0", _("Inactive only"))],
    )
    ordering = forms.ChoiceField(label=_("Order"), required=False, choices=ORDERING_CHOICES)

    def __init__(self, *args: Any, enterprises: QuerySet[Enterprise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [  # type: ignore[attr-defined]
            ("", _("All enterprises")),
            *[(e.pk, e.name) for e in enterprises],
        ]
        self.fields["country"].choices = _country_choices(str(_("All countries")))  # type: ignore[attr-defined]


class PartyForm(forms.Form):
    """Create and edit. Every check of content (identifiers, country, phone) is the service's."""

    enterprise_id = forms.TypedChoiceField(label=_("Owner enterprise"), coerce=int)
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=PartyRole.choices, widget=forms.CheckboxSelectMultiple)
    name_local = forms.CharField(label=_("Name (local)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("Country"))
    address_local = forms.CharField(label=_("Address (local)"), max_length=300, required=False)
    address_en = forms.CharField(label=_("Address (English)"), max_length=300, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False)
    contact_name = forms.CharField(label=_("Contact name"), max_length=100, required=False)
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=40,
        required=False,
        help_text=_("With the country code, e.g. +49 40 1234567."),
    )
    contact_email = forms.CharField(label=_("Contact e-mail"), max_length=254, required=False)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30, required=False)
    customs_code = forms.CharField(label=_("Customs code"), max_length=20, required=False)
    eori = forms.CharField(label=_("EORI number"), max_length=30, required=False)
    vat_number = forms.CharField(label=_("VAT number"), max_length=40, required=False)
    lei = forms.CharField(label=_("LEI"), max_length=30, required=False)
    aeo_number = forms.CharField(label=_("AEO number"), max_length=30, required=False)
    scac = forms.CharField(label=_("SCAC"), max_length=10, required=False, help_text=_("Carriers: e.g. MAEU."))
    iata_code = forms.CharField(label=_("IATA airline code"), max_length=5, required=False)
    iata_prefix = forms.CharField(label=_("IATA airline prefix"), max_length=5, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, enterprises: QuerySet[Enterprise] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _country_choices("—")  # type: ignore[attr-defined]
        if enterprises is None:
            del self.fields["enterprise_id"]
        else:
            self.fields["enterprise_id"].choices = [(e.pk, e.name) for e in enterprises]  # type: ignore[attr-defined]


class MatchDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=MatchDecision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why: what you checked (address, identifiers, date of birth…). Kept in the change log."),
    )


class MatchFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *MatchStatus.choices]
    )


class EntryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search names and ids"), required=False, max_length=200)
