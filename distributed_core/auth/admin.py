"""Admin of API tokens: every user's, listed without their keys; deleting one revokes it."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model

from .models import ApiToken

__all__ = ["ApiTokenAdmin"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Lists tokens (user, device, issued, expiry) and revokes them; tokens are issued by signing in, not here."""

    list_display = ("id", "user", "device", "created", "expiry")
    list_filter = ("created", "expiry")
    search_fields = (f"user__{get_user_model().USERNAME_FIELD}", "device")
    fields = ("user", "device", "created", "expiry")
    readonly_fields = fields
    list_per_page = 50

    def has_add_permission(self, request) -> bool:
        """No one adds a token here: a client signs in (`POST /api/auth/token/`) and gets its key once."""
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        """A token is not edited: revoke it (delete) and sign in again."""
        return False
