from django.apps import AppConfig


class DistributedCoreConfig(AppConfig):
    """The distributed_core app: the event log and listener models, their admin, `listen` and `prune_events`."""

    name = "distributed_core"
    verbose_name = "Distributed core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the checks, error logging and OpenAPI extensions; mask credentials; set up tracing and metrics."""
        from . import checks  # noqa: F401  (registers the system checks)
        from .api import (
            errors,  # noqa: F401  (logs an unhandled error with the id of its JSON 500)
            schema,  # noqa: F401  (registers the OpenAPI extension of entity serializers)
        )
        from .conf import dd_settings
        from .gateway import schema as gateway_schema  # noqa: F401  (documents the service credential in OpenAPI)
        from .observability.metrics import count_refused_sign_ins
        from .observability.tracing import setup_tracing
        from .redaction import install_log_redaction

        install_log_redaction()
        setup_tracing(dd_settings.node_name)  # every request starts or continues a trace; gateway calls carry it
        count_refused_sign_ins()
