"""The server side of a gateway: credential-checked routes, and `GET /gateway/` with the node's id.

A node's gateway is a `GatewayViewSet` subclass serving the routes its contract declares (the
contract's path table, shared with the typed client that calls them); mixing in
`QueryCommandMixin` gives it the node's own Query and Command.
"""

from __future__ import annotations

from rest_framework.request import Request

from ..api.routes import Returns, route
from ..api.viewsets import WireViewSet
from ..conf import dd_settings
from .credentials import HasServiceCredential, ServiceCredentialChallenge

__all__ = ["GATEWAY_ID", "GatewayViewSet"]

GATEWAY_ID = route.get("", returns=Returns.TEXT)  # every gateway's root: the node's gateway id


class GatewayViewSet(WireViewSet):
    """Requires a service credential (when the node has any) and answers the gateway id."""

    permission_classes = [HasServiceCredential]
    authentication_classes = [ServiceCredentialChallenge]

    @GATEWAY_ID
    def gateway_id(self, request: Request) -> str:
        """`GET /gateway/`: this node's gateway id."""
        return dd_settings.gateway_id
