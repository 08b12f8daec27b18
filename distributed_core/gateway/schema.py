"""Tell drf-spectacular how gateway routes authenticate: a bearer service credential (when required)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from ..auth.credentials import gateway_open


class ServiceCredentialScheme(OpenApiAuthenticationExtension):
    """Documents `ServiceCredentialAuthentication` as HTTP bearer authentication."""

    target_class = "distributed_core.auth.credentials.ServiceCredentialAuthentication"
    name = "serviceCredential"

    def get_security_definition(self, auto_schema):
        """HTTP bearer authentication with a token from SERVICE_TOKENS."""
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A service credential, `<caller>:<secret>` as in the node's SERVICE_TOKENS",
        }

    def get_security_requirement(self, auto_schema):
        """The credential; optional (`{}`) when the gateway is open (an open node without SERVICE_TOKENS)."""
        required = {self.name: []}
        return [required, {}] if gateway_open() else required
