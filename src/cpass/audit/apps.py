from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "cpass.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        """Register the audited models; their saves and deletes are captured from here on."""
        from cpass.accounts.models import ApiToken, User  # noqa: PLC0415 -- models load before ready()
        from cpass.audit import registry  # noqa: PLC0415
        from cpass.documents.models import Document  # noqa: PLC0415
        from cpass.organizations.models import Enterprise, Invitation, Membership, PartnerGrant  # noqa: PLC0415

        registry.register(User, exclude=("password", "last_login"), tenant=None)
        registry.register(ApiToken, exclude=("token_hash", "last_used_at"), tenant=None)
        registry.register(Enterprise, tenant="pk")
        registry.register(Membership, tenant="enterprise")
        registry.register(Invitation, exclude=("token_hash",), tenant="enterprise")
        registry.register(PartnerGrant, tenant="grantor")
        registry.register(Document)
