from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _forget_codes(sender: type, **kwargs: Any) -> None:
    """Cache invalidation (STYLE rule 5): any save or delete of a code row empties the lookup cache."""
    from cpass.reference.selectors import codes_changed

    codes_changed()


class ReferenceConfig(AppConfig):
    name = "cpass.reference"
    label = "reference"
    verbose_name = "Code tables"

    def ready(self) -> None:
        from cpass.audit import registry
        from cpass.reference import importers  # noqa: F401  (registers the `codes` importer)
        from cpass.reference.models import CodeEntry, CodeTable

        registry.register(CodeTable, tenant=None)
        registry.register(CodeEntry, tenant=None)
        for model in (CodeTable, CodeEntry):
            post_save.connect(_forget_codes, sender=model, dispatch_uid=f"reference-forget-{model.__name__}-save")
            post_delete.connect(_forget_codes, sender=model, dispatch_uid=f"reference-forget-{model.__name__}-delete")
