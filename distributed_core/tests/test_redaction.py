"""Credentials never reach a log: masked in every record, whichever logger (a server's too) makes it."""

from __future__ import annotations

import logging

import pytest

from distributed_core.redaction import install_log_redaction, redact


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("GET /events/package?id=x&access_token=proposals:s3cret HTTP/1.1", "access_token=[redacted] HTTP/1.1"),
        ('"WebSocket /events/package?access_token=s3cret" 403', 'access_token=[redacted]" 403'),
        ("/hub?access%5Ftoken%3Ds3cret&id=1", "access%5Ftoken%3D[redacted]&id=1"),
        ("Authorization: Bearer proposals:s3cret", "Bearer [redacted]"),
        ("{'authorization': 'Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b'}", "Token [redacted]'}"),
        ("Cookie: workflows_sessionid=s3cret; other=1", "workflows_sessionid=[redacted]; other=1"),
    ],
)
def test_credentials_are_masked(text, masked):
    assert redact(text).endswith(masked) and "s3cret" not in redact(text) and "9944b" not in redact(text)


def test_other_text_is_left_alone():
    text = "Token authentication; GET /api/package/get?id=3"
    assert redact(text) == text


def test_every_logger_is_covered_even_one_that_does_not_propagate(caplog):
    install_log_redaction()
    install_log_redaction()  # twice is once
    server = logging.getLogger("uvicorn.access.for-this-test")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    server.addHandler(Keep())
    server.propagate = False
    server.warning('%s - "GET %s HTTP/1.1" %d', "127.0.0.1:5", "/events/package?access_token=s3cret", 200)
    assert records and records[0].getMessage() == (
        '127.0.0.1:5 - "GET /events/package?access_token=[redacted] HTTP/1.1" 200'
    )
