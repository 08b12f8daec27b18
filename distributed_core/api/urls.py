"""The URLconf every node shares: wire routes, DRF resource routes, users, hub negotiation, health, admin, OpenAPI."""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers
from rest_framework.permissions import AllowAny

from ..auth.urls import auth_urls
from ..events.negotiate import negotiate
from ..events.status import events_status
from ..serving.health import health, ready
from .json import CamelCaseJSONRenderer

__all__ = ["NodeRouter", "node_urls"]


class NodeRouter(routers.DefaultRouter):
    """DRF's DefaultRouter, whose API root (links to the resources, no data) anyone may open."""

    class APIRootView(routers.APIRootView):
        """The browsable API's front page: where a visitor finds the routes and the sign-in link."""

        permission_classes = [AllowAny]


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI, whose refusal (a closed node, nobody signed in) is JSON as every route's: its HTML renderer
    has no template for a message. Its start-up script is a file of its own (`?script`), not inline: the
    Content-Security-Policy runs no inline script (and its page's style is a file too)."""

    template_name = "distributed_core/swagger_ui.html"

    def handle_exception(self, exc: Exception):
        """Answer the refusal with the JSON renderer, whatever the page would have been rendered with."""
        self.request.accepted_renderer, self.request.accepted_media_type = CamelCaseJSONRenderer(), "application/json"
        return super().handle_exception(exc)


def node_urls(*wire_patterns: list[URLPattern], resources: dict[str, type]) -> list[URLPattern | URLResolver]:
    """Wire routes first (they are case-insensitive and must win), then the rest."""
    router = NodeRouter()
    for prefix, viewset in resources.items():
        router.register(prefix, viewset, basename=prefix)
    patterns: list[URLPattern | URLResolver] = [pattern for group in wire_patterns for pattern in group]
    patterns += auth_urls()
    patterns += [
        path("api/", include(router.urls)),
        path("events/status", events_status, name="events-status"),
        re_path(r"^events/(?P<hub>[\w-]+)/negotiate/?$", negotiate, name="events-negotiate"),
        re_path(r"^health/?$", health, name="health"),
        re_path(r"^ready/?$", ready, name="ready"),
        path("admin/", admin.site.urls),
        path("schema/", SpectacularAPIView.as_view(), name="schema"),
        path("swagger/", SwaggerView.as_view(url_name="schema"), name="swagger"),
    ]
    return patterns
