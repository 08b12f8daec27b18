"""API tokens: issued per device, stored as a hash (django-rest-knox), valid for `DD_AUTH_TOKEN_LIFETIME`.

A client sends `Authorization: Token <key>`, a key from `POST /api/auth/token/` (`token_view`).
Only the key's SHA-512 digest is stored (`models.ApiToken`); a token expires
`DD_AUTH_TOKEN_LIFETIME` seconds after it was issued (0: never); an unknown or expired token,
or one of a disabled account, is refused with a 401 that says which.

This module is imported by DRF's settings (DEFAULT_AUTHENTICATION_CLASSES): it imports no
model or view at import time.
"""

from __future__ import annotations

import binascii
import hmac
import re
from datetime import timedelta
from typing import Any

from django.utils import timezone
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from ..conf import dd_settings

__all__ = ["ExpiringTokenAuthentication", "expired", "issue_token", "token_model"]

KEY = re.compile(r"[\x21-\x7e]{1,256}")  # printable ASCII, no space
UNKNOWN = "The token is not valid: ask POST /api/auth/token/ for one"
EXPIRED = "The token has expired: ask POST /api/auth/token/ for a new one"
DISABLED = "This account is disabled"


def token_model() -> Any:
    """The ApiToken model (knox's swappable token model, `KNOX_TOKEN_MODEL`)."""
    from knox.models import get_token_model

    return get_token_model()


def expired(token: Any) -> bool:
    """Whether `token` has passed its expiry (never, for a token without one)."""
    return token.expiry is not None and token.expiry <= timezone.now()


def issue_token(user: Any, device: str = "") -> tuple[Any, str]:
    """A new token of `user` for `device`: (the stored ApiToken, the key to hand over once).

    The user's expired tokens go at the same time, so the table holds only live ones of
    whoever signs in.
    """
    model = token_model()
    model.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    lifetime = dd_settings.auth_token_lifetime
    expiry = timedelta(seconds=lifetime) if lifetime > 0 else None
    return model.objects.create(user=user, expiry=expiry, device=device[:200])


def find_token(key: str) -> Any | None:
    """The stored token whose digest is that of `key` (compared in constant time), else None.

    A key is printable ASCII (knox's are hex): anything else (a NUL from `?access_token=%00`, which
    PostgreSQL refuses in a query) names no token without asking the database.
    """
    if not KEY.fullmatch(key):
        return None
    try:
        digest = hash_token(key)
    except (TypeError, ValueError, binascii.Error):
        return None
    candidates = token_model().objects.select_related("user").filter(token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH])
    return next((token for token in candidates if hmac.compare_digest(token.digest, digest)), None)


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`: a known, unexpired token of an active user, else 401 with the reason.

    DRF's TokenAuthentication reads the header (keyword `Token`); the token is looked up by its
    hash in knox's way. An expired token is deleted when it is presented.
    """

    def authenticate_credentials(self, key: str):
        """(user, token) for a valid key; AuthenticationFailed (401) with the reason otherwise."""
        token = find_token(key)
        if token is None:
            raise exceptions.AuthenticationFailed(UNKNOWN)
        if expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(EXPIRED)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(DISABLED)
        return token.user, token
