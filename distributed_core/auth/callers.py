"""Who calls, outside DRF's views (hubs, negotiate, `/events/status`): one rule, `check_caller`.

A caller may go on when it presents a valid service credential (a node), or is a user, signed in
with a session or sending `Authorization: Token <key>`, who holds the permission asked for, or
when the node is open (`DD_ALLOW_ANONYMOUS`). A wrong credential or token is refused even on an
open node. A refusal is `Refused(reason, status)`: 401 when nobody is identified, 403 otherwise.
`protected(permission)` applies the rule to a plain Django view, answering JSON.

What admitted a caller can be withdrawn later (a token revoked, a user disabled or deleted, a
session ended, a permission removed, a service credential rotated out): `Access` keeps what the
caller presented, and `check_access` applies the same rule again to what is true now.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from ..conf import dd_settings
from .credentials import credential_from, identify

__all__ = ["Access", "Refused", "check_access", "check_caller", "protected", "session_user", "token_key"]


class Refused(Exception):
    """A caller the rules refuse: `status` (401: nobody identified, 403: not allowed, 400, 404) and the reason."""

    def __init__(self, reason: str, status: int = 403) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def token_key(authorization: str) -> str:
    """The key of `Authorization: Token <key>`, else ''."""
    scheme, _, key = authorization.partition(" ")
    return key.strip() if scheme.lower() == "token" else ""


def check_caller(permission: str, credential: str = "", user: Any = None, key: str = "") -> str:
    """Who the caller is (for the log) when it may go on; `Refused` otherwise. Reads the database."""
    if credential:
        caller = identify(credential)
        if caller is None:
            raise Refused("The service credential is not valid")
        return f"service {caller.caller} (credential {caller.number} of {caller.of})"
    if key:
        from rest_framework.exceptions import AuthenticationFailed

        from .tokens import ExpiringTokenAuthentication

        try:
            user, _ = ExpiringTokenAuthentication().authenticate_credentials(key)
        except AuthenticationFailed as error:
            raise Refused(str(error.detail), 401) from error
    if user is not None and user.is_authenticated:
        if dd_settings.allow_anonymous or user.has_perm(permission):
            return f"user {user.get_username()}"
        raise Refused(f"{user.get_username()} may not do this: it needs the {permission} permission")
    if dd_settings.allow_anonymous:
        return "anonymous (open node)"
    raise Refused("Sign in, send an API token, or present a service credential", 401)


@dataclass(frozen=True)
class Access:
    """What admitted a caller, kept to check it again: the permission asked for, and the service credential,
    API token key and session key the caller presented ('' for each it did not)."""

    permission: str
    credential: str = ""
    key: str = ""
    session_key: str = ""

    def __repr__(self) -> str:  # never a secret, whoever prints it
        kinds = [name for name in ("credential", "key", "session_key") if getattr(self, name)]
        return f"Access({self.permission!r}, {'+'.join(kinds) or 'anonymous'})"


def session_user(session_key: str) -> Any:
    """The user signed in with the session `session_key` now, else AnonymousUser.

    Django's own `get_user` on a fresh copy of the session: an ended (logged out, expired,
    deleted) session, a user disabled or deleted, or a password changed since sign-in all give
    AnonymousUser, as they would for the next request.
    """
    from django.contrib.auth import get_user

    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return get_user(request)


def check_access(access: Access) -> str:
    """`check_caller` again for what admitted a caller, with what is true now; `Refused` once it is withdrawn.

    The credential is matched against today's SERVICE_TOKENS, the token is looked up again, and
    the session's user is loaded afresh, with its permissions. Reads the database.
    """
    user = session_user(access.session_key) if access.session_key else None
    if access.session_key and not access.key and not access.credential and not user.is_authenticated:
        if not dd_settings.allow_anonymous:
            raise Refused("The session has ended", 401)
    return check_caller(access.permission, access.credential, user, access.key)


def protected(permission: str) -> Callable:
    """Decorate a plain Django view so that only callers `check_caller(permission)` admits reach it (JSON refusals)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            authorization = request.headers.get("Authorization", "")
            try:
                check_caller(
                    permission,
                    credential_from({"authorization": authorization}),  # a plain HTTP view: no ?access_token=
                    getattr(request, "user", None),
                    token_key(authorization),
                )
            except Refused as refusal:
                return JsonResponse(refusal.reason, status=refusal.status, safe=False)
            return view(request, *args, **kwargs)

        return checked

    return decorate
