"""One router for a node's API: the wire routes its viewsets declare, and DRF's resource routes beside them.

    router = WireRouter()
    router.register("api/invoice", InvoiceViewSet)  # /api/invoice/get, getFromId/<id>, ... and /api/invoice/<id>/
    router.register("gateway", InvoicesGatewayViewSet)  # /gateway/, /gateway/getInvoice/<id>, ...

As DRF's routers read the `@action`s of a viewset, `WireRouter` reads its `Route` declarations
(`get_wire_routes()`, the counterpart of `get_routes()`): one URL pattern per declared path,
matched in any case and with an optional trailing slash, named `<prefix>-<first segment>`
(`api-invoice-getFromId`, its alias `api-invoice-getById`; `<prefix>-root` for the prefix itself).
The handlers DRF's routes serve (`list`, `create`, `retrieve`, `update`, `destroy`, declared
with `route.resource(...)`) get DRF's own patterns, names (`invoice-list`, `invoice-detail`) and
`.json` format suffixes, and the API root at `api/` links the resources that have a list. A viewset
is registered once; the node's URLconf (`distributed_core.urls.node_urls`) serves the router.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path, re_path
from rest_framework import routers
from rest_framework.permissions import AllowAny
from rest_framework.urlpatterns import format_suffix_patterns

from .routes import case_insensitive, routes_of

__all__ = ["WireRouter"]


class WireRouter(routers.SimpleRouter):
    """DRF's SimpleRouter, plus the case-insensitive wire routes each viewset declares and the API root."""

    root = "api/"  # where the browsable API's front page (the API root) is served
    root_view_name = "api-root"

    class APIRootView(routers.APIRootView):
        """The browsable API's front page: where a visitor finds the routes and the sign-in link."""

        permission_classes = [AllowAny]  # links to the resources, no data: anyone may open it

    def register(self, prefix: str, viewset: type, basename: str | None = None) -> None:
        """Serve `viewset` under `prefix` (`api/invoice`); the resource routes' `basename` is its last part."""
        super().register(prefix, viewset, basename or prefix.rsplit("/", 1)[-1])

    def get_wire_routes(self, viewset: type) -> list[routers.Route]:
        """A DRF `Route` for each path the handlers of `viewset` declare, its methods mapped to their actions.

        Like the URL of an `@action` (`_get_dynamic_route()`), each has `{prefix}` still to fill in.
        An alias is a path of its own; two declarations on one path (GET and POST) share its pattern.
        """
        methods: dict[str, dict[str, str]] = {}  # path regex -> {http method: action}
        for action, declared in routes_of(viewset):
            for regex in declared.regexes():  # a route.resource(...) has none: DRF's routes serve it
                methods.setdefault(regex, {})[declared.method.lower()] = action
        return [
            routers.Route(
                url="^{prefix}" + routers.escape_curly_brackets(f"/{regex}" if regex else "") + "/?$",
                mapping=mapping,
                name="{prefix}-" + (regex.split("/")[0] or "root"),
                detail=None,  # neither DRF's list nor detail: no initkwargs, as a view of its own
                initkwargs={},
            )
            for regex, mapping in methods.items()
        ]

    def get_wire_urls(self) -> list[URLPattern]:
        """The wire routes of every registered viewset, matched in any case (`get`, `GET`, `gEt`)."""
        patterns = []
        for prefix, viewset, _ in self.registry:
            for route in self.get_wire_routes(viewset):
                view = viewset.as_view(route.mapping, **route.initkwargs)
                name = route.name.format(prefix=prefix.replace("/", "-"))
                patterns.append(re_path(case_insensitive(route.url.format(prefix=prefix)), view, name=name))
        return patterns

    def get_api_root_view(self):
        """The API root: a link to the list of each registered resource (`{"invoice": ".../api/invoice/"}`)."""
        list_name = self.routes[0].name
        lists = {
            prefix.removeprefix(self.root): list_name.format(basename=basename)
            for prefix, viewset, basename in self.registry
            if hasattr(viewset, "list")
        }
        return self.APIRootView.as_view(api_root_dict=lists)

    def get_urls(self) -> list[URLPattern | URLResolver]:
        """The wire routes first (case-insensitive, they must win), then DRF's routes and API root, with suffixes."""
        resources: list[URLPattern | URLResolver] = super().get_urls()
        resources.append(path(self.root, include([path("", self.get_api_root_view(), name=self.root_view_name)])))
        return [*self.get_wire_urls(), *format_suffix_patterns(resources)]
