from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cpass.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from cpass.core import lookups

        lookups.register()
