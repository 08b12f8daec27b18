"""The one exception tree of distributed_core.

    ApplicationError(message, extra)      -> 400, body: the message as a JSON string
     ├── ValidationFailed(messages)        -> 400, a command refused invalid input
     ├── NotFound                          -> 404, no entity with that id
     ├── Conflict                          -> 400, the change lost a race or breaks a constraint
     ├── HookFailed(step, reason)          -> 400, a hook receiver aborted the command
     └── GatewayError                      -> 400, a remote node refused the call
          └── GatewayUnavailable           -> 503, the remote node is down or answered garbage

Commands, queries, sagas and gateway clients raise these; `api.exception_handler` turns them
into the wire's JSON shape. Anything else is a bug and becomes a JSON 500.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ApplicationError",
    "Conflict",
    "GatewayError",
    "GatewayUnavailable",
    "HookFailed",
    "NotFound",
    "ValidationFailed",
]


class ApplicationError(Exception):
    """Root of every error a node answers with a 4xx."""

    status_code = 400

    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class ValidationFailed(ApplicationError):
    """A command refused its input; `messages` lists every broken rule."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages), {"messages": messages})
        self.messages = messages


class NotFound(ApplicationError):
    """No entity with the requested id."""

    status_code = 404


class Conflict(ApplicationError):
    """The change lost a race with another one, or the database refused it."""


class HookFailed(ApplicationError):
    """A hook receiver raised: the command was rolled back."""

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"{step} failed: {reason}", {"step": step})
        self.step = step
        self.reason = reason


class GatewayError(ApplicationError):
    """A remote node answered the gateway call with a refusal."""


class GatewayUnavailable(GatewayError):
    """A remote node could not be reached, timed out, or answered something unreadable."""

    status_code = 503
