"""The one exception tree of distributed_core.

    ApplicationError(message, extra)      -> 400, body: the message as a JSON string
     ├── ValidationFailed(messages)        -> 400, a command refused invalid input
     ├── NotFound                          -> 404, no entity with that id
     ├── Conflict                          -> 400, the change lost a race or breaks a constraint
     ├── HookFailed(step, error)           -> the status of `error`: a hook receiver aborted the command
     ├── KeyInFlight                       -> 409, a request with this Idempotency-Key is still being answered
     ├── KeyReused                         -> 422, this Idempotency-Key came with another request before
     └── GatewayError                      -> 400, a remote node refused the call
          └── GatewayUnavailable           -> 503, the remote node is down or answered garbage

Commands, queries, sagas and gateway clients raise these; `api.exception_handler` turns them
into the wire's JSON shape. Anything else is a bug: a JSON 500, logged with its traceback
(a hook receiver's bug included: its text never reaches the client as a 400).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ApplicationError",
    "Conflict",
    "GatewayError",
    "GatewayUnavailable",
    "HookFailed",
    "KeyInFlight",
    "KeyReused",
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
    """A hook receiver raised `error` (an ApplicationError): the command was aborted, with `error`'s status.

    So a remote node that cannot be reached from a hook is still a 503, and a refusal a 400.
    """

    def __init__(self, step: str, error: ApplicationError) -> None:
        super().__init__(f"{step} failed: {error.message}", {"step": step, **error.extra})
        self.step = step
        self.error = error
        self.status_code = error.status_code


class KeyInFlight(ApplicationError):
    """A request with the same `Idempotency-Key` from the same caller is still being answered: retry later."""

    status_code = 409


class KeyReused(ApplicationError):
    """The `Idempotency-Key` was sent before with another request (route or body): a new request needs a new key."""

    status_code = 422


class GatewayError(ApplicationError):
    """A remote node answered the gateway call with a refusal."""


class GatewayUnavailable(GatewayError):
    """A remote node could not be reached, timed out, or answered something unreadable."""

    status_code = 503
