"""Forms of the customs pages: the duty calculator (declaration fields and a formset of item rows) and the
declaration pages (filters, header, items with their declaration elements, documents, containers, workflow).
Parsing only: the services check every value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cpass.classification.widgets import HsCodeInput
from cpass.customs.choices import ChargeMode as DeclarationChargeMode
from cpass.customs.choices import Confirmation, DeclarationStatus, RevisionKind, RevisionReason
from cpass.customs.duty import Charge, ChargeMode
from cpass.parties.models import Party
from cpass.places.widgets import LocodeInput
from cpass.products.elements import Element
from cpass.products.forms import ELEMENT_PREFIX, add_element_fields, element_values
from cpass.products.models import Product
from cpass.reference.selectors import code_choices
from cpass.reference.tables import Table
from cpass.shipments.choices import Direction
from cpass.shipments.models import Container, GoodsLine

TERMS_CHOICES = [
    ("FOB", _("FOB (also FCA, FAS): add freight and insurance")),
    ("EXW", _("EXW: add freight and insurance")),
    ("CFR", _("CFR / C&F (also CPT): add insurance")),
    ("4", _("C&I: add freight")),
    ("CIF", _("CIF (also CIP, DAP, DPU, DDP): nothing to add")),
]
MODE_CHOICES = [
    ("", _("—")),
    ("rate", _("Rate %")),
    ("unit", _("Per unit")),
    ("total", _("Total")),
]


class _DateInput(forms.DateInput):
    input_type = "date"


class CalculatorForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=_DateInput)
    direction = forms.ChoiceField(label=_("Direction"), choices=[("import", _("Import")), ("export", _("Export"))])
    terms = forms.ChoiceField(label=_("Transaction terms"), choices=TERMS_CHOICES)
    freight_mode = forms.ChoiceField(label=_("Freight given as"), choices=MODE_CHOICES, required=False)
    freight_value = forms.DecimalField(label=_("Freight"), required=False, max_digits=26, decimal_places=8)
    freight_currency = forms.CharField(label=_("Freight currency"), required=False, max_length=3)
    insurance_mode = forms.ChoiceField(label=_("Insurance given as"), choices=MODE_CHOICES, required=False)
    insurance_value = forms.DecimalField(
        label=_("Insurance"),
        required=False,
        max_digits=26,
        decimal_places=8,
        help_text=_("Leave empty on FOB, EXW or CFR imports: customs then counts 3‰ of goods + freight."),
    )
    insurance_currency = forms.CharField(label=_("Insurance currency"), required=False, max_length=3)

    def charge(self, name: str) -> Charge | None:
        mode, value = self.cleaned_data.get(f"{name}_mode"), self.cleaned_data.get(f"{name}_value")
        if not mode or value is None:
            return None
        return Charge(ChargeMode(mode), value, (self.cleaned_data.get(f"{name}_currency") or "").upper())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("freight", "insurance"):
            if data.get(f"{name}_mode") and data.get(f"{name}_value") is None:
                self.add_error(f"{name}_value", _("Enter the amount or rate."))
            if data.get(f"{name}_value") is not None and not data.get(f"{name}_mode"):
                self.add_error(f"{name}_mode", _("Say whether this is a rate, per unit or a total."))
        return data


class ItemForm(forms.Form):
    code = forms.CharField(label=_("Commodity code"), max_length=40, widget=HsCodeInput())
    origin = forms.CharField(label=_("Origin"), max_length=3, required=False)
    proof_of_origin = forms.BooleanField(label=_("Certificate of origin"), required=False)
    price = forms.DecimalField(label=_("Total price"), max_digits=26, decimal_places=8, min_value=0)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    quantity_1 = forms.DecimalField(
        label=_("Quantity (legal unit 1)"), max_digits=26, decimal_places=8, min_value=0, required=False
    )
    quantity_2 = forms.DecimalField(
        label=_("Quantity (legal unit 2)"), max_digits=26, decimal_places=8, min_value=0, required=False
    )
    trade_quantity = forms.DecimalField(
        label=_("Quantity (成交数量)"), max_digits=26, decimal_places=8, min_value=0, required=False
    )
    trade_unit = forms.CharField(label=_("Trade unit (成交计量单位)"), max_length=3, required=False)


ItemFormSet = forms.formset_factory(ItemForm, extra=0, max_num=50, absolute_max=50)


# -- declarations -------------------------------------------------------------------------------------


def _blank(choices: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", "—"), *choices]


def _code(label: Any, table: Table, *, help_text: Any = "") -> forms.CharField:
    """A code-table select that leaves the check of the code to the services (their message names the field)."""
    field = forms.CharField(label=label, required=False, widget=forms.Select(), help_text=help_text)
    field.table = table  # type: ignore[attr-defined]
    return field


def _text(label: Any, max_length: int, *, help_text: Any = "", **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs) if attrs else None,
    )


def _number(label: Any, *, integer: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric" if integer else "decimal"}),
    )


def _date(label: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=10, widget=_DateInput(format="%Y-%m-%d"))


def _choice(label: Any, choices: list[tuple[Any, Any]]) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=_blank(choices))


def _marked(label: str, *, active: bool) -> str:
    """A choice's label; a deactivated party or product (kept as the record's current value) says so."""
    return label if active else _("%(name)s (inactive)") % {"name": label}


def _party(label: Any) -> forms.CharField:
    field = forms.CharField(label=label, required=False, widget=forms.Select())
    field.party = True  # type: ignore[attr-defined]
    return field


STATUS_CHOICES = [("", _("All statuses")), *DeclarationStatus.choices]
DECLARATION_ORDERING_CHOICES = [
    ("-created_at", _("Newest first")),
    ("created_at", _("Oldest first")),
    ("reference", _("Reference")),
    ("status", _("Status")),
    ("-declaration_date", _("Declaration date, latest first")),
]


class DeclarationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Reference, entry number, B/L or job number"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    direction = forms.ChoiceField(label=_("Direction"), required=False, choices=[("", _("Both")), *Direction.choices])
    ordering = forms.ChoiceField(label=_("Order"), required=False, choices=DECLARATION_ORDERING_CHOICES)


#: The header form's sections, in the order of the printed declaration form; the detail page shows the same.
HEADER_GROUPS: list[tuple[Any, tuple[str, ...]]] = [
    (
        _("Customs offices, record and dates"),
        (
            "declaring_customs",
            "entry_exit_customs",
            "record_number",
            "contract_number",
            "import_export_date",
            "declaration_date",
        ),
    ),
    (_("Parties"), ("domestic_trader_id", "overseas_trader_id", "consumer_producer_id", "declarant_id")),
    (_("Transport"), ("transport_mode", "vessel_name", "imo_number", "voyage", "bill_number", "goods_location")),
    (_("Customs regime"), ("trade_mode", "levy_nature", "licence_number")),
    (
        _("Countries and ports"),
        ("departure_country", "trade_country", "departure_port", "stop_port", "entry_exit_port"),
    ),
    (_("Packages and weights"), ("package_type", "package_count", "gross_weight_kg", "net_weight_kg")),
    (
        _("Transaction terms and charges"),
        (
            "transaction_terms",
            "freight_mode",
            "freight_value",
            "freight_currency",
            "insurance_mode",
            "insurance_value",
            "insurance_currency",
            "other_mode",
            "other_value",
            "other_currency",
        ),
    ),
    (_("Confirmations"), ("related_party", "price_influence", "royalty_payment", "self_assessment")),
    (_("Marks and remarks"), ("marks_and_remarks",)),
]


class DeclarationHeaderForm(forms.Form):
    """Every header field a person sets; codes as selects of their tables, ports with the LOCODE typeahead, parties
    of the declaration's enterprise. Parsing only: the services check every value (all errors at once)."""

    declaring_customs = _code(_("Declaring customs office (申报地海关)"), Table.CUSTOMS_OFFICE)
    entry_exit_customs = _code(_("Customs office of entry/exit (进出境关别)"), Table.CUSTOMS_OFFICE)
    record_number = _text(_("Record number (备案号)"), 12, help_text=_("The processing-trade manual or other record."))
    contract_number = _text(_("Contract number (合同协议号)"), 32)
    import_export_date = _date(_("Import/export date (进出口日期)"))
    declaration_date = _date(_("Declaration date (申报日期)"))
    domestic_trader_id = _party(_("Domestic consignee/consignor (境内收发货人)"))
    overseas_trader_id = _party(_("Overseas consignor/consignee (境外收发货人)"))
    consumer_producer_id = _party(_("Consumer/producer unit (消费使用/生产销售单位)"))
    declarant_id = _party(_("Declarant (申报单位)"))
    transport_mode = _code(_("Transport mode (运输方式)"), Table.TRANSPORT_MODE)
    vessel_name = _text(_("Means of transport (运输工具名称)"), 100)
    imo_number = _text(_("IMO number"), 12, inputmode="numeric")
    voyage = _text(_("Voyage or flight (航次号)"), 20)
    bill_number = _text(_("Bill of lading / AWB (提运单号)"), 35)
    goods_location = _text(_("Goods location (货物存放地点)"), 100)
    trade_mode = _code(_("Trade mode (监管方式)"), Table.TRADE_MODE)
    levy_nature = _code(_("Levy nature (征免性质)"), Table.LEVY_NATURE)
    licence_number = _text(_("Licence number (许可证号)"), 20)
    departure_country = _code(_("Country of departure/destination (启运国/运抵国)"), Table.COUNTRY)
    trade_country = _code(_("Trading country (贸易国)"), Table.COUNTRY)
    departure_port = forms.CharField(
        label=_("Port of departure/destination (启运港/指运港)"),
        required=False,
        max_length=6,
        widget=LocodeInput(function="port"),
    )
    stop_port = forms.CharField(
        label=_("Port of call (经停港)"), required=False, max_length=6, widget=LocodeInput(function="port")
    )
    entry_exit_port = _text(
        _("Domestic port of entry/exit (入境/离境口岸)"),
        6,
        help_text=_("Customs' 4 to 6 digit port code, e.g. 310301."),
        inputmode="numeric",
    )
    package_type = _code(_("Package type (包装种类)"), Table.PACKAGE_TYPE)
    package_count = _number(_("Number of packages (件数)"), integer=True)
    gross_weight_kg = _number(_("Gross weight, kg (毛重)"))
    net_weight_kg = _number(_("Net weight, kg (净重)"))
    transaction_terms = _code(_("Transaction terms (成交方式)"), Table.TRANSACTION_TERMS)
    freight_mode = _choice(_("Freight given as (运费标记)"), list(DeclarationChargeMode.choices))
    freight_value = _number(_("Freight (运费)"))
    freight_currency = _code(_("Freight currency"), Table.CURRENCY)
    insurance_mode = _choice(_("Insurance given as (保费标记)"), list(DeclarationChargeMode.choices))
    insurance_value = _number(_("Insurance (保费)"))
    insurance_currency = _code(_("Insurance currency"), Table.CURRENCY)
    other_mode = _choice(_("Other charges given as (杂费标记)"), list(DeclarationChargeMode.choices))
    other_value = _number(_("Other charges (杂费)"))
    other_currency = _code(_("Other charges currency"), Table.CURRENCY)
    related_party = _choice(_("Special relationship (特殊关系确认)"), list(Confirmation.choices))
    price_influence = _choice(_("Price influence (价格影响确认)"), list(Confirmation.choices))
    royalty_payment = _choice(_("Royalty payment (支付特许权使用费确认)"), list(Confirmation.choices))
    self_assessment = forms.BooleanField(label=_("Self-assessment (自报自缴)"), required=False)
    marks_and_remarks = forms.CharField(
        label=_("Marks and remarks (标记唛码及备注)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, parties: Sequence[Party], on: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        party_choices = _blank(
            [(str(party.pk), _marked(party.name_local, active=party.is_active)) for party in parties]
        )
        for field in self.fields.values():
            if getattr(field, "table", None) is not None:
                field.widget.choices = _blank(code_choices(field.table, on=on))  # type: ignore[attr-defined]
            elif getattr(field, "party", False):
                field.widget.choices = party_choices  # type: ignore[attr-defined]

    def groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in HEADER_GROUPS]

    def service_data(self) -> dict[str, Any]:
        """The values as the services take them (text stays text: the services parse and check it)."""
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}


class DeclarationItemForm(forms.Form):
    """An item: commodity code (typeahead), its declaration elements (one input each, from the code's template,
    added by the view), quantities, price, countries. The services check and fill the rest (legal units from
    the tariff line, the total from unit price × quantity)."""

    hs_code = forms.CharField(label=_("Commodity code (商品编号)"), required=False, max_length=20, widget=HsCodeInput())
    ciq_code = _text(_("CIQ code (检验检疫编码)"), 3, inputmode="numeric")
    name = _text(_("Goods name (商品名称)"), 250)
    specification = forms.CharField(
        label=_("Specification (规格型号)"),
        required=False,
        max_length=500,
        help_text=_("Joined from the declaration elements below when the code has a template."),
    )
    quantity = _number(_("Quantity (成交数量)"))
    trade_unit = _code(_("Trade unit (成交计量单位)"), Table.UNIT)
    legal_quantity_1 = _number(_("Legal quantity 1 (法定第一数量)"))
    legal_unit_1 = _code(_("Legal unit 1"), Table.UNIT, help_text=_("Left empty, it comes from the tariff line."))
    legal_quantity_2 = _number(_("Legal quantity 2 (法定第二数量)"))
    legal_unit_2 = _code(_("Legal unit 2"), Table.UNIT)
    unit_price = _number(_("Unit price (单价)"))
    total_price = _number(_("Total price (总价)"))
    currency = _code(_("Currency (币制)"), Table.CURRENCY)
    origin_country = _code(_("Country of origin (原产国)"), Table.COUNTRY)
    destination_country = _code(_("Final destination country (最终目的国)"), Table.COUNTRY)
    domestic_area = _text(
        _("Domestic destination/source (境内目的地/货源地)"),
        5,
        help_text=_("Customs' 5-digit area code, e.g. 31222."),
        inputmode="numeric",
    )
    duty_mode = _code(_("Duty mode (征免方式)"), Table.DUTY_MODE)
    origin_certificate = _text(_("Certificate of origin (原产地证明)"), 40)
    product_id = forms.CharField(label=_("Product"), required=False, widget=forms.Select())
    goods_line_id = forms.CharField(label=_("Goods line of the shipment"), required=False, widget=forms.Select())

    def __init__(
        self,
        *args: Any,
        on: dt.date,
        products: Sequence[Product],
        lines: Sequence[GoodsLine],
        elements: Sequence[Element],
        element_initial: Mapping[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if getattr(field, "table", None) is not None:
                field.widget.choices = _blank(code_choices(field.table, on=on))  # type: ignore[attr-defined]
        self.fields["product_id"].widget.choices = _blank(  # type: ignore[attr-defined]
            [(str(product.pk), _marked(f"{product.sku} {product.name}", active=product.active)) for product in products]
        )
        self.fields["goods_line_id"].widget.choices = _blank(  # type: ignore[attr-defined]
            [(str(line.pk), str(line)) for line in lines]
        )
        self.elements = list(elements)
        add_element_fields(self, self.elements, element_initial)

    def basic_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith(ELEMENT_PREFIX)]

    def element_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(ELEMENT_PREFIX)]

    def service_data(self, changed_only: bool) -> dict[str, Any]:
        """The item fields for the services (`changed_only` for an edit: a new code then brings its own legal
        units), with the elements of the code's template when it has one (in an edit, when an element or the
        code changed: an edit of other fields leaves the stored elements as they are)."""
        names = [name for name in self.fields if not name.startswith(ELEMENT_PREFIX) and name in self.cleaned_data]
        if changed_only:
            names = [name for name in names if name in self.changed_data]
        data = {name: self.cleaned_data[name] for name in names}
        elements_edited = not changed_only or any(name.startswith(ELEMENT_PREFIX) for name in self.changed_data)
        if self.elements and (elements_edited or "hs_code" in data):
            data["elements"] = element_values(self, self.elements)
        if self.elements:
            data.pop("specification", None)
        return data


class DocumentForm(forms.Form):
    """An accompanying document (随附单证): its licence or certificate code (监管证件代码, e.g. Y certificate of
    origin) and its number."""

    code = _code(_("Document code (随附单证代码)"), Table.SUPERVISION_CONDITION)
    number = _text(_("Document number"), 40)

    def __init__(self, *args: Any, on: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.choices = _blank(code_choices(Table.SUPERVISION_CONDITION, on=on))  # type: ignore[attr-defined]


class ContainersForm(forms.Form):
    container_ids = forms.TypedMultipleChoiceField(
        label=_("Containers of this declaration"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, containers: Sequence[Container], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["container_ids"].choices = [  # type: ignore[attr-defined]
            (container.pk, f"{container.number} {container.size_type}".strip()) for container in containers
        ]


class DeclarationTransitionForm(forms.Form):
    transition = forms.CharField(widget=forms.HiddenInput())
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class RevisionRequestForm(forms.Form):
    """A request to customs to amend or withdraw an accepted declaration (修撤单): the kinds the person may file."""

    kind = forms.ChoiceField(label=_("Request"), choices=RevisionKind.choices)
    reason_code = forms.ChoiceField(
        label=_("Reason (GACC Order No. 220)"), choices=[("", "—"), *RevisionReason.choices], required=False
    )
    reason = forms.CharField(
        label=_("What happened and what is to change"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(value, label) for value, label in RevisionKind.choices if value in kinds]
