"""Service credentials: the shared secrets nodes present to each other's gateways and hubs.

A caller sends `Authorization: Bearer <token>` (or `?access_token=<token>`, which is how the
SignalR clients pass a token on WebSockets). A node configured with `DD_SERVICE_TOKENS`
accepts only those; a node without any runs open (the embedded default) and says so. A
credential `name:token` names its holder (`credential_name`), e.g. to tell listeners apart.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from rest_framework import authentication, exceptions, permissions

from ..conf import dd_settings

__all__ = [
    "HasServiceCredential",
    "ServiceCredentialChallenge",
    "check_credential",
    "credential_from",
    "credential_name",
]


def credential_from(headers: Mapping[str, str], query: Mapping[str, str]) -> str:
    """The credential a caller presents: the Bearer token, else the `access_token` query parameter, else ''."""
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return query.get("access_token", "")


def credential_name(credential: str) -> str:
    """The holder's name in a `name:token` credential; '' for a credential without one."""
    name, separator, _ = credential.partition(":")
    return name.strip() if separator else ""


def check_credential(supplied: str) -> str | None:
    """None when `supplied` is acceptable, else the reason it is not."""
    tokens = dd_settings.service_tokens
    if not tokens:
        return None
    if not supplied:
        return "A service credential is required"
    if any(hmac.compare_digest(supplied.encode(), token.encode()) for token in tokens):
        return None
    return "The service credential is not valid"


class HasServiceCredential(permissions.BasePermission):
    """DRF permission for gateway routes: a valid service credential, when the node requires one."""

    def has_permission(self, request, view) -> bool:
        """Let a valid (or unneeded) credential through; 401 without one, 403 with a wrong one."""
        supplied = credential_from({"authorization": request.headers.get("Authorization", "")}, request.query_params)
        reason = check_credential(supplied)
        if reason is None:
            return True
        if not supplied:
            raise exceptions.NotAuthenticated(reason)
        raise exceptions.PermissionDenied(reason)


class ServiceCredentialChallenge(authentication.BaseAuthentication):
    """Authenticates no user; it makes a missing credential a 401 with a Bearer challenge (not a 403)."""

    def authenticate(self, request):
        """Never authenticates anyone: checking the credential is the permission's job."""
        return None

    def authenticate_header(self, request) -> str:
        """The Bearer challenge that makes DRF answer a missing credential with 401."""
        return 'Bearer realm="gateway"'
