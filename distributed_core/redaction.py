"""Secrets never reach a log: credentials are masked in every log record, whichever logger makes it.

Servers log request lines with their query strings (uvicorn writes the WebSocket line
`"WebSocket /events/package?access_token=..."` to its error log, and every request to its access
log) on loggers of their own, configured before Django starts and not propagating to ours. A
`logging.Filter` on one logger sees only that logger's records; so the redaction sits where
every record is made, a log record factory (`install_log_redaction()`, from AppConfig.ready()),
whatever serves the node. It masks the value of `access_token=`, of `Bearer` and of
`Authorization: Token`, and of session cookies, in a record's message and arguments.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["REDACTED", "install_log_redaction", "redact"]

REDACTED = "[redacted]"

_SECRETS = re.compile(
    r"(?P<name>access(?:_|%5F)token(?:=|%3D)"  # ?access_token=<credential> (also percent-encoded)
    r"|\bbearer\s+"  # Authorization: Bearer <credential>
    r"|authorization['\"]?\s*[:=]\s*['\"]?token\s+"  # Authorization: Token <key>
    r"|sessionid=)"  # <node>_sessionid=<session key>
    r"(?P<secret>[^\s&;'\",)]+)",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """`text` with every credential value replaced by `[redacted]` (the names stay, to show what was there)."""
    return _SECRETS.sub(lambda match: match["name"] + REDACTED, text)


def _redacted(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


def redact_record(record: logging.LogRecord) -> None:
    """Mask the credentials in `record`'s message and arguments, in place."""
    record.msg = _redacted(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_redacted(argument) for argument in record.args)
    elif isinstance(record.args, Mapping):
        record.args = {key: _redacted(argument) for key, argument in record.args.items()}


def install_log_redaction() -> None:
    """Make every log record of this process pass through `redact_record` (once, however often it is called)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_credentials", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redact_record(record)
        return record

    factory.redacts_credentials = True
    logging.setLogRecordFactory(factory)
