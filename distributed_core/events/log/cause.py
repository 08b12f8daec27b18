"""What caused the events being recorded now: a trace id, who acted, and a request or a remote event.

    with caused_by(Cause(trace_id="4bf9...", source={"node": "workflows", "hub": "package", "seq": 12})):
        saga.package_state_changed(message)       # the events it records carry that trace and cause

`record_events` stamps every event with the cause in force when it is recorded. A request's
cause is set by the observability middleware (its trace id is the request's OpenTelemetry span,
which continues the caller's `traceparent`); a listener sets the cause of each remote event it
applies (`caused_by`, per event, so each event of a batch keeps its own trace). With no cause set,
the trace id is the current OpenTelemetry span's, when there is one. An event recorded outside
any trace (a management command, the shell) starts a trace of its own, as the effects of a
remote event that carried none do (`new_trace_id`): every event, and every hub message, has one.

A context variable, not a thread-local: asgiref copies it into the thread that runs a sync
view or a listener's batch, and each asyncio task keeps its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator

__all__ = [
    "Cause",
    "applying_from",
    "applied_source",
    "caused_by",
    "current_cause",
    "current_trace_id",
    "new_trace_id",
]


@dataclass(frozen=True)
class Cause:
    """Why events are being recorded: `trace_id` (32 hex digits, "" when none), and what started it.

    `request` is `"POST /api/package/approve"` for a request; `source` is the remote event a
    listener applies: `{node, hub, seq, target, message, actor, at, traceId}`.
    """

    trace_id: str = ""
    request: str | None = None
    source: dict[str, Any] | None = None

    def as_record(self) -> dict[str, Any] | None:
        """What an event stores of its cause: `{"request": ...}` or `{"event": {node, hub, seq, ...}}`, else None."""
        if self.source is not None:
            return {"event": self.source}
        if self.request is not None:
            return {"request": self.request}
        return None


_current: ContextVar[Cause | None] = ContextVar("distributed_core_cause", default=None)
_source: ContextVar[str | None] = ContextVar("distributed_core_applied_source", default=None)


@contextmanager
def _bound(variable: ContextVar, value: Any) -> Iterator[Any]:
    """`variable` holds `value` inside the block, and what it held before after it."""
    token = variable.set(value)
    try:
        yield value
    finally:
        variable.reset(token)


def applying_from(source: str) -> AbstractContextManager[str]:
    """Inside the block, the events a saga handles come from `source` (`"<node>/<hub>"`, a listener's)."""
    return _bound(_source, source)


def applied_source() -> str | None:
    """The `"<node>/<hub>"` whose events are being applied now (None outside a listener's batch)."""
    return _source.get()


def current_cause() -> Cause:
    """The cause in force, its trace id filled in from the current span when it has none of its own."""
    cause = _current.get()
    if cause is None:
        return Cause(trace_id=_span_trace_id() or new_trace_id())
    if not cause.trace_id:
        return Cause(_span_trace_id() or new_trace_id(), cause.request, cause.source)
    return cause


def current_trace_id() -> str:
    """The trace id of what runs now (a remote event being applied, else the current span); "" when none."""
    cause = _current.get()
    if cause is not None and cause.trace_id:
        return cause.trace_id
    return _span_trace_id()


def caused_by(cause: Cause) -> AbstractContextManager[Cause]:
    """Record every event inside the block with `cause`."""
    return _bound(_current, cause)


_ids = RandomIdGenerator()


def new_trace_id() -> str:
    """A new W3C trace id (32 hex digits, never all zeros), for what happens outside any trace."""
    return format(_ids.generate_trace_id(), "032x")


def _span_trace_id() -> str:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else ""
