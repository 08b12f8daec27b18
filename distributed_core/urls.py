"""The URLconf every node shares, around the node's router: its API, users, hub negotiation, health, admin, OpenAPI.

A node's `urls.py` registers each viewset once on a `WireRouter` and serves it with these:

    router = WireRouter()
    router.register("api/invoice", InvoiceViewSet)
    urlpatterns = [*node_urls(router), path("", invoices_app, name="invoices-app")]

It lives at the top of the core because it joins the layers (api, auth, events, serving):
none of them imports another's URLs.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, path, re_path
from drf_spectacular.views import SpectacularAPIView

from .api.routers import WireRouter
from .api.swagger import SwaggerView
from .auth.urls import auth_urls
from .events.hubs.negotiate import negotiate
from .events.status import events_status, hub_head
from .observability.metrics import metrics_view
from .serving.health import health, ready

__all__ = ["node_urls"]


def node_urls(router: WireRouter) -> list[URLPattern | URLResolver]:
    """The router's routes first (its wire routes are case-insensitive and must win), then the rest."""
    return [
        *router.urls,
        *auth_urls(),
        path("events/status", events_status, name="events-status"),
        re_path(r"^metrics/?$", metrics_view, name="metrics"),
        re_path(r"^events/(?P<hub>[\w-]+)/negotiate/?$", negotiate, name="events-negotiate"),
        re_path(r"^events/(?P<hub>[\w-]+)/head/?$", hub_head, name="events-head"),
        re_path(r"^health/?$", health, name="health"),
        re_path(r"^ready/?$", ready, name="ready"),
        path("admin/", admin.site.urls),
        path("schema/", SpectacularAPIView.as_view(), name="schema"),
        path("swagger/", SwaggerView.as_view(url_name="schema"), name="swagger"),
    ]
