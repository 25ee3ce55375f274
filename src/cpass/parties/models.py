"""Trade parties of an enterprise (收发货人、买卖方、承运人…) and the denied-party screening against
platform-wide restricted-party lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cpass.core.models import TenantOwned, TimeStampedModel
from cpass.parties.choices import MatchStatus, PartyRole, ScreeningStatus


class Party(TenantOwned):
    """A counterparty an enterprise trades with: names (local and English), address, contact and
    identifiers checked by python-stdnum. Screened against every restricted-party list on each
    create and change; `screening_status` is derived from its ScreeningMatch rows.
    Never deleted: deactivating keeps the declarations that name it intact.
    """

    tenant_module = "parties"

    #: Role keys (PartyRole), several per party, e.g. ["consignee", "notify_party"].
    roles = models.JSONField(_("roles"), default=list)
    name_local = models.CharField(_("name (local)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    #: ISO 3166-1 alpha-3, as customs uses it (the reference app's country table).
    country = models.CharField(_("country"), max_length=3)
    address_local = models.CharField(_("address (local)"), max_length=300, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    #: E.164, e.g. +864021234567.
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), max_length=254, blank=True)
    #: 统一社会信用代码, 18 characters.
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    #: 海关编码 (customs registration code), 10 characters.
    customs_code = models.CharField(_("customs code"), max_length=10, blank=True)
    eori = models.CharField(_("EORI number"), max_length=17, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=30, blank=True)
    lei = models.CharField(_("LEI"), max_length=20, blank=True)
    aeo_number = models.CharField(_("AEO number"), max_length=25, blank=True)
    #: Standard Carrier Alpha Code (NMFTA), 2 to 4 letters.
    scac = models.CharField(_("SCAC"), max_length=4, blank=True)
    #: IATA airline designator, 2 characters.
    iata_code = models.CharField(_("IATA airline code"), max_length=2, blank=True)
    #: IATA airline prefix (air waybill prefix), 3 digits.
    iata_prefix = models.CharField(_("IATA airline prefix"), max_length=3, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    screening_status = models.CharField(
        _("screening status"), max_length=16, choices=ScreeningStatus.choices, default=ScreeningStatus.CLEAR
    )
    screened_at = models.DateTimeField(_("screened at"), null=True, blank=True)

    class Meta:
        ordering = ["name_local", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "uscc"], condition=~models.Q(uscc=""), name="parties_party_uscc_unique"
            ),
            models.UniqueConstraint(
                fields=["enterprise", "eori"], condition=~models.Q(eori=""), name="parties_party_eori_unique"
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "name_local"], name="parties_party_name_idx")]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return self.name_local

    def role_labels(self) -> list[str]:
        labels = dict(PartyRole.choices)
        return [str(labels.get(role, role)) for role in self.roles]


class RestrictedList(TimeStampedModel):
    """A restricted-party list (denied parties, sanctions) loaded by platform staff; platform-wide.

    Reloading a list replaces its entries (upsert by external id, removal of the rest).
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    version_date = models.DateField(_("version date"), null=True, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), null=True, blank=True)
    entry_count = models.PositiveIntegerField(_("entries"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("restricted-party list")
        verbose_name_plural = _("restricted-party lists")

    def __str__(self) -> str:
        return self.name


class RestrictedEntry(models.Model):
    """One listed person or organisation, with the normalised keys screening compares against."""

    restricted_list = models.ForeignKey(RestrictedList, on_delete=models.CASCADE, related_name="entries")
    external_id = models.CharField(_("external id"), max_length=64)
    name = models.CharField(_("name"), max_length=300)
    #: Other names the entry is known by.
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    #: ISO 3166-1 alpha-3, or empty.
    country = models.CharField(_("country"), max_length=3, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    #: [[sorted-token key, compact key], ...] per name and alias (cpass.parties.matching.name_keys).
    match_keys = models.JSONField(default=list)
    #: Hash of the listed data; a cleared match is reopened when it changes.
    fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["restricted_list", "name"]
        constraints = [
            models.UniqueConstraint(fields=["restricted_list", "external_id"], name="parties_entry_unique_external_id")
        ]
        verbose_name = _("restricted-party entry")
        verbose_name_plural = _("restricted-party entries")

    def __str__(self) -> str:
        return self.name


class ScreeningMatch(TenantOwned):
    """A review item: a party whose name resembles a listed entry above the threshold.

    Open until a person confirms it (the party is blocked) or clears it as a false positive, with a
    reason; decisions are audited. The entry's data is copied so the item survives a list reload.
    """

    tenant_module = "parties"

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="matches", verbose_name=_("party"))
    entry = models.ForeignKey(
        RestrictedEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("list entry"),
    )
    list_name = models.CharField(_("list"), max_length=200)
    entry_external_id = models.CharField(_("external id"), max_length=64)
    entry_name = models.CharField(_("listed name"), max_length=300)
    entry_country = models.CharField(_("listed country"), max_length=3, blank=True)
    entry_programme = models.CharField(_("programme"), max_length=200, blank=True)
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1)
    matched_party_name = models.CharField(_("party name matched"), max_length=300)
    matched_entry_name = models.CharField(_("listed name matched"), max_length=300)
    status = models.CharField(_("status"), max_length=16, choices=MatchStatus.choices, default=MatchStatus.OPEN)
    #: Hash of the party's names and the entry's fingerprint when last screened; a change reopens a clearance.
    basis = models.CharField(max_length=64, verbose_name=_("matched on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["party", "entry"], name="parties_match_party_entry_unique")]
        indexes = [models.Index(fields=["enterprise", "status"], name="parties_match_status_idx")]
        verbose_name = _("screening match")
        verbose_name_plural = _("screening matches")

    def __str__(self) -> str:
        return f"{self.matched_party_name} ~ {self.entry_name} ({self.score})"
