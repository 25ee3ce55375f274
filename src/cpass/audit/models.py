"""The change log of tenant data and the access log of every request."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")


class ObjectChange(models.Model):
    """One change to one audited row (变更记录): who, when, what (before/after), in which request.

    `enterprise` is the tenant that owns the changed row (None for platform-wide rows such
    as a user's own account); `actor_enterprise` is the enterprise the person acted from,
    which differs when a partner works on a client's data.

    The foreign keys have no database constraint (docs/decisions/0002-change-log-without-foreign-key-constraints.md):
    the log is append-only history written from rows that exist, and Django still applies SET_NULL and PROTECT.
    """

    time = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", db_constraint=False
    )
    user_repr = models.CharField(max_length=300, blank=True)
    enterprise = models.ForeignKey(
        "organizations.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,  # the first column of audit_change_enterprise_idx
    )
    actor_enterprise = models.ForeignKey(
        "organizations.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    request_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=8, choices=ChangeAction.choices)
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,  # the first column of audit_change_object_idx
    )
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-time"], name="audit_change_object_idx"),
            models.Index(fields=["enterprise", "-time"], name="audit_change_enterprise_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"


class AccessLog(models.Model):
    """One HTTP request (访问日志): the "automatic information" the privacy policy describes.

    Kept for CPASS_ACCESS_LOG_RETENTION_DAYS, then purged by a scheduled job.
    """

    time = models.DateTimeField(db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    enterprise_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    browser = models.CharField(max_length=64, blank=True)
    operating_system = models.CharField(max_length=64, blank=True)
    device = models.CharField(max_length=64, blank=True)
    duration_ms = models.PositiveIntegerField()
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-time"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"
