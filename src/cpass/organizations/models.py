"""Enterprises (tenants), their members, invitations and partner access grants."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cpass.core.models import TimeStampedModel, created_by_field
from cpass.core.modules import MODULES
from cpass.organizations.choices import Access, EnterpriseKind, InvitationStatus, Role


class Enterprise(TimeStampedModel):
    """A company on the platform and the unit of tenancy (租户): every business row belongs to one.

    Identified in China by its unified social credit code (统一社会信用代码) and, when it
    declares to customs, its 10-character customs registration code (海关编码).
    """

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("type"), max_length=32, choices=EnterpriseKind.choices)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    customs_code = models.CharField(_("customs registration code"), max_length=10, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    address = models.CharField(_("mailing address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    created_by = created_by_field()

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    """A user's place in an enterprise, with one role (see docs/permissions.md)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("enterprise")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["enterprise", "user"], name="organizations_membership_unique")]
        ordering = ["enterprise__name"]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class Invitation(TimeStampedModel):
    """An e-mailed, expiring, single-use invitation to join an enterprise with a role."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("enterprise")
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    status = models.CharField(
        max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING, verbose_name=_("status")
    )
    responded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("responded at"))
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responded by"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email


class PartnerGrant(TimeStampedModel):
    """Delegated access (委托授权): `grantor` lets `grantee`'s staff read or write one module of its data.

    Typically a trader grants its customs broker or 3PL access to its shipments. Revoking
    keeps the row (revoked_at) so the history stays auditable.
    """

    grantor = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="grants_given", verbose_name=_("grantor")
    )
    grantee = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="grants_received", verbose_name=_("grantee")
    )
    module = models.CharField(_("module"), max_length=32)
    access = models.CharField(_("access"), max_length=8, choices=Access.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("granted by")
    )
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        verbose_name = _("partner grant")
        verbose_name_plural = _("partner grants")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["grantor", "grantee", "module"],
                condition=Q(revoked_at__isnull=True),
                name="organizations_active_grant_unique",
            ),
            models.CheckConstraint(condition=~Q(grantor=models.F("grantee")), name="organizations_grant_not_self"),
        ]

    @property
    def module_label(self) -> str:
        module = MODULES.get(self.module)
        return str(module.label) if module else self.module

    def __str__(self) -> str:
        return f"{self.grantee} · {self.module} ({self.get_access_display()})"
