from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "cpass.places"
    label = "places"

    def ready(self) -> None:
        from cpass.audit import registry
        from cpass.places import importers  # noqa: F401  (registers the "locode" importer)
        from cpass.places.models import Location

        registry.register(Location, tenant=None)
