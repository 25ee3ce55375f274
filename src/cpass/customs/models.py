"""Customs declarations (报关单) of a shipment: header, items, accompanying documents, their timeline, and
the messages exchanged with a customs gateway.

Codes are stored as the Single Window message carries them (trade mode 0110, levy nature 101, customs office
2248…); the reference tables give their names. docs/customs/declaration-fields.md maps every field to its
Chinese name, code table and message element.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cpass.core.models import TenantOwned, TimeStampedModel, created_by_field
from cpass.customs.choices import (
    AMENDMENT_NEXT_STEP,
    LODGED_NEXT_STEP,
    RECEIPT_REASON_SENTENCES,
    REVISION_OPEN,
    TRANSITIONS,
    UNDER_AMENDMENT,
    ChargeMode,
    Confirmation,
    DeclarationStatus,
    EventKind,
    MessageFormat,
    ReceiptReason,
    ReceiptState,
    RevisionKind,
    RevisionReason,
    RevisionState,
)
from cpass.shipments.choices import Direction


def _party(verbose_name: Any) -> Any:
    return models.ForeignKey(
        "parties.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class Declaration(TenantOwned):
    """One import or export declaration of a shipment (进/出口货物报关单): its header and workflow status.

    A shipment may carry several; a declaration split off a larger one points at it (`split_from`).
    """

    tenant_module = "customs"

    shipment = models.ForeignKey(
        "shipments.Shipment", on_delete=models.PROTECT, related_name="declarations", verbose_name=_("shipment")
    )
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    #: Our reference in the enterprise's sequence (DC-2026-00042).
    reference = models.CharField(_("reference"), max_length=20)
    status = models.CharField(
        _("status"), max_length=12, choices=DeclarationStatus.choices, default=DeclarationStatus.DRAFT
    )
    split_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="split_parts",
        verbose_name=_("split from"),
    )
    #: Customs' numbers: pre-entry number (预录入编号) on receipt, entry number (海关编号, 18 characters) on acceptance.
    pre_entry_number = models.CharField(_("pre-entry number"), max_length=18, blank=True)
    entry_number = models.CharField(_("customs entry number"), max_length=18, blank=True)
    # -- offices, record, contract, dates
    declaring_customs = models.CharField(_("declaring customs office"), max_length=4, blank=True)  # 申报地海关
    entry_exit_customs = models.CharField(_("customs office of entry/exit"), max_length=4, blank=True)  # 进出境关别
    record_number = models.CharField(_("record number"), max_length=12, blank=True)  # 备案号
    contract_number = models.CharField(_("contract number"), max_length=32, blank=True)  # 合同协议号
    import_export_date = models.DateField(_("import/export date"), null=True, blank=True)  # 进出口日期
    declaration_date = models.DateField(_("declaration date"), null=True, blank=True)  # 申报日期
    # -- parties (each with its unified social credit code / customs code on the party)
    domestic_trader = _party(_("domestic consignee/consignor"))  # 境内收发货人
    overseas_trader = _party(_("overseas consignor/consignee"))  # 境外发货人/收货人
    consumer_producer = _party(_("consumer/producer unit"))  # 消费使用单位/生产销售单位
    declarant = _party(_("declarant"))  # 申报单位
    # -- transport
    transport_mode = models.CharField(_("transport mode"), max_length=2, blank=True)  # 运输方式
    vessel_name = models.CharField(_("means of transport"), max_length=100, blank=True)  # 运输工具名称
    imo_number = models.CharField(_("IMO number"), max_length=7, blank=True)
    voyage = models.CharField(_("voyage or flight"), max_length=20, blank=True)  # 航次号
    bill_number = models.CharField(_("bill of lading / AWB"), max_length=35, blank=True)  # 提运单号
    goods_location = models.CharField(_("goods location"), max_length=100, blank=True)  # 货物存放地点
    # -- regime
    trade_mode = models.CharField(_("trade mode"), max_length=4, blank=True)  # 监管方式
    levy_nature = models.CharField(_("levy nature"), max_length=3, blank=True)  # 征免性质
    licence_number = models.CharField(_("licence number"), max_length=20, blank=True)  # 许可证号
    # -- countries and ports
    #: 启运国 (import) / 运抵国 (export)
    departure_country = models.CharField(_("country of departure/destination"), max_length=3, blank=True)
    trade_country = models.CharField(_("trading country"), max_length=3, blank=True)  # 贸易国(地区)
    departure_port = models.CharField(_("port of departure/destination"), max_length=5, blank=True)  # 启运港/指运港
    stop_port = models.CharField(_("port of call"), max_length=5, blank=True)  # 经停港/指运港
    entry_exit_port = models.CharField(_("domestic port of entry/exit"), max_length=6, blank=True)  # 入境/离境口岸
    # -- packages and weights
    package_type = models.CharField(_("package type"), max_length=4, blank=True)  # 包装种类
    package_count = models.PositiveIntegerField(_("number of packages"), null=True, blank=True)  # 件数
    gross_weight_kg = models.DecimalField(
        _("gross weight (kg)"), max_digits=18, decimal_places=4, null=True, blank=True
    )  # 毛重
    net_weight_kg = models.DecimalField(
        _("net weight (kg)"), max_digits=18, decimal_places=4, null=True, blank=True
    )  # 净重
    # -- terms and charges (运费/保费/杂费: mark, amount or rate, currency)
    transaction_terms = models.CharField(_("transaction terms"), max_length=1, blank=True)  # 成交方式
    freight_mode = models.CharField(_("freight given as"), max_length=5, choices=ChargeMode.choices, blank=True)
    freight_value = models.DecimalField(_("freight"), max_digits=18, decimal_places=4, null=True, blank=True)
    freight_currency = models.CharField(_("freight currency"), max_length=3, blank=True)
    insurance_mode = models.CharField(_("insurance given as"), max_length=5, choices=ChargeMode.choices, blank=True)
    insurance_value = models.DecimalField(_("insurance"), max_digits=18, decimal_places=4, null=True, blank=True)
    insurance_currency = models.CharField(_("insurance currency"), max_length=3, blank=True)
    other_mode = models.CharField(_("other charges given as"), max_length=5, choices=ChargeMode.choices, blank=True)
    other_value = models.DecimalField(_("other charges"), max_digits=18, decimal_places=4, null=True, blank=True)
    other_currency = models.CharField(_("other charges currency"), max_length=3, blank=True)
    # -- confirmations (特殊关系确认, 价格影响确认, 支付特许权使用费确认) and self-assessment (自报自缴)
    related_party = models.CharField(_("special relationship"), max_length=3, choices=Confirmation.choices, blank=True)
    price_influence = models.CharField(_("price influence"), max_length=3, choices=Confirmation.choices, blank=True)
    royalty_payment = models.CharField(_("royalty payment"), max_length=3, choices=Confirmation.choices, blank=True)
    self_assessment = models.BooleanField(_("self-assessment"), default=False)
    marks_and_remarks = models.CharField(_("marks and remarks"), max_length=500, blank=True)  # 标记唛码及备注
    containers = models.ManyToManyField(
        "shipments.Container", blank=True, related_name="declarations", verbose_name=_("containers")
    )
    # -- gateway
    gateway = models.CharField(_("gateway"), max_length=20, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    #: Why customs returned or held it, or why a person amended or cancelled it (the latest reason).
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_by = created_by_field()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "reference"], name="customs_unique_declaration_reference"),
            models.UniqueConstraint(
                fields=["entry_number"], condition=~Q(entry_number=""), name="customs_unique_entry_number"
            ),
            models.CheckConstraint(
                condition=Q(net_weight_kg__isnull=True)
                | Q(gross_weight_kg__isnull=True)
                | Q(net_weight_kg__lte=F("gross_weight_kg")),
                name="customs_declaration_net_not_above_gross",
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "-created_at"], name="customs_decl_newest_idx"),
            models.Index(fields=["enterprise", "status"], name="customs_decl_status_idx"),
        ]
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")

    def __str__(self) -> str:
        return self.entry_number or self.reference

    @property
    def lodged_next_step(self) -> Any:
        """What ends it while customs has it (its shipment is not cancelled meanwhile); None when customs has not.
        A draft or validated one with an entry number is under an amendment customs approved: customs holds it."""
        if self.entry_number and self.status in UNDER_AMENDMENT:
            return AMENDMENT_NEXT_STEP
        return LODGED_NEXT_STEP.get(self.status)


#: The declarations customs has (see Declaration.lodged_next_step), as a filter.
LODGED = Q(status__in=list(LODGED_NEXT_STEP)) | (Q(status__in=list(UNDER_AMENDMENT)) & ~Q(entry_number=""))


class DeclarationItem(TenantOwned):
    """One item (商品项) of a declaration: commodity code, name and specification, quantities in the trade and
    legal units, price, countries, domestic area and duty mode."""

    tenant_module = "customs"

    #: Indexes here are few on purpose (a file may bring a million items): the unique item number serves the
    #: declaration's lookups, and the links to goods lines and products, empty on imported items, are indexed
    #: only where they are set.
    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="items", db_index=False, verbose_name=_("declaration")
    )
    item_number = models.PositiveSmallIntegerField(_("item"))  # 项号
    goods_line = models.ForeignKey(
        "shipments.GoodsLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("goods line"),
    )
    product = models.ForeignKey(
        "products.Product",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
        db_index=False,
    )
    hs_code = models.CharField(_("commodity code"), max_length=10, blank=True)  # 商品编号
    ciq_code = models.CharField(_("CIQ code"), max_length=3, blank=True)  # 检验检疫编码
    name = models.CharField(_("goods name"), max_length=250, blank=True)  # 商品名称
    #: The declaration elements by the key of the heading's template ({"brand_type": "0", ...}), as products keep
    #: them; `specification` is their joined 规格型号 string as the form carries it.
    elements = models.JSONField(_("declaration elements"), default=dict, blank=True)
    specification = models.CharField(_("specification"), max_length=500, blank=True)  # 规格型号
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4, null=True, blank=True)  # 成交数量
    trade_unit = models.CharField(_("trade unit"), max_length=3, blank=True)  # 成交计量单位
    legal_quantity_1 = models.DecimalField(
        _("legal quantity 1"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    legal_unit_1 = models.CharField(_("legal unit 1"), max_length=3, blank=True)
    legal_quantity_2 = models.DecimalField(
        _("legal quantity 2"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    legal_unit_2 = models.CharField(_("legal unit 2"), max_length=3, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=18, decimal_places=4, null=True, blank=True)
    total_price = models.DecimalField(_("total price"), max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    origin_country = models.CharField(_("country of origin"), max_length=3, blank=True)  # 原产国
    destination_country = models.CharField(_("final destination country"), max_length=3, blank=True)  # 最终目的国
    domestic_area = models.CharField(_("domestic destination/source"), max_length=5, blank=True)  # 境内目的地/货源地
    duty_mode = models.CharField(_("duty mode"), max_length=1, blank=True)  # 征免方式
    #: The certificate of origin claimed for a conventional or preferential rate (原产地证明).
    origin_certificate = models.CharField(_("certificate of origin"), max_length=40, blank=True)

    class Meta:
        ordering = ["declaration", "item_number"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "item_number"], name="customs_unique_item_number"),
        ]
        indexes = [
            models.Index(
                fields=["goods_line"], condition=models.Q(goods_line__isnull=False), name="customs_item_goods_line_idx"
            ),
            models.Index(
                fields=["product"], condition=models.Q(product__isnull=False), name="customs_item_product_idx"
            ),
        ]
        verbose_name = _("declaration item")
        verbose_name_plural = _("declaration items")

    def __str__(self) -> str:
        return f"{self.item_number}. {self.name}"


class DeclarationDocument(TenantOwned):
    """An accompanying document (随附单证) of the declaration: its licence or certificate code (监管证件代码, the
    supervision-condition table) and its number."""

    tenant_module = "customs"

    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="documents", verbose_name=_("declaration")
    )
    code = models.CharField(_("document code"), max_length=4)
    number = models.CharField(_("document number"), max_length=40)

    class Meta:
        ordering = ["declaration", "code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "code", "number"], name="customs_unique_declaration_doc"),
        ]
        verbose_name = _("accompanying document")
        verbose_name_plural = _("accompanying documents")

    def __str__(self) -> str:
        return f"{self.code} {self.number}"


class DeclarationEvent(TenantOwned):
    """One entry of the declaration's timeline: a status change (by a person or a receipt), a submission, a
    split or a note. Written only by the services; never changed.

    `reason` holds what people or customs wrote; on a split event, the reference of the declaration split from.
    What the service says itself is shown in the reader's language (`display_reason`), not stored: stored, it
    would stay in the language of whoever prepared the declaration."""

    tenant_module = "customs"

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    transition = models.CharField(_("transition"), max_length=12, blank=True)
    from_status = models.CharField(_("from"), max_length=12, choices=DeclarationStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=DeclarationStatus.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    occurred_at = models.DateTimeField(_("time"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    receipt = models.ForeignKey(
        "customs.GatewayReceipt", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["declaration", "-occurred_at", "-pk"]
        verbose_name = _("declaration event")
        verbose_name_plural = _("declaration events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def display_reason(self) -> str:
        """The reason, with the service's own events told in the active language: the first one (a transition
        to draft from no status: the declaration was prepared), a split, and a request to customs or its refusal."""
        if self.kind == EventKind.SPLIT:
            return gettext("Split from %(reference)s (at most 50 items per declaration)") % {"reference": self.reason}
        if self.kind == EventKind.REVISION and self.receipt_id is not None:
            return gettext("Refused by customs: %(reason)s") % {"reason": self.reason}
        if self.kind == EventKind.REVISION:
            kind = RevisionKind(self.transition).label if self.transition in RevisionKind.values else ""
            return gettext("%(kind)s requested: %(reason)s") % {"kind": kind, "reason": self.reason}
        if not self.reason and self.kind == EventKind.TRANSITION and not self.from_status:
            return gettext("Declaration prepared")
        return self.reason


class GatewaySubmission(TenantOwned):
    """One declaration message sent to a customs gateway: the exact payload, its message id and format."""

    tenant_module = "customs"

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="submissions")
    gateway = models.CharField(_("gateway"), max_length=20)
    message_format = models.CharField(_("format"), max_length=8, choices=MessageFormat.choices)
    message_id = models.CharField(_("message id"), max_length=64)
    payload = models.TextField(_("message"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        ordering = ["declaration", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "message_id"], name="customs_unique_submission_message"),
        ]
        verbose_name = _("gateway submission")
        verbose_name_plural = _("gateway submissions")

    def __str__(self) -> str:
        return self.message_id


class GatewayReceipt(TimeStampedModel):
    """A receipt (回执) that came from a gateway, kept as received; platform-level because a receipt for an
    unknown declaration has no enterprise and is quarantined here for staff.

    (gateway, message_id) is unique, so a duplicated receipt is recognised and never applied twice;
    `issued_at` and `sequence` order receipts, so an older one arriving late does not move the status back.
    Why it was not applied as it stands is stored as a code and its parameters (`reason`, `reason_params`) and
    told in the reader's language (`display_state_reason`), not stored as a sentence in the background job's;
    so is that an information-only receipt changes nothing.
    """

    gateway = models.CharField(_("gateway"), max_length=20)
    message_format = models.CharField(_("format"), max_length=8, choices=MessageFormat.choices)
    message_id = models.CharField(_("message id"), max_length=64)
    declaration = models.ForeignKey(
        Declaration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="receipts",
        verbose_name=_("declaration"),
    )
    #: The declaration reference or entry number the receipt named (kept when it matched nothing).
    declaration_key = models.CharField(_("declaration named"), max_length=40, blank=True)
    #: Customs' receipt code (e.g. the Single Window channel code) and what it means for our workflow.
    code = models.CharField(_("receipt code"), max_length=10, blank=True)
    transition = models.CharField(_("transition"), max_length=12, blank=True)
    entry_number = models.CharField(_("customs entry number"), max_length=18, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), default=0)
    payload = models.TextField(_("message"))
    state = models.CharField(_("state"), max_length=12, choices=ReceiptState.choices)
    reason = models.CharField(_("why"), max_length=20, choices=ReceiptReason.choices, blank=True)
    #: The reason's parameters: receipt ids, numbers and names as customs or a person gave them, and codes
    #: (a status, a transition, a receipt state) that are told by their label at display.
    reason_params = models.JSONField(_("why (parameters)"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "message_id"], name="customs_unique_receipt_message"),
        ]
        indexes = [models.Index(fields=["state", "-created_at"], name="customs_receipt_state_idx")]
        verbose_name = _("gateway receipt")
        verbose_name_plural = _("gateway receipts")

    def __str__(self) -> str:
        return f"{self.gateway} {self.message_id}"

    @property
    def display_state_reason(self) -> str:
        if not self.reason:
            if self.state == ReceiptState.APPLIED and not self.transition:
                return gettext("Information only; the status does not change.")
            return ""
        labels: dict[str, dict[str, Any]] = {
            "status": dict(DeclarationStatus.choices),
            "state": dict(ReceiptState.choices),
            "action": {name: step.label for name, step in TRANSITIONS.items()},
            "decision": dict(RevisionState.choices),
        }
        params = {
            key: str(labels[key].get(value, value)) if key in labels else str(value)
            for key, value in self.reason_params.items()
        }
        return str(RECEIPT_REASON_SENTENCES[self.reason]) % params


class RevisionRequest(TenantOwned):
    """A request to customs to amend or withdraw a declaration it has accepted (报关单修改/撤销申请, 修撤单): its
    kind, the reason code of GACC Order No. 220 and the declarant's account, who filed it, and customs' decision.

    Filed by a person, sent through the declaration's gateway (`submission` is the message), decided by a customs
    receipt (`receipt`): approving an amendment puts the declaration back to draft with its entry number, approving
    a withdrawal cancels it, a refusal leaves it as it was. A declaration has at most one open request."""

    tenant_module = "customs"

    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="revision_requests", verbose_name=_("declaration")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=RevisionKind.choices)
    reason_code = models.CharField(_("reason"), max_length=20, choices=RevisionReason.choices)
    #: The declarant's account of what happened and what changes (详细情况说明).
    reason = models.CharField(_("explanation"), max_length=500)
    state = models.CharField(_("state"), max_length=10, choices=RevisionState.choices, default=RevisionState.REQUESTED)
    #: The declaration's status when the request was filed.
    from_status = models.CharField(_("status when filed"), max_length=12, choices=DeclarationStatus.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    submission = models.OneToOneField(
        GatewaySubmission,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revision_request",
        verbose_name=_("message"),
    )
    #: Customs' answer: its text (why it refused, or its note on approving) and when it was issued.
    customs_reply = models.CharField(_("customs' reply"), max_length=1000, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    receipt = models.ForeignKey(
        GatewayReceipt,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receipt"),
    )

    class Meta:
        ordering = ["declaration", "-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration"],
                condition=Q(state__in=sorted(REVISION_OPEN)),
                name="customs_one_open_revision_request",
            ),
        ]
        verbose_name = _("amendment or withdrawal request")
        verbose_name_plural = _("amendment or withdrawal requests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.declaration_id} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in REVISION_OPEN


class CustomsConnection(TenantOwned):
    """The customs gateway connection an enterprise files its declarations through (at most one row per enterprise;
    without one, the platform's default CPASS_CUSTOMS_GATEWAY). `gateway` names an entry of
    customs.gateway.connections.CONNECTIONS."""

    tenant_module = "customs"

    gateway = models.CharField(_("gateway"), max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enterprise"], name="customs_one_connection_per_enterprise")]
        verbose_name = _("customs connection")
        verbose_name_plural = _("customs connections")

    def __str__(self) -> str:
        return self.gateway
