"""API tokens: DRF's token authentication, with tokens that expire after `DD_AUTH_TOKEN_LIFETIME`.

A client sends `Authorization: Token <key>`, a key from `POST /api/auth/token/` (`token_view`).
A token is valid for `DD_AUTH_TOKEN_LIFETIME` seconds after it was issued (0: until revoked);
an unknown or expired token, or one of a disabled account, is refused with a 401.

This module is imported by DRF's settings (DEFAULT_AUTHENTICATION_CLASSES): it imports no view.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from ..conf import dd_settings

__all__ = ["ExpiringTokenAuthentication", "expired", "issue_token"]


def expired(token: Any) -> bool:
    """Whether `token` is older than `DD_AUTH_TOKEN_LIFETIME` (never, when that is 0)."""
    lifetime = dd_settings.auth_token_lifetime
    return lifetime > 0 and token.created + timedelta(seconds=lifetime) <= timezone.now()


def issue_token(user: Any) -> Any:
    """`user`'s token (DRF's Token): the current one while it is valid, else a new one."""
    from rest_framework.authtoken.models import Token

    token, created = Token.objects.get_or_create(user=user)
    if not created and expired(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`: a known, unexpired token of an active user, else 401."""

    def authenticate_credentials(self, key: str):
        """(user, token) for a valid key; AuthenticationFailed (401) with the reason otherwise."""
        token = self.get_model().objects.select_related("user").filter(key=key).first()
        if token is None:
            raise exceptions.AuthenticationFailed("The token is not valid: ask POST /api/auth/token/ for one")
        if expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed("The token has expired: ask POST /api/auth/token/ for a new one")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("This account is disabled")
        return token.user, token
