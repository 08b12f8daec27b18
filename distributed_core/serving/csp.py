"""The Content-Security-Policy of every answer (django-csp), with the nodes this node's apps call.

`CONTENT_SECURITY_POLICY` (base settings) says `default-src 'self'`, `frame-ancestors 'none'` and
the rest; this middleware adds to `connect-src` each gateway of `DD_GATEWAYS` and its WebSocket
form (`http://host:port` and `ws://host:port`, `https` and `wss`): the Proposals app reads the
workflows node's hub. It is the first middleware, so the answers the others make (the JSON
errors, a 404, a refused Host, a 429) carry it too; unlike django-csp's own, it leaves out only
Django's debug pages (HTML 404 and 500 with DEBUG on), not every 404 and 500. A view that needs
more decorates itself with django-csp's `csp_update` / `csp_replace`.

The header is the same for every answer of a process unless a view changes it, so it is built
once (and again when a setting it reads changes).
"""

from __future__ import annotations

import functools
from dataclasses import asdict
from urllib.parse import urlsplit

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

from ..conf import dd_settings

__all__ = ["ContentSecurityPolicyMiddleware", "gateway_sources"]

WEBSOCKET_SCHEMES = {"http": "ws", "https": "wss"}


def gateway_sources() -> list[str]:
    """The origins of the gateways this node calls (`DD_GATEWAYS`), each with its WebSocket form."""
    sources: list[str] = []
    for gateway in dd_settings.gateways.values():
        parts = urlsplit(gateway.get("url", ""))
        if parts.scheme in WEBSOCKET_SCHEMES and parts.netloc:
            sources += [f"{parts.scheme}://{parts.netloc}", f"{WEBSOCKET_SCHEMES[parts.scheme]}://{parts.netloc}"]
    return sources


@functools.cache
def _usual_policy() -> str:
    """The header of an answer no view changed: the settings' policy plus the gateways."""
    return build_policy(update={"connect-src": gateway_sources()})


@receiver(setting_changed)
def _settings_changed(setting: str, **kwargs) -> None:
    if setting in ("CONTENT_SECURITY_POLICY", "DD_GATEWAYS"):
        _usual_policy.cache_clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the gateways in `connect-src`, on every answer but Django's debug pages."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        """django-csp's parts of this answer's policy, `connect-src` updated with the gateways."""
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only:
            update = dict(parts.update or {})
            update["connect-src"] = [*update.get("connect-src", []), *gateway_sources()]
            parts.update = update
        return parts

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        """Set the header on every answer but Django's debug pages: the usual one as built once, else django-csp's."""
        if _debug_page(response):
            return response  # its inline styles and scripts must run
        if _usual(request, response):
            if HEADER not in response:
                response[HEADER] = _usual_policy()
            # as django-csp does: a nonce asked for after the header is written would be in no policy
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
            return response
        if settings.DEBUG and response.status_code in (404, 500) and HEADER not in response:
            # django-csp leaves every 404 and 500 alone in DEBUG, for the debug pages; the node's own JSON ones too
            if not getattr(response, "_csp_exempt", False):
                response[HEADER] = build_policy(**asdict(self.get_policy_parts(request, response)))
        return super().process_response(request, response)


def _usual(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether the answer takes the usual header: no view changed it, no nonce, no report-only or excluded path."""
    changed = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt", "_csp_exempt_ro")
    return (
        not any(getattr(response, name, None) for name in changed)
        and getattr(request, "_csp_nonce", None) is None
        and not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        and not (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("EXCLUDE_URL_PREFIXES")
    )


def _debug_page(response: HttpResponseBase) -> bool:
    """Whether `response` is one of Django's debug pages (DEBUG on, a 404 or 500 in HTML): left without a policy."""
    return settings.DEBUG and response.status_code in (404, 500) and "text/html" in response.get("Content-Type", "")
