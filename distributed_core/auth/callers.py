"""Who calls, outside DRF's views (hubs, negotiate, `/events/status`): one rule, `check_caller`.

A caller may go on when it presents a valid service credential (a node), or is a user, signed in
with a session or sending `Authorization: Token <key>`, who holds the permission asked for, or
when the node is open (`DD_ALLOW_ANONYMOUS`). A user's API token may also come where a SignalR
client's `accessTokenFactory` puts it (`Authorization: Bearer <key>` on negotiate, `?access_token=<key>`
on the WebSocket): a presented credential that is not `<caller>:<secret>` is taken for one. Either
way it is checked by its hash (`tokens`). A wrong credential or token is refused even on an open
node. A refusal is `Refused(reason, status)`: 401 when nobody is identified, 403 otherwise.
`protected(permission)` applies the rule to a plain Django view, answering JSON.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from ..conf import dd_settings
from .credentials import credential_from, identify

__all__ = ["Refused", "check_caller", "protected", "token_key", "token_user"]


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


def token_user(key: str) -> Any:
    """The user of the API token `key` now; Refused (401) with the reason when it is not valid (unknown, expired,
    its account disabled). Hub admission and its later checks resolve tokens here, and only here."""
    from rest_framework.exceptions import AuthenticationFailed

    from .tokens import ExpiringTokenAuthentication

    try:
        return ExpiringTokenAuthentication().authenticate_credentials(key)[0]
    except AuthenticationFailed as error:
        raise Refused(str(error.detail), 401) from error


def check_caller(permission: str, credential: str = "", user: Any = None, key: str = "") -> str:
    """Who the caller is (for the log) when it may go on; `Refused` otherwise. Reads the database."""
    if credential:
        caller = identify(credential)
        if caller is not None:
            return f"service {caller.caller} (credential {caller.number} of {caller.of})"
        if ":" in credential:  # the form of a service credential: `<caller>:<secret>`
            raise Refused("The service credential is not valid")
        key = credential  # a user's API token, as SignalR clients send one (Bearer, ?access_token=)
    if key:
        user = token_user(key)
    if user is not None and user.is_authenticated:
        if dd_settings.allow_anonymous or user.has_perm(permission):
            return f"user {user.get_username()}"
        raise Refused(f"{user.get_username()} may not do this: it needs the {permission} permission")
    if dd_settings.allow_anonymous:
        return "anonymous (open node)"
    raise Refused("Sign in, send an API token, or present a service credential", 401)


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
