"""ApiToken: a user's API token, stored as a hash (django-rest-knox's `AbstractAuthToken`), one per device.

The key a client sends (`Authorization: Token <key>`) is shown once, when it is issued; the table
keeps its SHA-512 digest and the first characters knox looks it up by, so a copy of the database
holds no usable credential. Each token has an expiry (`DD_AUTH_TOKEN_LIFETIME` after it was
issued) and the device it was issued to; a user holds as many as they sign in from.
`KNOX_TOKEN_MODEL = "distributed_auth.ApiToken"` makes knox use this model.
"""

from __future__ import annotations

from django.db import models
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS

__all__ = ["ApiToken"]


class ApiToken(AbstractAuthToken):
    """An API token: its digest (never the key), its user, when it was issued and expires, and its device."""

    # knox keys its own model by the digest; an id names a token in lists, URLs and the admin instead
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    device = models.CharField(
        max_length=200, blank=True, help_text="What the token was issued to: the client's name, else its User-Agent"
    )

    class Meta:
        verbose_name = "API token"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"token {self.pk} of {self.user}" + (f" ({self.device})" if self.device else "")
