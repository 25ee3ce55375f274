"""Forms of the shipment pages: parsing only; the services hold the rules (numbers stay text until then)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cpass.classification.widgets import HsCodeInput
from cpass.core.numbers import plain
from cpass.documents.models import Document, DocumentCategory
from cpass.organizations.models import Enterprise
from cpass.parties.models import Party
from cpass.places.widgets import LocodeInput
from cpass.products.models import Product
from cpass.reference.selectors import code_choices
from cpass.reference.tables import Table
from cpass.shipments.choices import MANUAL_MILESTONE_KINDS, Direction, Incoterm, ShipmentStatus
from cpass.shipments.models import GoodsLine

ORDERING_CHOICES = [
    ("-created_at", _("Newest first")),
    ("created_at", _("Oldest first")),
    ("eta", _("ETA, earliest first")),
    ("-eta", _("ETA, latest first")),
    ("job_number", _("Job number")),
]


def _with_blank(choices: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", "—"), *choices]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


def _moment(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, required=False, widget=DateTimeInput())


def _marked(label: str, *, active: bool) -> str:
    """A choice's label; a deactivated party or product (kept as the record's current value) says so."""
    return label if active else _("%(name)s (inactive)") % {"name": label}


def _party_choices(parties: Sequence[Party], *, several_owners: bool) -> list[tuple[Any, Any]]:
    def label(party: Party) -> str:
        name = f"{party.name_local} ({party.enterprise.name})" if several_owners else party.name_local
        return _marked(name, active=party.is_active)

    return _with_blank([(party.pk, label(party)) for party in parties])


class ShipmentFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_(
            "Every word must appear somewhere: job number, reference, B/L, container, vessel, party name (Chinese "
            "or English), goods description, HS code, product SKU or name, customs entry number"
        ),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("IM-2026-00042, 上海东方, gear pump, 8413 …")}
        ),
    )
    direction = forms.ChoiceField(label=_("Direction"), required=False, choices=[("", _("Both")), *Direction.choices])
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *ShipmentStatus.choices]
    )
    port = forms.CharField(label=_("Port"), required=False, max_length=6, widget=LocodeInput(function="port"))
    eta_from = forms.DateField(label=_("ETA from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    eta_to = forms.DateField(label=_("ETA to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    party = forms.TypedChoiceField(label=_("Party"), required=False, coerce=int, empty_value=None)
    enterprise = forms.TypedChoiceField(label=_("Owner enterprise"), required=False, coerce=int, empty_value=None)
    handled_by = forms.TypedChoiceField(label=_("Handled by"), required=False, coerce=int, empty_value=None)
    ordering = forms.ChoiceField(label=_("Order"), required=False, choices=ORDERING_CHOICES)

    def __init__(
        self,
        *args: Any,
        enterprises: QuerySet[Enterprise],
        parties: Sequence[Party],
        partners: Sequence[Enterprise],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handled_by"].choices = [("", _("Any partner")), *[(e.pk, e.name) for e in partners]]  # type: ignore[attr-defined]
        if not partners:
            del self.fields["handled_by"]
        several = len(enterprises) > 1
        self.fields["party"].choices = [("", _("All parties")), *_party_choices(parties, several_owners=several)[1:]]  # type: ignore[attr-defined]
        self.fields["enterprise"].choices = [  # type: ignore[attr-defined]
            ("", _("All enterprises")),
            *[(e.pk, e.name) for e in enterprises],
        ]
        if not several:
            del self.fields["enterprise"]


class ShipmentForm(forms.Form):
    """Create (with owner and direction) and edit."""

    enterprise_id = forms.TypedChoiceField(label=_("Owner enterprise"), coerce=int)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    customer_reference = forms.CharField(label=_("Customer reference"), required=False, max_length=50)
    contract_number = forms.CharField(label=_("Contract number"), required=False, max_length=50)
    house_bill = forms.CharField(label=_("House B/L or AWB"), required=False, max_length=35)
    master_bill = forms.CharField(label=_("Master B/L or AWB"), required=False, max_length=35)
    handling_partner_id = forms.TypedChoiceField(
        label=_("Handling partner"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "The forwarder, broker or 3PL that works this job, among the enterprises the owner granted its "
            "shipments. A partner opening a client's shipment handles it unless another is chosen."
        ),
    )
    consignor_id = forms.TypedChoiceField(label=_("Consignor"), required=False, coerce=int, empty_value=None)
    consignee_id = forms.TypedChoiceField(label=_("Consignee"), required=False, coerce=int, empty_value=None)
    notify_party_id = forms.TypedChoiceField(label=_("Notify party"), required=False, coerce=int, empty_value=None)
    incoterm = forms.ChoiceField(label=_("Incoterm"), required=False, choices=_with_blank(Incoterm.choices))
    incoterm_place = forms.CharField(label=_("Incoterm named place"), required=False, max_length=100)
    transport_mode = forms.ChoiceField(label=_("Transport mode"), required=False)
    port_of_loading = forms.CharField(
        label=_("Port of loading"), required=False, max_length=6, widget=LocodeInput(function="port")
    )
    port_of_discharge = forms.CharField(
        label=_("Port of discharge"), required=False, max_length=6, widget=LocodeInput(function="port")
    )
    customs_office = forms.ChoiceField(label=_("Customs office"), required=False)
    vessel_name = forms.CharField(label=_("Vessel"), required=False, max_length=100)
    imo_number = forms.CharField(label=_("IMO number"), required=False, max_length=12)
    voyage = forms.CharField(label=_("Voyage or flight"), required=False, max_length=20)
    package_type = forms.ChoiceField(label=_("Package type"), required=False)
    package_count = forms.CharField(label=_("Number of packages"), required=False, max_length=15)
    gross_weight_kg = forms.CharField(label=_("Gross weight (kg)"), required=False, max_length=30)
    etd = _moment(_("ETD"))
    eta = _moment(_("ETA"))
    atd = _moment(_("ATD"))
    ata = _moment(_("ATA"))

    def __init__(
        self,
        *args: Any,
        enterprises: QuerySet[Enterprise] | None,
        parties: Sequence[Party],
        partners: Sequence[Enterprise],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handling_partner_id"].choices = _with_blank([(e.pk, e.name) for e in partners])  # type: ignore[attr-defined]
        if enterprises is None:
            del self.fields["enterprise_id"]
            del self.fields["direction"]
            several = False
        else:
            self.fields["enterprise_id"].choices = [(e.pk, e.name) for e in enterprises]  # type: ignore[attr-defined]
            several = len(enterprises) > 1
        choices = _party_choices(parties, several_owners=several)
        for name in ("consignor_id", "consignee_id", "notify_party_id"):
            self.fields[name].choices = choices  # type: ignore[attr-defined]
        self.fields["transport_mode"].choices = _with_blank(code_choices(Table.TRANSPORT_MODE))  # type: ignore[attr-defined]
        self.fields["customs_office"].choices = _with_blank(code_choices(Table.CUSTOMS_OFFICE))  # type: ignore[attr-defined]
        self.fields["package_type"].choices = _with_blank(code_choices(Table.PACKAGE_TYPE))  # type: ignore[attr-defined]
        for name in ("package_count", "gross_weight_kg"):
            self.fields[name].widget.attrs["inputmode"] = "numeric" if name == "package_count" else "decimal"


class GoodsLineForm(forms.Form):
    product_id = forms.TypedChoiceField(label=_("Product"), required=False, coerce=int, empty_value=None)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=250,
        help_text=_("Left empty, it is taken from the product."),
    )
    hs_code = forms.CharField(label=_("HS code"), required=False, max_length=20, widget=HsCodeInput())
    quantity = forms.CharField(label=_("Quantity"), required=False, max_length=30)
    trade_unit = forms.ChoiceField(label=_("Trade unit"), required=False)
    legal_quantity_1 = forms.CharField(label=_("Quantity in legal unit 1"), required=False, max_length=30)
    legal_quantity_2 = forms.CharField(label=_("Quantity in legal unit 2"), required=False, max_length=30)
    net_weight_kg = forms.CharField(label=_("Net weight (kg)"), required=False, max_length=30)
    gross_weight_kg = forms.CharField(label=_("Gross weight (kg)"), required=False, max_length=30)
    value = forms.CharField(label=_("Value"), required=False, max_length=30)
    currency = forms.ChoiceField(label=_("Currency"), required=False)
    origin_country = forms.ChoiceField(label=_("Country of origin"), required=False)

    def __init__(self, *args: Any, products: Sequence[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product_id"].choices = _with_blank(  # type: ignore[attr-defined]
            [(p.pk, _marked(f"{p.sku} {p.name}", active=p.active)) for p in products]
        )
        self.fields["trade_unit"].choices = _with_blank(code_choices(Table.UNIT))  # type: ignore[attr-defined]
        self.fields["currency"].choices = _with_blank(code_choices(Table.CURRENCY))  # type: ignore[attr-defined]
        self.fields["origin_country"].choices = _with_blank(code_choices(Table.COUNTRY))  # type: ignore[attr-defined]
        for name in ("quantity", "legal_quantity_1", "legal_quantity_2", "net_weight_kg", "gross_weight_kg", "value"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"


#: The container form's quantity input of a goods line is named this and the line's id.
LOAD_QUANTITY = "load_quantity_"


def load_quantity_field(line_id: int) -> str:
    return f"{LOAD_QUANTITY}{line_id}"


class ContainerForm(forms.Form):
    """A container and the goods lines in it, each with the quantity it holds of the line."""

    number = forms.CharField(
        label=_("Container number"), max_length=15, help_text=_("ISO 6346, e.g. MSCU1234566."), required=False
    )
    size_type = forms.ChoiceField(label=_("Size/type code"), required=False)
    seals = forms.CharField(
        label=_("Seal numbers"), required=False, max_length=200, help_text=_("Separate with commas.")
    )
    tare_kg = forms.CharField(label=_("Tare (kg)"), required=False, max_length=30)
    vgm_kg = forms.CharField(label=_("VGM (kg)"), required=False, max_length=30)
    goods_lines = forms.TypedMultipleChoiceField(
        label=_("Goods in this container"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, lines: list[GoodsLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["size_type"].choices = _with_blank(code_choices(Table.CONTAINER_TYPE))  # type: ignore[attr-defined]
        self.fields["goods_lines"].choices = [(line.pk, str(line)) for line in lines]  # type: ignore[attr-defined]
        if not lines:
            del self.fields["goods_lines"]
        for line in lines:
            self.fields[load_quantity_field(line.pk)] = forms.CharField(
                label=_("Quantity of line %(number)s in this container") % {"number": line.line_number},
                required=False,
                max_length=30,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                help_text=(
                    _("The line has %(quantity)s; leave empty for the whole line or when not known.")
                    % {"quantity": plain(line.quantity)}
                    if line.quantity is not None
                    else _("Leave empty for the whole line or when not known.")
                ),
            )

    def _ticked_lines(self) -> list[int]:
        return list(self.cleaned_data.get("goods_lines", []))

    def service_data(self) -> dict[str, Any]:
        """The values as the services take them: `loads` has each ticked goods line with the quantity typed next
        to it (empty: the whole line, or not known); a quantity without its line ticked is not loaded."""
        data = {name: value for name, value in self.cleaned_data.items() if not name.startswith(LOAD_QUANTITY)}
        if "goods_lines" in data:
            data.pop("goods_lines")
            data["loads"] = [
                {"goods_line_id": pk, "quantity": self.cleaned_data.get(load_quantity_field(pk)) or None}
                for pk in self._ticked_lines()
            ]
        return data

    def service_fields(self) -> dict[str, str]:
        """The form field of each field a service error names (`loads[1].quantity` is the second ticked line's
        quantity input)."""
        fields = {"loads": "goods_lines"}
        for index, pk in enumerate(self._ticked_lines()):
            fields[f"loads[{index}].goods_line_id"] = "goods_lines"
            fields[f"loads[{index}].quantity"] = load_quantity_field(pk)
        return fields


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=[(k.value, k.label) for k in MANUAL_MILESTONE_KINDS])
    occurred_at = forms.DateTimeField(label=_("When"), widget=DateTimeInput())
    location = forms.CharField(label=_("Place"), required=False, max_length=6, widget=LocodeInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    at = forms.DateTimeField(label=_("When"), required=False, widget=DateTimeInput(), help_text=_("Now if empty."))
    location = forms.CharField(label=_("Place"), required=False, max_length=6, widget=LocodeInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=500, help_text=_("Required to cancel."))

    def __init__(self, *args: Any, statuses: list[ShipmentStatus], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s.value, s.label) for s in statuses]  # type: ignore[attr-defined]


class SavedViewForm(forms.Form):
    """Save the list's filters: `query` carries them as the list's query string."""

    name = forms.CharField(label=_("Name of this view"), max_length=80)
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput())


class ShipmentDocumentUploadForm(forms.Form):
    """A new file for the shipment: stored in the shipment's enterprise's documents and attached."""

    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=DocumentCategory.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("At most %(size)d MB.") % {"size": max_bytes // 1_048_576}


class ShipmentDocumentAttachForm(forms.Form):
    """One of the enterprise's documents already on the platform."""

    document_id = forms.TypedChoiceField(label=_("Document"), coerce=int)

    def __init__(self, *args: Any, documents: list[Document], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document_id"].choices = [  # type: ignore[attr-defined]
            (document.pk, f"{document.title} ({document.get_category_display()})") for document in documents
        ]
