"""Case-insensitive action routes (`/api/<entity>/getFromId/<id>`) for entity viewsets.

The original's clients call routes like `getFromId` in any case, so the literal part of each
`WireRoute` becomes a regex of character classes (`getFromId` -> `[gG][eE][tT][Ff]...`). Unlike a
`(?i)` flag this stays reversible by Django's URL resolver (it takes the first character of a
class, the original spelling), and the schema hook turns it back into the documented path.
The same viewset is also registered on a DRF router for the resource routes and browsable API.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, re_path

__all__ = ["ENTITY_ROUTES", "WireRoute", "case_insensitive", "wire_urls"]


@dataclass(frozen=True)
class WireRoute:
    """One action route: a path (regex, relative to the prefix), an HTTP method, a viewset action."""

    path: str
    method: str
    action: str


ENTITY_ROUTES = (
    WireRoute("get", "get", "get_all"),
    WireRoute(r"getFromId/(?P<id>\d+)", "get", "get_from_id"),
    WireRoute(r"getById/(?P<id>\d+)", "get", "get_from_id"),
    WireRoute("validate", "post", "validate_entity"),
    WireRoute("save", "post", "save_entity"),
    WireRoute("remove", "delete", "remove_entity"),
)


def wire_urls(prefix: str, view_class, routes: tuple[WireRoute, ...] | None = None) -> list[URLPattern]:
    """URL patterns for every route of `view_class.wire_routes` under `prefix` (e.g. `api/proposal`)."""
    routes = routes if routes is not None else view_class.wire_routes
    patterns = []
    for route in routes:
        tail = f"/{route.path}" if route.path else ""
        view = view_class.as_view({route.method: route.action})
        name = f"{prefix.replace('/', '-')}-{route.action}-{route.path.split('/')[0] or 'root'}"
        patterns.append(re_path(rf"^{case_insensitive(prefix + tail)}/?$", view, name=name))
    return patterns


def case_insensitive(pattern: str) -> str:
    """Make the letters of `pattern` outside groups match in any case: `get` -> `[gG][eE][tT]`."""
    out, depth = [], 0
    for char in pattern:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if depth == 0 and char.isalpha():
            out.append(f"[{char}{char.swapcase()}]")
        else:
            out.append(char)
    return "".join(out)
