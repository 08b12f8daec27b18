from django.apps import AppConfig


class DistributedCoreConfig(AppConfig):
    name = "distributed_core"
    verbose_name = "Distributed core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .gateway import schema  # noqa: F401  (documents the service credential in OpenAPI)
