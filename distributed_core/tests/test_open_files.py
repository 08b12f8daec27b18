"""serve() makes room for its connection caps under the open-files limit, or says in the log that it cannot."""

from __future__ import annotations

import logging
import resource

import pytest

from distributed_core.serving import open_files


@pytest.fixture
def limits(monkeypatch):
    """A fake RLIMIT_NOFILE: (soft, hard), changed by setrlimit as the kernel would."""
    state = {"limit": (1024, 8192)}
    monkeypatch.setattr(resource, "getrlimit", lambda kind: state["limit"])
    monkeypatch.setattr(resource, "setrlimit", lambda kind, value: state.update(limit=value))
    return state


def test_the_soft_limit_is_lifted_to_fit_the_caps(limits, caplog):
    with caplog.at_level(logging.WARNING, "distributed_core.serving"):
        assert open_files.ensure_open_files(4096, 16) == 4096 + 16 + open_files.HEADROOM
    assert limits["limit"][1] == 8192 and not caplog.records


def test_a_hard_limit_too_low_is_said_in_the_log(limits, caplog):
    limits["limit"] = (1024, 2048)
    with caplog.at_level(logging.WARNING, "distributed_core.serving"):
        assert open_files.ensure_open_files(4096, 16) == 2048
    assert "reset instead of refused" in caplog.text and "SERVER_MAX_CONNECTIONS=4096" in caplog.text


def test_a_limit_high_enough_is_left_alone(limits):
    limits["limit"] = (65536, 65536)
    assert open_files.ensure_open_files(4096, 16) == 65536
