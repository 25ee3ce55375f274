"""Shipments (业务/工作单): an enterprise's import and export jobs, with their goods, containers and timeline."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cpass.core.models import TenantOwned, created_by_field
from cpass.shipments.choices import Direction, Incoterm, MilestoneKind, ShipmentStatus


class JobCounter(models.Model):
    """The last job number used per enterprise, prefix and year; the create service locks its row.

    Internal bookkeeping, never read through an actor: only `shipment_create` touches it.
    """

    enterprise = models.ForeignKey("organizations.Enterprise", on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "prefix", "year"], name="shipments_unique_job_counter")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


class Shipment(TenantOwned):
    """One import or export job: references, parties, terms, route, vessel and dates, and its status.

    Ports are UN/LOCODEs and codes (transport mode, customs office) are stored as customs messages
    carry them; the reference tables give their names.
    """

    tenant_module = "shipments"

    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    job_number = models.CharField(_("job number"), max_length=20)
    status = models.CharField(_("status"), max_length=12, choices=ShipmentStatus.choices, default=ShipmentStatus.DRAFT)
    customer_reference = models.CharField(_("customer reference"), max_length=50, blank=True)
    contract_number = models.CharField(_("contract number"), max_length=50, blank=True)
    #: Bill of lading (sea) or air waybill (air) numbers.
    house_bill = models.CharField(_("house B/L or AWB"), max_length=35, blank=True)
    master_bill = models.CharField(_("master B/L or AWB"), max_length=35, blank=True)
    #: The 3PL, forwarder or broker that handles the job for the owner, working through the owner's partner
    #: grant of its shipments (services.usable_handling_partner_id).
    handling_partner = models.ForeignKey(
        "organizations.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handling partner"),
    )
    consignor = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("consignor")
    )
    consignee = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("consignee")
    )
    notify_party = models.ForeignKey(
        "parties.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("notify party"),
    )
    incoterm = models.CharField(_("Incoterm"), max_length=3, choices=Incoterm.choices, blank=True)
    incoterm_place = models.CharField(_("Incoterm named place"), max_length=100, blank=True)
    transport_mode = models.CharField(_("transport mode"), max_length=2, blank=True)
    port_of_loading = models.CharField(_("port of loading"), max_length=5, blank=True)
    port_of_discharge = models.CharField(_("port of discharge"), max_length=5, blank=True)
    customs_office = models.CharField(_("customs office"), max_length=4, blank=True)
    vessel_name = models.CharField(_("vessel"), max_length=100, blank=True)
    imo_number = models.CharField(_("IMO number"), max_length=7, blank=True)
    voyage = models.CharField(_("voyage or flight"), max_length=20, blank=True)
    #: Packages as the declaration gives them (包装种类, 件数, 毛重): one package type and count per shipment.
    package_type = models.CharField(_("package type"), max_length=4, blank=True)
    package_count = models.PositiveIntegerField(_("number of packages"), null=True, blank=True)
    gross_weight_kg = models.DecimalField(
        _("gross weight (kg)"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    etd = models.DateTimeField(_("ETD"), null=True, blank=True)
    eta = models.DateTimeField(_("ETA"), null=True, blank=True)
    atd = models.DateTimeField(_("ATD"), null=True, blank=True)
    ata = models.DateTimeField(_("ATA"), null=True, blank=True)
    created_by = created_by_field()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "job_number"], name="shipments_unique_job_number"),
            models.CheckConstraint(
                condition=Q(package_count__isnull=True) | Q(package_count__gt=0),
                name="shipments_package_count_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "-created_at"], name="shipments_newest_idx"),
            models.Index(fields=["enterprise", "status"], name="shipments_status_idx"),
            models.Index(fields=["enterprise", "eta"], name="shipments_eta_idx"),
        ]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self) -> str:
        return self.job_number

    @property
    def tariff_date(self) -> dt.date:
        """The day goods lines are classified on: arrival for imports, departure for exports
        (actual before estimated), today while neither is known."""
        if self.direction == Direction.IMPORT:
            moment = self.ata or self.eta
        else:
            moment = self.atd or self.etd
        return timezone.localdate(moment) if moment is not None else timezone.localdate()


class GoodsLine(TenantOwned):
    """One line of goods (货物明细): what, how much in trade and legal units, weights, value and origin."""

    tenant_module = "shipments"

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="goods_lines", verbose_name=_("shipment")
    )
    line_number = models.PositiveIntegerField(_("line"))
    product = models.ForeignKey(
        "products.Product",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    #: China's 10-digit commodity code, checked against the tariff on the shipment's tariff date.
    hs_code = models.CharField(_("HS code"), max_length=10, blank=True)
    description = models.CharField(_("description"), max_length=250)
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4, null=True, blank=True)
    trade_unit = models.CharField(_("trade unit"), max_length=3, blank=True)
    #: Quantities in the tariff line's first and second legal units (法定第一/第二计量单位).
    legal_quantity_1 = models.DecimalField(
        _("legal quantity 1"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    legal_unit_1 = models.CharField(_("legal unit 1"), max_length=3, blank=True)
    legal_quantity_2 = models.DecimalField(
        _("legal quantity 2"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    legal_unit_2 = models.CharField(_("legal unit 2"), max_length=3, blank=True)
    net_weight_kg = models.DecimalField(_("net weight (kg)"), max_digits=14, decimal_places=4, null=True, blank=True)
    gross_weight_kg = models.DecimalField(
        _("gross weight (kg)"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    origin_country = models.CharField(_("country of origin"), max_length=3, blank=True)

    class Meta:
        ordering = ["shipment", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "line_number"], name="shipments_unique_goods_line_number"),
            models.CheckConstraint(
                condition=Q(net_weight_kg__isnull=True)
                | Q(gross_weight_kg__isnull=True)
                | Q(net_weight_kg__lte=F("gross_weight_kg")),
                name="shipments_goods_net_not_above_gross",
            ),
        ]
        verbose_name = _("goods line")
        verbose_name_plural = _("goods lines")

    def __str__(self) -> str:
        return f"{self.line_number}. {self.description}"


class Container(TenantOwned):
    """A container of the shipment (集装箱): ISO 6346 number, size/type code, seals, tare and VGM."""

    tenant_module = "shipments"

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="containers", verbose_name=_("shipment")
    )
    number = models.CharField(_("container number"), max_length=11)
    size_type = models.CharField(_("size/type code"), max_length=4, blank=True)
    seals = models.JSONField(_("seal numbers"), default=list, blank=True)
    tare_kg = models.DecimalField(_("tare (kg)"), max_digits=14, decimal_places=4, null=True, blank=True)
    #: Verified gross mass (SOLAS): cargo, packing and the container's tare.
    vgm_kg = models.DecimalField(_("VGM (kg)"), max_digits=14, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["shipment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "number"], name="shipments_unique_container_number"),
        ]
        indexes = [models.Index(fields=["enterprise", "number"], name="shipments_container_number_idx")]
        verbose_name = _("container")
        verbose_name_plural = _("containers")

    def __str__(self) -> str:
        return self.number


class ContainerLoad(TenantOwned):
    """Which goods line is (partly) in which container; `quantity` in the line's trade unit, if known."""

    tenant_module = "shipments"

    container = models.ForeignKey(
        Container, on_delete=models.CASCADE, related_name="loads", verbose_name=_("container")
    )
    goods_line = models.ForeignKey(
        GoodsLine, on_delete=models.CASCADE, related_name="loads", verbose_name=_("goods line")
    )
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["container", "goods_line__line_number"]
        constraints = [
            models.UniqueConstraint(fields=["container", "goods_line"], name="shipments_unique_container_load"),
        ]
        verbose_name = _("goods in container")
        verbose_name_plural = _("goods in containers")

    def __str__(self) -> str:
        return f"{self.container_id} ← {self.goods_line_id}"


class Milestone(TenantOwned):
    """One event on the shipment's timeline: a status change (written by the service) or a manual entry.

    `note` holds what people wrote. What the service says itself is not stored but shown in the reader's
    language (`display_note`): stored, it would stay in the language of whoever opened the shipment."""

    tenant_module = "shipments"

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("shipment")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MilestoneKind.choices)
    #: For status rows: the status the shipment moved to.
    status = models.CharField(_("status"), max_length=12, choices=ShipmentStatus.choices, blank=True)
    occurred_at = models.DateTimeField(_("time"))
    location = models.CharField(_("place (UN/LOCODE)"), max_length=5, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["shipment", "-occurred_at", "-pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def display_note(self) -> str:
        """The note, or on the row the service writes as the shipment opens (a status row for draft: no
        transition leads back to draft), that fact in the active language."""
        if self.note:
            return self.note
        if self.kind == MilestoneKind.STATUS and self.status == ShipmentStatus.DRAFT:
            return gettext("Shipment opened")
        return ""


class SavedView(TenantOwned):
    """A person's named set of shipment list filters (e.g. "Imports arriving at Yangshan"), in one of their
    enterprises; shown as links above the list. Personal: nobody else sees or deletes it."""

    tenant_module = "shipments"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=80)
    #: The list's filters as its query string has them: {"direction": "import", "port": "CNSHA", ...}.
    filters = models.JSONField(_("filters"), default=dict, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "user", "name"], name="shipments_unique_saved_view_name"),
        ]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")

    def __str__(self) -> str:
        return self.name

    @property
    def query_string(self) -> str:
        """The filters as the list page's query string (without the leading ?)."""
        return urlencode(sorted(self.filters.items()))


class ShipmentDocument(TenantOwned):
    """A document of the enterprise (invoice, packing list, bill of lading, certificate…) attached to a shipment.

    The file stays a Document of the documents module: detaching removes only this link, and who may open the
    file is still decided by the documents grants.
    """

    tenant_module = "shipments"

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="document_links")
    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="shipment_links")
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["shipment", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "document"], name="shipments_unique_document_link"),
        ]
        verbose_name = _("attached document")
        verbose_name_plural = _("attached documents")

    def __str__(self) -> str:
        return f"{self.shipment_id} ← {self.document_id}"
