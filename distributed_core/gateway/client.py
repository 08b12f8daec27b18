"""The client side of a gateway: typed calls to a remote node over `requests`.

`GatewayClient.call(route, ...)` calls a route of the remote gateway as its contract declares it
(the same `Route` the remote node serves): method and path come from the declaration. It sends
the service credential on every call, bounds every call with connect and read timeouts, and
turns every way a call can fail into the exception tree:

    remote down, timeout, 5xx, unreadable JSON   -> GatewayUnavailable
    401/403 (credential refused), other 4xx      -> GatewayError with the remote's message
    404                                           -> NotFound
    204, or 404 of a route that may answer none  -> None
"""

from __future__ import annotations

import json
from typing import Any

import requests

from ..api.routes import Returns, Route
from ..exceptions import GatewayError, GatewayUnavailable, NotFound

__all__ = ["GatewayClient"]


class GatewayClient:
    """Base of typed gateway clients (e.g. `contracts.workflows.WorkflowsGateway`)."""

    node_name = "remote"

    def __init__(
        self,
        base_url: str,
        token: str = "",
        timeout: tuple[float, float] = (2.0, 10.0),
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.session = session or requests.Session()

    def call(self, route: Route, body: Any = None, **arguments: Any) -> Any:
        """Call `route` (its path filled with `arguments`) and return its decoded JSON answer."""
        method, url = route.method, f"{self.base_url}/{route.url(**arguments)}"
        none_if_missing = route.returns is Returns.ENTITY_OR_NONE
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self.session.request(method, url, json=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as error:
            raise GatewayUnavailable(
                f"The {self.node_name} node cannot be reached at {self.base_url}: {error}"
            ) from error
        if response.status_code == 204 or (response.status_code == 404 and none_if_missing):
            return None
        payload = self._decode(response)
        if response.status_code >= 500:
            raise GatewayUnavailable(f"The {self.node_name} node failed ({response.status_code}): {_text(payload)}")
        if response.status_code == 404:
            raise NotFound(_text(payload))
        if response.status_code in (401, 403):
            raise GatewayError(f"The {self.node_name} node refused the service credential: {_text(payload)}")
        if response.status_code >= 400:
            raise GatewayError(_text(payload))
        return payload

    def _decode(self, response: requests.Response) -> Any:
        try:
            return response.json()
        except (ValueError, RecursionError) as error:  # not JSON, or JSON nested past what Python decodes
            raise GatewayUnavailable(
                f"The {self.node_name} node answered {response.status_code} with something that is not JSON"
            ) from error


def _text(payload: Any) -> str:
    if isinstance(payload, str):
        return payload
    if isinstance(payload, dict) and "message" in payload:
        return str(payload["message"])
    return json.dumps(payload)
