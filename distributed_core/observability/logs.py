"""Log lines that join up: each carries the trace id of what it is about, and `LOG_FORMAT=json` makes them JSON.

`TraceIdFilter` gives every record `trace_id` (the remote event being applied, else the current
span's; "-" when there is none), so the plain format can print it and a log search for a trace
finds every node's lines. `JsonFormatter` writes one JSON object per line: time, level, logger,
message, trace id, and the exception's traceback when there is one.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

__all__ = ["JsonFormatter", "TraceIdFilter"]


def current_trace_id() -> str:
    """The trace id in force (`events.log.cause`), imported when first asked: logging is set up before the apps."""
    from ..events.log.cause import current_trace_id as trace_id_in_force

    return trace_id_in_force()


class TraceIdFilter(logging.Filter):
    """Adds `trace_id` to every record (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Stamp the record with the trace id in force; keep it."""
        if not hasattr(record, "trace_id"):
            record.trace_id = current_trace_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: `time`, `level`, `logger`, `message`, `traceId`, and `exception` if any."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "traceId": getattr(record, "trace_id", None) or current_trace_id() or None,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps({key: value for key, value in entry.items() if value not in (None, "-")}, default=str)
