"""The server side of a gateway: credential-checked routes and `GET /gateway/` with the node's id.

A node's gateway viewset mixes `GatewayMixin` into the viewset that already serves its entity,
so gateway routes reuse the same Query, Command and serializer under other route names.
"""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response

from ..api.routes import WireRoute
from ..conf import dd_settings
from .credentials import HasServiceCredential, ServiceCredentialChallenge

__all__ = ["GATEWAY_ID_ROUTE", "GatewayMixin"]

GATEWAY_ID_ROUTE = WireRoute("", "get", "gateway_id")


class GatewayMixin:
    """Requires a service credential (when the node has any) and answers the gateway id."""

    permission_classes = [HasServiceCredential]
    authentication_classes = [ServiceCredentialChallenge]

    def gateway_id(self, request: Request) -> Response:
        """`GET /gateway/`: this node's gateway id."""
        return Response(dd_settings.gateway_id)
