"""The wire's JSON shape: camelCase keys and no nulls, whoever writes it (HTTP answers, events, gateway calls).

Everything that turns Python data into what the wire carries, or back, goes through these
functions, so an entity looks the same in an HTTP answer, in an event and in a gateway call.
"""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = ["TYPE_NAME", "from_wire", "to_camel", "to_snake", "to_wire"]

# An entity type name as the wire carries it (`"Proposal"`), in paths and in `entityType` fields.
# ASCII only (`\w` would take any Unicode letter), so the OpenAPI pattern means the same thing.
# Anchor it with `\A`...`\Z`, never `^`...`$`: Python's `$` also matches before a final newline.
TYPE_NAME = r"[A-Za-z][A-Za-z0-9_.-]{0,99}"

_UPPER = re.compile(r"(?<=[a-z0-9])([A-Z])")


@functools.lru_cache(maxsize=4096)  # the same few names over and over: every event, every answer
def to_camel(name: str) -> str:
    """The camelCase form of a snake_case name (`date_created` -> `dateCreated`)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@functools.lru_cache(maxsize=4096)
def to_snake(name: str) -> str:
    """The snake_case form of a camelCase name (`dateCreated` -> `date_created`)."""
    return _UPPER.sub(r"_\1", name).lower()


def to_wire(data: Any) -> Any:
    """Camel-case every key and omit every null, recursively."""
    if isinstance(data, dict):
        return {to_camel(str(k)): to_wire(v) for k, v in data.items() if v is not None}
    if isinstance(data, list | tuple):
        return [to_wire(item) for item in data]
    return data


def from_wire(data: Any) -> Any:
    """Snake-case every key, recursively (what the parser does to a body; nulls are kept)."""
    if isinstance(data, dict):
        return {to_snake(str(k)): from_wire(v) for k, v in data.items()}
    if isinstance(data, list):
        return [from_wire(item) for item in data]
    return data
