"""Swagger UI over the node's OpenAPI schema, refusing in JSON like every route."""

from __future__ import annotations

from drf_spectacular.views import SpectacularSwaggerSplitView

from .json import CamelCaseJSONRenderer

__all__ = ["SwaggerView"]


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI, whose refusal (a closed node, nobody signed in) is JSON as every route's: its HTML renderer
    has no template for a message. Its start-up script is a file of its own (`?script`), not inline: the
    Content-Security-Policy runs no inline script (and its page's style is a file too)."""

    template_name = "distributed_core/swagger_ui.html"

    def handle_exception(self, exc: Exception):
        """Answer the refusal with the JSON renderer, whatever the page would have been rendered with."""
        self.request.accepted_renderer, self.request.accepted_media_type = CamelCaseJSONRenderer(), "application/json"
        return super().handle_exception(exc)
