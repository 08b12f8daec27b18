"""Who acts: the username a Command records as having done something (`submittedBy`, `decidedBy`)."""

from __future__ import annotations

from typing import Any

from .credentials import ServiceCaller

__all__ = ["actor_of"]


def actor_of(user: Any) -> str | None:
    """The signed-in user's username; for a node's call, the user it acts for; None for anybody else.

    A node acting for nobody (a saga's follow-up, a hook) and an anonymous caller of an open
    node are recorded as nobody: no name is ever made up.
    """
    if isinstance(user, ServiceCaller):
        return user.on_behalf_of
    if user is not None and user.is_authenticated:
        return user.get_username()
    return None
