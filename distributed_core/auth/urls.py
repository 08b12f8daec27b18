"""The URLs of users: the sign-in pages (named as DRF's browsable API expects) and the token routes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path, re_path

from .pages import SignInView, SignOutView
from .token_list import OwnTokensView, OwnTokenView
from .token_view import TokenView

__all__ = ["auth_urls"]


def auth_urls() -> list[URLPattern | URLResolver]:
    """`accounts/login/`, `accounts/logout/` (`rest_framework:login` / `:logout`), `api/auth/token/` and `tokens/`."""
    pages = [path("login/", SignInView.as_view(), name="login"), path("logout/", SignOutView.as_view(), name="logout")]
    return [
        path("accounts/", include((pages, "rest_framework"))),
        re_path(r"^api/auth/token/?$", TokenView.as_view(), name="auth-token"),
        re_path(r"^api/auth/tokens/?$", OwnTokensView.as_view(), name="auth-tokens"),
        re_path(r"^api/auth/tokens/(?P<id>[0-9]+)/?$", OwnTokenView.as_view(), name="auth-token-revoke"),
    ]
