"""The response envelopes of the wire contract.

`ApiMessage` answers a command (`data`, `message`, `error`, `hasData`); `ValidationMessage`
answers a validation (`messages`, `message`, `isValid`). Both are plain dataclasses: the
viewsets serialize `data` and the JSON renderer camel-cases the keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

__all__ = ["STATUS_DESCRIPTIONS", "ApiMessage", "ValidationMessage"]

T = TypeVar("T")

# What an answer of each status carries, written once: every operation's schema and the status table
# of docs/wire-contract.md use these words (tests/test_wire_contract_doc.py compares them).
STATUS_DESCRIPTIONS = {
    400: "The message text, as a JSON string",
    401: "Nobody identified: no signed-in user, API token or service credential",
    403: "Not allowed: the caller lacks the route's permission, or its service credential is not valid",
    404: "The message text, as a JSON string",
    409: "A request with this Idempotency-Key is still being answered: the message text, as a JSON string",
    422: "This Idempotency-Key came with another request before: the message text, as a JSON string",
    503: "A backing service of the node is down (its database, Redis): ServiceUnavailable, with Retry-After",
}


@dataclass
class ApiMessage(Generic[T]):
    """The answer of a command: the data it produced and a message for the person."""

    data: T | None = None
    message: str = ""
    error: bool = False

    @property
    def has_data(self) -> bool:
        """Whether the command produced data (`hasData` on the wire)."""
        return self.data is not None


@dataclass
class ValidationMessage:
    """The answer of a validation: every broken rule, joined into one message."""

    messages: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        """Whether no rule is broken."""
        return not self.messages

    @property
    def message(self) -> str:
        """The broken rules joined with `; `, or `Valid`."""
        return "; ".join(self.messages) if self.messages else "Valid"

    def as_wire(self) -> dict[str, Any]:
        """The validation envelope (`messages`, `message`, `is_valid`), camel-cased by the renderer."""
        return {"messages": self.messages, "message": self.message, "is_valid": self.is_valid}
