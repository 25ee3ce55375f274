"""Which version of the privacy policy each user accepted, when and from where."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PolicyAcceptance(models.Model):
    """A user's acceptance of one privacy-policy version (隐私政策同意记录)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_acceptances")
    version = models.CharField(max_length=32)
    accepted_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="privacy_acceptance_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} accepted {self.version}"
