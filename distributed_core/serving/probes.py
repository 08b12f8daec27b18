"""Probes answered before anything checks the request: `/health/` and `/ready/` for any Host, over plain HTTP.

A balancer or an orchestrator asks each instance directly, by its own address (`Host:
10.0.3.7:8000`) and without TLS, while a deployed node allows only its public names
(`ALLOWED_HOSTS`) and redirects plain HTTP to HTTPS (`SECURE_SSL_REDIRECT`): behind those
checks a probe would get a 400 or a 301, never the 200 it waits for. So this middleware comes
right after `JsonErrorsMiddleware` (which checks nothing) in `MIDDLEWARE`, ahead of
`SecurityMiddleware` and `CommonMiddleware`, and answers the two probe paths itself, as Sentry's
health middleware does; every other request goes on through the usual checks. The answers show
no data.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .health import health, ready

__all__ = ["ProbesMiddleware"]

PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/health/": health,
    "/health": health,
    "/ready/": ready,
    "/ready": ready,
}


class ProbesMiddleware:
    """Answers `/health/` and `/ready/` ahead of the Host check and the HTTPS redirect; passes on the rest."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        return probe(request) if probe is not None else self.get_response(request)
