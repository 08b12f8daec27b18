"""The sign-in and sign-out pages of a node: Django's own views, with the apps' look.

One sign-in page serves the apps and the browsable API (DRF links to it as
`rest_framework:login`). Signing out is a POST (Django's LogoutView), with the CSRF token.
"""

from __future__ import annotations

from django.contrib.auth import views

from ..conf import dd_settings

__all__ = ["SignInView", "SignOutView"]


class SignInView(views.LoginView):
    """`/accounts/login/`: the username and password form; a signed-in user is sent on to `next`."""

    template_name = "distributed_core/sign_in.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        """The form's context, plus the node's name for the heading."""
        return {**super().get_context_data(**kwargs), "node": dd_settings.node_name}


class SignOutView(views.LogoutView):
    """`/accounts/logout/` (POST): ends the session, then back to the app."""
