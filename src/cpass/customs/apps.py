from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomsConfig(AppConfig):
    name = "cpass.customs"
    label = "customs"
    verbose_name = _("Customs declarations and duties")

    def ready(self) -> None:
        from cpass.audit import registry
        from cpass.customs.itemsheet import importers  # noqa: F401 - registers the "declaration_items" importer
        from cpass.customs.models import (
            CustomsConnection,
            Declaration,
            DeclarationDocument,
            DeclarationItem,
            GatewayReceipt,
            RevisionRequest,
        )

        # Events and submissions are append-only records of their own; receipts are logged as they change state.
        for model in (
            Declaration,
            DeclarationItem,
            DeclarationDocument,
            GatewayReceipt,
            CustomsConnection,
            RevisionRequest,
        ):
            registry.register(model)
