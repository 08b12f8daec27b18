"""The server side of a gateway: credential-checked routes, and `GET /gateway/` with the node's id.

A node's gateway is a `GatewayViewSet` subclass serving the routes its contract declares (the
contract's path table, shared with the typed client that calls them); mixing in
`QueryCommandMixin` gives it the node's own Query and Command.
"""

from __future__ import annotations

from rest_framework.request import Request

from ..api.routes import Returns, route
from ..api.viewsets import WireViewSet
from ..auth.credentials import HasServiceCredential, ServiceCredentialAuthentication
from ..conf import dd_settings

__all__ = ["GATEWAY_ID", "GatewayViewSet"]

GATEWAY_ID = route.get("", returns=Returns.TEXT)  # every gateway's root: the node's gateway id


class GatewayViewSet(WireViewSet):
    """Requires a service credential (unless the gateway is open) and answers the gateway id.

    Its callers are nodes, never users: the route declarations' permissions do not apply here.
    """

    permission_classes = [HasServiceCredential]
    authentication_classes = [ServiceCredentialAuthentication]

    @GATEWAY_ID
    def gateway_id(self, request: Request) -> str:
        """`GET /gateway/`: this node's gateway id."""
        return dd_settings.gateway_id
