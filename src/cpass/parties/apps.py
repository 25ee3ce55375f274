from django.apps import AppConfig


def _rescreen_after_list_load(kind: str) -> None:
    """Called once a restricted-party list import has committed: queue the re-screen of every party."""
    from cpass.parties.tasks import parties_rescreen_all_task

    parties_rescreen_all_task()


class PartiesConfig(AppConfig):
    name = "cpass.parties"
    label = "parties"
    verbose_name = "Parties"

    def ready(self) -> None:
        from cpass.audit import registry
        from cpass.imports.framework import on_committed
        from cpass.parties import importers  # noqa: F401  (registers the "restricted-parties" importer)
        from cpass.parties.choices import PartyRole
        from cpass.parties.models import Party, RestrictedList, ScreeningMatch

        # screened_at moves on every re-screen; the status it leads to is what the log keeps.
        registry.register(Party, exclude=["screened_at"], item_labels={"roles": PartyRole.choices})
        registry.register(ScreeningMatch)
        registry.register(RestrictedList, tenant=None)
        on_committed({"restricted-parties"}, _rescreen_after_list_load)
