"""The HS nomenclature and national tariff schedules, versioned by date.

Platform-wide reference data: loaded and changed by platform staff, read by everyone. Validity
dates are inclusive at both ends; an empty `valid_to` is open. Lines and rates are loaded in bulk
by the tariff importer (see docs/reference/tariff-formats.md) and their history is the import log.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cpass.core.models import TimeStampedModel
from cpass.reference.models import localized


class Jurisdiction(TimeStampedModel):
    """A customs territory with its own tariff schedule: China first, and the buyers' countries."""

    #: ISO 3166-1 alpha-2 ("CN", "US"), or "EU" for the customs union.
    code = models.CharField(_("code"), max_length=2, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    #: ISO 4217 currency duties are assessed in.
    currency = models.CharField(_("currency"), max_length=3)
    #: Digits of a full national commodity code (10 for China: 8-digit tariff line + 2 statistical).
    national_code_length = models.PositiveSmallIntegerField(_("national code length"), default=10)
    #: Shortest code a line may have (the US schedule has 8-digit rate lines and 10-digit statistical lines).
    min_code_length = models.PositiveSmallIntegerField(_("shortest code length"), default=10)
    #: Space-separated alpha-3 origins without most-favoured-nation treatment here: their goods pay
    #: the general rate (US column 2: CUB PRK RUS BLR). Goods of unknown origin pay it everywhere.
    general_rate_origins = models.TextField(_("origins paying the general rate"), blank=True)
    #: Key of the customs exchange-rate rule in cpass.fx (e.g. "cn-monthly-third-wednesday").
    exchange_rate_rule = models.CharField(_("customs exchange-rate rule"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        return localized(self.name_en, self.name_zh)


class HsLevel(models.TextChoices):
    SECTION = "section", _("Section")
    CHAPTER = "chapter", _("Chapter")
    HEADING = "heading", _("Heading")
    SUBHEADING = "subheading", _("Subheading")


class HsNode(TimeStampedModel):
    """A section (I–XXI), chapter (2 digits), heading (4) or subheading (6) of one HS edition."""

    edition = models.CharField(_("HS edition"), max_length=10, default="HS2022")
    code = models.CharField(_("code"), max_length=6)
    level = models.CharField(_("level"), max_length=12, choices=HsLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    description_en = models.TextField(_("description (English)"))
    description_zh = models.TextField(_("description (Chinese)"), blank=True)

    class Meta:
        verbose_name = _("nomenclature entry")
        verbose_name_plural = _("nomenclature entries")
        ordering = ["edition", "code"]
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="tariff_hsnode_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"

    @property
    def description(self) -> str:
        return localized(self.description_en, self.description_zh)


class RateSet(models.Model):
    """The rates of tariff lines, stored once for all the lines that carry the same ones.

    A schedule repeats a few hundred combinations of rates over 100,000 lines: stored per line, the rates were
    three rows in four of a tariff load (bench/tariff_loader.py). A set is a value and never changes: a line
    whose rates change points to another set. Sets are shared across jurisdictions and kept when no line
    points to them any more (a later load may use them again).
    """

    #: `tariff.importers.rate_set_key` of the rates: the same rates, the same set.
    key = models.CharField(_("key"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("rate set")
        verbose_name_plural = _("rate sets")

    def __str__(self) -> str:
        return self.key


class TariffLine(TimeStampedModel):
    """One national commodity code of a jurisdiction, valid from `valid_from` to `valid_to`."""

    #: No index of its own, nor one on (jurisdiction, code): the unique version constraint's index starts with
    #: both and serves every lookup by them, and each index less makes loading a schedule faster.
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="lines", db_index=False, verbose_name=_("jurisdiction")
    )
    #: Digits only: 10 for China (8-digit tariff line + 2 statistical digits), 8 or 10 for the US.
    code = models.CharField(_("commodity code"), max_length=14)
    #: China's 3-digit inspection-and-quarantine sub-code (检验检疫编码), empty where none.
    ciq_code = models.CharField(_("CIQ code"), max_length=3, blank=True)
    hs_edition = models.CharField(_("HS edition"), max_length=10, default="HS2022")
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    #: Legal units of quantity (法定第一/第二计量单位): customs unit codes for China, the
    #: schedule's own unit text elsewhere. Empty when the line has none.
    unit_1 = models.CharField(_("first legal unit"), max_length=10, blank=True)
    unit_2 = models.CharField(_("second legal unit"), max_length=10, blank=True)
    #: Import VAT in percent (13, 9 or 0 in China); null where the jurisdiction has none.
    vat_rate = models.DecimalField(_("VAT rate %"), max_digits=5, decimal_places=2, null=True, blank=True)
    #: Supervision conditions (监管条件): licence/certificate codes, e.g. "AB" or "4xAB".
    supervision_conditions = models.CharField(_("supervision conditions"), max_length=40, blank=True)
    #: Inspection and quarantine categories (检验检疫类别), e.g. "M/N" or "P/Q".
    inspection_categories = models.CharField(_("inspection categories"), max_length=40, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    #: What loaded it: the file name and format adapter.
    source = models.CharField(_("source"), max_length=200, blank=True)
    #: Hash of the loaded content (fields and rates), so reloading an unchanged file writes nothing.
    digest = models.CharField(_("content digest"), max_length=32, blank=True, editable=False)
    #: The line's rates; none for a line without any. No index: lines are read by code, never by set.
    rate_set = models.ForeignKey(
        RateSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        db_index=False,
        verbose_name=_("rates"),
    )

    class Meta:
        verbose_name = _("tariff line")
        verbose_name_plural = _("tariff lines")
        ordering = ["jurisdiction", "code", "ciq_code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "code", "ciq_code", "valid_from"], name="tariff_line_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}:{self.code}{self.ciq_code}"

    @property
    def description(self) -> str:
        return localized(self.description_en, self.description_zh)

    @property
    def hs6(self) -> str:
        return self.code[:6]

    @property
    def rates(self) -> list[DutyRate]:
        """The line's rates in kind and agreement order (prefetch `rate_set__rates`, as the selectors do)."""
        return [] if self.rate_set is None else list(self.rate_set.rates.all())


class RateKind(models.TextChoices):
    MFN = "mfn", _("Most-favoured-nation (最惠国)")
    GENERAL = "general", _("General (普通)")
    PROVISIONAL = "provisional", _("Provisional (暂定)")
    CONVENTIONAL = "conventional", _("Conventional, by agreement (协定)")
    PREFERENTIAL = "preferential", _("Special preferential (特惠)")
    EXPORT = "export", _("Export duty (出口税)")
    EXPORT_PROVISIONAL = "export_provisional", _("Provisional export duty (出口暂定)")
    CONSUMPTION = "consumption", _("Consumption tax (消费税)")


class RateCombination(models.TextChoices):
    """How the ad valorem and specific parts of a rate combine."""

    SINGLE = "single", _("Single (ad valorem or specific)")
    SUM = "sum", _("Compound: ad valorem + specific")
    HIGHER = "higher", _("The higher of the two")
    LOWER = "lower", _("The lower of the two")


class DutyRate(models.Model):
    """One rate of a rate set (the rates of tariff lines): ad valorem %, a specific amount per unit, or both."""

    #: No index of its own: the (rate set, kind) index serves every lookup by set.
    rate_set = models.ForeignKey(
        RateSet, on_delete=models.CASCADE, related_name="rates", db_index=False, verbose_name=_("rate set")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RateKind.choices)
    #: The agreement or programme for conventional/preferential rates ("RCEP", "CN-ASEAN"). US special
    #: rates keep the schedule's grouping: the space-separated programme codes sharing the rate ("A AU BH").
    agreement = models.CharField(_("agreement"), max_length=200, blank=True)
    #: Space-separated ISO alpha-3 origin countries the rate applies to. Empty: any origin for MFN,
    #: general, provisional, export and consumption rates; for conventional and preferential rates
    #: it means the parties are not recorded, so the lookup never applies the rate by itself.
    origin_countries = models.TextField(_("origin countries"), blank=True)
    #: Percent of the dutiable value (e.g. 8.0000 for 8%).
    ad_valorem = models.DecimalField(_("ad valorem %"), max_digits=9, decimal_places=4, null=True, blank=True)
    specific_amount = models.DecimalField(_("specific amount"), max_digits=14, decimal_places=4, null=True, blank=True)
    specific_currency = models.CharField(_("specific currency"), max_length=3, blank=True)
    #: The unit the specific amount is per (customs unit code, or the schedule's unit text).
    specific_unit = models.CharField(_("specific unit"), max_length=10, blank=True)
    combination = models.CharField(
        _("combination"), max_length=10, choices=RateCombination.choices, default=RateCombination.SINGLE
    )
    #: The rate as published, kept for display and audit (e.g. "6.8¢/kg + 8%").
    text = models.CharField(_("published text"), max_length=300, blank=True)
    #: The published text did not parse into numbers (US rates such as "See 9903.88.15"): shown, never computed.
    unparsed = models.BooleanField(_("not parsed"), default=False)

    class Meta:
        ordering = ["kind", "agreement", "id"]
        indexes = [models.Index(fields=["rate_set", "kind"], name="tariff_rate_set_kind_idx")]

    def __str__(self) -> str:
        return self.text or f"{self.kind} {self.ad_valorem}%"


class DeclarationElements(TimeStampedModel):
    """The declaration elements template (申报要素) for a heading or a longer code prefix.

    The most specific prefix valid on the date wins. `elements` is a list of
    {"key", "name_en", "name_zh", "required", "choices"?, "hint_en"?, "hint_zh"?}; the declared
    specification (规格型号) is the values joined with "|" in this order.
    """

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="element_templates", verbose_name=_("jurisdiction")
    )
    code_prefix = models.CharField(_("code prefix"), max_length=14)
    elements = models.JSONField(_("elements"), default=list)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("declaration elements template")
        verbose_name_plural = _("declaration elements templates")
        ordering = ["jurisdiction", "code_prefix", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "code_prefix", "valid_from"], name="tariff_elements_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}:{self.code_prefix}"
