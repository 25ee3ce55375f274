"""Bilingual, versioned code tables (代码表): platform-wide reference data, changed by platform staff."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cpass.core.models import TimeStampedModel


class CodeTable(TimeStampedModel):
    """One code table (e.g. 监管方式 trade modes): its names, where its codes come from and their pattern.

    Built-in tables are created by migration 0002 from `fixtures/`; platform staff keep them current
    with the `codes` importer and the reference pages.
    """

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    #: Where the codes come from (the published table, standard or regulation).
    source_en = models.TextField(_("source (English)"), blank=True)
    source_zh = models.TextField(_("source (Chinese)"), blank=True)
    #: A regular expression every code of the table must match in full.
    code_pattern = models.CharField(_("code pattern"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("code table")
        verbose_name_plural = _("code tables")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

    @property
    def name(self) -> str:
        return localized(self.name_en, self.name_zh)

    @property
    def source(self) -> str:
        return localized(self.source_en, self.source_zh)


class CodeEntry(TimeStampedModel):
    """One code of a table, valid from `valid_from` to `valid_to` inclusive (open when empty).

    A code whose meaning changes gets a new row with a later `valid_from`; rows of one code
    never overlap (the loader and the services check it).
    """

    table = models.ForeignKey(CodeTable, on_delete=models.CASCADE, related_name="entries", verbose_name=_("table"))
    code = models.CharField(_("code"), max_length=32)
    name_en = models.CharField(_("name (English)"), max_length=255)
    name_zh = models.CharField(_("name (Chinese)"), max_length=255)
    #: Table-specific extras, e.g. {"alpha2": "CN"} for countries, {"rec20": "KGM"} for units.
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        ordering = ["table", "code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["table", "code", "valid_from"], name="reference_entry_unique_version"),
            models.UniqueConstraint(
                fields=["table", "code"],
                condition=models.Q(valid_from__isnull=True),
                name="reference_entry_unique_open_start",
            ),
        ]
        indexes = [models.Index(fields=["table", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return localized(self.name_en, self.name_zh)


def localized(english: str, chinese: str) -> str:
    """The Chinese text when the active language is Chinese and there is one, else the English."""
    language = get_language() or "en"
    if language.lower().startswith("zh") and chinese:
        return chinese
    return english or chinese
