"""Forms of the product pages: parsing only; the services hold the rules.

The declaration element inputs are added per template: one field `el_<key>` per element (a
select where the template lists choices); service errors on "elements.<key>" land on them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cpass.classification.widgets import HsCodeInput
from cpass.organizations.models import Enterprise
from cpass.products.elements import Element
from cpass.products.models import ClassificationSource
from cpass.reference.selectors import code_choices
from cpass.reference.tables import Table

ELEMENT_PREFIX = "el_"

ORDERING_CHOICES = [
    ("sku", _("SKU A–Z")),
    ("-updated_at", _("Recently changed")),
    ("name_zh", _("Chinese name")),
    ("hs_code", _("HS code")),
    ("enterprise__name", _("Owner enterprise")),
]
CLASSIFIED_CHOICES = [("", _("All")), ("yes", _("Classified")), ("no", _("Not classified"))]


def element_field_name(key: str) -> str:
    return f"{ELEMENT_PREFIX}{key}"


def add_element_fields(form: forms.Form, elements: Sequence[Element], initial: Mapping[str, str]) -> None:
    """One input per element of the template, in declaration order, required ones marked."""
    for element in elements:
        label = f"{element.name} *" if element.required else element.name
        field: forms.Field
        if element.choices:
            field = forms.ChoiceField(
                label=label, required=False, choices=[("", "—"), *[(c.value, c.label) for c in element.choices]]
            )
        else:
            field = forms.CharField(label=label, required=False, max_length=255)
        field.help_text = element.hint
        field.initial = initial.get(element.key, "")
        form.fields[element_field_name(element.key)] = field


def element_values(form: forms.Form, elements: Sequence[Element]) -> dict[str, str]:
    return {element.key: form.cleaned_data.get(element_field_name(element.key), "") for element in elements}


def element_field_map(elements: Sequence[Element]) -> dict[str, str]:
    """Service field names ("elements.<key>") → form field names, for add_service_error."""
    return {f"elements.{element.key}": element_field_name(element.key) for element in elements}


def _with_blank(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


class ProductFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    hs_prefix = forms.CharField(label=_("HS code starts with"), required=False, max_length=10)
    origin = forms.ChoiceField(label=_("Country of origin"), required=False)
    classified = forms.ChoiceField(label=_("Classification"), required=False, choices=CLASSIFIED_CHOICES)
    enterprise = forms.TypedChoiceField(label=_("Owner enterprise"), required=False, coerce=int, empty_value=None)
    ordering = forms.ChoiceField(label=_("Order"), required=False, choices=ORDERING_CHOICES)

    def __init__(self, *args: Any, enterprises: QuerySet[Enterprise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["origin"].choices = [("", _("All countries")), *code_choices(Table.COUNTRY)]  # type: ignore[attr-defined]
        self.fields["enterprise"].choices = [  # type: ignore[attr-defined]
            ("", _("All enterprises")),
            *[(e.pk, e.name) for e in enterprises],
        ]
        if len(self.fields["enterprise"].choices) <= 2:  # type: ignore[attr-defined]
            del self.fields["enterprise"]


class ProductForm(forms.Form):
    """Create and edit; `elements` are the template's elements for the code the form shows."""

    enterprise_id = forms.TypedChoiceField(label=_("Owner enterprise"), coerce=int)
    sku = forms.CharField(label=_("SKU"), max_length=64)
    name_zh = forms.CharField(label=_("Name (Chinese)"), required=False, max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), required=False, max_length=200)
    specification = forms.CharField(label=_("Model / specification"), required=False, max_length=200)
    brand = forms.CharField(label=_("Brand"), required=False, max_length=100)
    gtin = forms.CharField(
        label=_("GTIN"), required=False, max_length=20, help_text=_("EAN/UPC barcode: 8, 12, 13 or 14 digits.")
    )
    origin_country = forms.ChoiceField(label=_("Country of origin"), required=False)
    trade_unit = forms.ChoiceField(label=_("Trade unit"), required=False)
    net_weight_kg = forms.CharField(label=_("Net weight (kg)"), required=False, max_length=30)
    gross_weight_kg = forms.CharField(label=_("Gross weight (kg)"), required=False, max_length=30)
    unit_price = forms.CharField(label=_("Unit price"), required=False, max_length=30)
    currency = forms.ChoiceField(label=_("Currency"), required=False)
    hs_code = forms.CharField(label=_("HS code"), required=False, max_length=20, widget=HsCodeInput())
    ciq_code = forms.CharField(label=_("CIQ code"), required=False, max_length=3)
    classification_reason = forms.CharField(
        label=_("Reason for the classification change"),
        required=False,
        max_length=1000,
        help_text=_("Required when you change an existing HS code."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        enterprises: QuerySet[Enterprise] | None,
        elements: Sequence[Element],
        element_initial: Mapping[str, str],
        is_classified: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if enterprises is None:
            del self.fields["enterprise_id"]
        else:
            self.fields["enterprise_id"].choices = [(e.pk, e.name) for e in enterprises]  # type: ignore[attr-defined]
        if not is_classified:
            del self.fields["classification_reason"]
        self.fields["origin_country"].choices = _with_blank(code_choices(Table.COUNTRY))  # type: ignore[attr-defined]
        self.fields["trade_unit"].choices = _with_blank(code_choices(Table.UNIT))  # type: ignore[attr-defined]
        self.fields["currency"].choices = _with_blank(code_choices(Table.CURRENCY))  # type: ignore[attr-defined]
        for name in ("net_weight_kg", "gross_weight_kg", "unit_price"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"
        self.elements = list(elements)
        add_element_fields(self, self.elements, element_initial)

    def basic_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith(ELEMENT_PREFIX)]

    def element_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(ELEMENT_PREFIX)]


class ClassificationForm(forms.Form):
    hs_code = forms.CharField(label=_("HS code"), max_length=20, widget=HsCodeInput())
    ciq_code = forms.CharField(label=_("CIQ code"), required=False, max_length=3)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why this code: required when it replaces another one."),
    )
    source = forms.ChoiceField(
        label=_("Where the code comes from"),
        choices=[
            (ClassificationSource.MANUAL, _("Entered by hand")),
            (ClassificationSource.ASSISTANT, _("The classification assistant")),
        ],
        initial=ClassificationSource.MANUAL,
    )

    def __init__(
        self, *args: Any, elements: Sequence[Element], element_initial: Mapping[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.elements = list(elements)
        add_element_fields(self, self.elements, element_initial)

    def basic_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith(ELEMENT_PREFIX)]

    def element_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(ELEMENT_PREFIX)]


class ImageUploadForm(forms.Form):
    image = forms.FileField(label=_("Image"), help_text=_("JPEG, PNG, WebP or GIF, at most 10 MB."))
