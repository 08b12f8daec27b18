"""System checks: `check --deploy` refuses a node whose gateway and hubs run open.

(The embedded default may run open; the ASGI app logs a warning when it does.)
"""

from __future__ import annotations

from django.core import checks

from .conf import dd_settings


@checks.register(checks.Tags.security, deploy=True)
def gateway_credentials_deploy(app_configs, **kwargs):
    """`check --deploy`: an error when SERVICE_TOKENS is empty (gateway and hubs open)."""
    if dd_settings.service_tokens:
        return []
    return [
        checks.Error(
            "A deployed node must require a service credential on its gateway and hubs.",
            hint="Set SERVICE_TOKENS to a comma-separated list of secrets.",
            id="distributed_core.E001",
        )
    ]
