"""Sign-in failure limits: django-axes counts failures, and past a limit every attempt is a 429.

Every `authenticate()` goes through axes (`AxesStandaloneBackend`, first of
AUTHENTICATION_BACKENDS): the token route, each node's sign-in page and the admin's. axes counts
the failures of a username and of a client address in Django's cache (Redis when `REDIS_URL` is
set, so every worker and host of a node counts together), each count kept for `AXES_COOLOFF_TIME`
after its last failure. Once a username has `DD_SIGN_IN_USERNAME_FAILURES` failures, or an
address `DD_SIGN_IN_ADDRESS_FAILURES`, every attempt for it is refused before its password is
checked, the right one too, with a 429 and `Retry-After`, and counted, until the cool-off passes
or an operator resets the count (`manage.py axes_reset_username <name>`, `axes_reset_ip <addr>`).

This module holds what axes calls by the settings: `failure_limit` (AXES_FAILURE_LIMIT),
`client_address` (AXES_CLIENT_IP_CALLABLE), `lockout_response` (AXES_LOCKOUT_CALLABLE) and
`describe_client` (AXES_CLIENT_STR_CALLABLE).
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cache, get_cache_timeout, get_client_ip_address, get_client_username, make_cache_key_list
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from ..conf import dd_settings

__all__ = [
    "LOCKED_OUT",
    "client_address",
    "describe_client",
    "failure_counts",
    "failure_limit",
    "lockout_response",
    "retry_after",
]

LOCKED_OUT = "Too many failed sign-ins for this username or from this address: try again after Retry-After seconds"


def failure_counts(request: HttpRequest, credentials: dict | None = None) -> tuple[int, int]:
    """The failures counted now for the request's username and for its client address (axes' cache keys)."""
    username = get_client_username(request, credentials)
    keys = make_cache_key_list([{"username": username}, {"ip_address": get_client_ip_address(request)}])
    found = get_cache().get_many(keys)
    return found.get(keys[0], 0), found.get(keys[1], 0)


def failure_limit(request: HttpRequest, credentials: dict | None = None) -> int:
    """AXES_FAILURE_LIMIT: two limits, one per username and one per address, as the one limit axes takes.

    axes locks out when the higher of a request's counts (its username's, its address's) reaches
    the limit. So the limit is the username's when that count has reached it, else the address's
    when that count has; else the limit of the higher count, which it has not reached (axes' log
    then reads "Count = 4 of 5" for a username, "Count = 12 of 20" for an address).
    """
    per_username, per_address = dd_settings.sign_in_username_failures, dd_settings.sign_in_address_failures
    username_failures, address_failures = failure_counts(request, credentials)
    if username_failures >= per_username:
        return per_username
    if address_failures >= per_address:
        return per_address
    return per_username if username_failures >= address_failures else per_address


def client_address(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: `REMOTE_ADDR`; behind `DD_TRUSTED_PROXIES` proxies, the client they forward for.

    Each proxy appends the address it was called from to `X-Forwarded-For` (nginx's
    `$proxy_add_x_forwarded_for`), so the client's address is that many entries from the right;
    whatever is left of it the client may have written itself. Without the setting the header
    is ignored: anyone can send one.
    """
    proxies = dd_settings.trusted_proxies
    remote = request.META.get("REMOTE_ADDR")
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


def describe_client(username: Any, ip_address: Any, user_agent: Any, path_info: Any, request: Any = None) -> str:
    """AXES_CLIENT_STR_CALLABLE: who failed to sign in, for axes' log; quoted, so a newline in it stays one line."""
    if isinstance(path_info, list | tuple):
        path_info = path_info[0] if path_info else ""
    return f"username {username!r} from {ip_address} at {path_info!r}"


def retry_after(request: HttpRequest | None = None) -> int:
    """Seconds until a locked-out client may try again: the cool-off, which the refused attempt restarted."""
    return get_cache_timeout(request) or 0


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a 429 with `Retry-After`; JSON for the API, the sign-in page's look for a page."""
    seconds = retry_after(request)
    if request.path.startswith("/api/"):
        response = JsonResponse(LOCKED_OUT, status=429, safe=False)
    else:
        context = {"node": dd_settings.node_name, "minutes": max(1, round(seconds / 60))}
        response = render(request, "distributed_core/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
