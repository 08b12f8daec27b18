"""RoutePermission: the one place that enforces the permission each route declares.

A route says who may call it with its declaration (`route.post("publish", ...,
permission="blog.publish_post")`, see `routes.Route.permission`); this DRF permission
class, the default of every API view, reads the declaration of the action being served and
asks Django's permission system:

    "view" | "add" | "change" | "delete"   the view model's permission of that kind
    "save"                                 add when the body's id is absent or 0, else change (the id
                                           as the route reads it: `routes.saved_id`)
    "<app_label>.<codename>"               that permission

An anonymous caller gets 401, a signed-in user without the permission 403, both with a JSON
message. An open node (`DD_ALLOW_ANONYMOUS`, on while DEBUG is) lets every caller through. A
view whose action declares no route is refused: nothing is reachable by omission (a method the
viewset does not serve still gets its 405, and OPTIONS its description).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import exceptions, permissions

from ..conf import dd_settings
from .routes import Route, saved_id

__all__ = ["RoutePermission", "SignedInUnlessOpen", "declared_route", "required_permission"]


def declared_route(view: Any) -> Route | None:
    """The Route declared on the handler `view` is serving (its DRF action), or None."""
    action = getattr(view, "action", None)
    handler = getattr(view, action, None) if action else None
    declared = getattr(handler, "route", None)
    return declared if isinstance(declared, Route) else None


def required_permission(declared: Route, view: Any, request: Any) -> str:
    """The `<app_label>.<codename>` the caller of `declared` needs, from the declaration (see the module)."""
    wanted = declared.required
    if "." in wanted:
        return wanted
    if wanted == "save":
        try:
            wanted = "change" if saved_id(view.get_serializer_class(), request.data) else "add"
        except exceptions.ValidationError:
            wanted = "change"  # an id that is no add; the route answers 400 for it to whoever may change
    model = permission_model(view)
    return f"{model._meta.app_label}.{wanted}_{model._meta.model_name}"


def permission_model(view: Any) -> type[models.Model]:
    """The model whose permissions a view's routes need: `permission_model`, else its serializer's model."""
    model = getattr(view, "permission_model", None) or getattr(
        getattr(getattr(view, "serializer_class", None), "Meta", None), "model", None
    )
    if model is None:
        raise TypeError(
            f"{type(view).__name__} has no model to take permissions from: set `permission_model`, "
            "or declare an explicit '<app_label>.<codename>' on its routes."
        )
    return model


class RoutePermission(permissions.BasePermission):
    """Lets a caller through when it holds the permission the served route declares (see the module)."""

    message = "You may not do this"

    def has_permission(self, request, view) -> bool:
        """Open node: yes. Otherwise a declared route, a signed-in user, and the permission it names."""
        if hasattr(view, "action_map") and getattr(view, "action", None) in (None, "metadata"):
            return True  # a method the viewset does not map (DRF answers 405), or OPTIONS (a description)
        declared = declared_route(view)
        if declared is None:
            self.message = "This route declares no permission: nobody may call it"
            return False
        if dd_settings.allow_anonymous:
            return True
        user = request.user
        if not (user and user.is_authenticated):
            raise exceptions.NotAuthenticated("Sign in, or send an API token, to do this")
        needed = required_permission(declared, view, request)
        if user.has_perm(needed):
            return True
        self.message = f"{user.get_username()} may not do this: it needs the {needed} permission"
        return False


class SignedInUnlessOpen(permissions.BasePermission):
    """Anyone on an open node, else whoever is identified (a user, an API token, a service credential): /schema/."""

    def has_permission(self, request, view) -> bool:
        """Open node: yes. Otherwise a signed-in caller; nobody gets 401."""
        if dd_settings.allow_anonymous or (request.user and request.user.is_authenticated):
            return True
        raise exceptions.NotAuthenticated("Sign in, or send an API token or a service credential, to read the schema")
