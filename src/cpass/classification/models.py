"""The HS search index, the stored nomenclature embeddings and the enterprises' confirmed classifications.

`HsSearchEntry` and `HsEmbedding` are platform-wide, derived data: rebuilt from the tariff app's
HsNode and TariffLine rows by `services.rebuild_search_index` and `services.build_embeddings`
(after every tariff import, through a Huey task). `ConfirmedClassification` belongs to an
enterprise: a code a person confirmed for a product description, which the assistant learns from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cpass.core.models import TenantOwned
from cpass.reference.models import localized

#: `HsSearchEntry.jurisdiction` of the HS nomenclature itself (chapters, headings, subheadings).
NOMENCLATURE = ""


class EntryLevel(models.TextChoices):
    SECTION = "section", _("Section")
    CHAPTER = "chapter", _("Chapter")
    HEADING = "heading", _("Heading")
    SUBHEADING = "subheading", _("Subheading")
    NATIONAL = "national", _("National line")


class HsSearchEntry(models.Model):
    """One searchable code: an HS node (jurisdiction "") or a currently valid national tariff line.

    `terms` is the segmented text (see cpass.classification.text) that the full-text index covers:
    an FTS5 table on SQLite, a generated tsvector with a GIN index on PostgreSQL (both made in the
    migration). `scope` is "hs" or the lower-cased jurisdiction, so the index itself filters by it.
    """

    jurisdiction = models.CharField(_("jurisdiction"), max_length=2, blank=True)
    scope = models.CharField(_("scope"), max_length=2)
    code = models.CharField(_("code"), max_length=14)
    level = models.CharField(_("level"), max_length=12, choices=EntryLevel.choices)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    terms = models.TextField(_("search terms"))

    class Meta:
        ordering = ["jurisdiction", "code"]
        indexes = [models.Index(fields=["jurisdiction", "code"], name="classif_entry_jur_code")]

    def __str__(self) -> str:
        return f"{self.jurisdiction or 'HS'}:{self.code}"

    @property
    def description(self) -> str:
        return localized(self.description_en, self.description_zh)


class HsEmbedding(models.Model):
    """The multilingual-e5-small passage embedding of one index entry, float16 bytes (384 values).

    `text_hash` is the SHA-256 of the embedded passage, so a rebuild only embeds what changed.
    """

    jurisdiction = models.CharField(_("jurisdiction"), max_length=2, blank=True)
    code = models.CharField(_("code"), max_length=14)
    text_hash = models.CharField(_("passage hash"), max_length=64)
    vector = models.BinaryField(_("vector"))

    class Meta:
        ordering = ["jurisdiction", "code"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "code"], name="classif_embedding_unique")]

    def __str__(self) -> str:
        return f"{self.jurisdiction or 'HS'}:{self.code}"


class IndexState(models.Model):
    """When the search index and the embeddings were last built; `version` changes with every build,
    so each process reloads its in-memory embedding matrix when it moves on."""

    key = models.CharField(_("key"), max_length=20, primary_key=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    entries = models.PositiveIntegerField(_("entries"), default=0)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"


class ConfirmedClassification(TenantOwned):
    """A code a person of the enterprise confirmed for a product description (确认归类).

    The assistant embeds the description and boosts this code when a new description is close
    to it. Only the enterprise and partners it granted "products" ever see it.
    """

    tenant_module = "products"

    description = models.TextField(_("description"))
    code = models.CharField(_("code"), max_length=14)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=2, default="CN")
    #: The product it was confirmed for (cpass.products), when it was one.
    product_id = models.PositiveBigIntegerField(_("product"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    #: multilingual-e5-small passage embedding of `description` (with the glossary's English reading), float16.
    embedding = models.BinaryField(_("embedding"))

    class Meta:
        verbose_name = _("confirmed classification")
        verbose_name_plural = _("confirmed classifications")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["enterprise", "jurisdiction"], name="classif_confirmed_ent_jur")]

    def __str__(self) -> str:
        return f"{self.code} {self.description[:40]}"
