from __future__ import annotations

import pytest

from .client import Api
from .nodes import Suite


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """Both nodes as real server processes, shared by the tests of one module."""
    running = Suite(tmp_path_factory.mktemp("suite")).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def secured_suite(tmp_path_factory):
    """Both nodes requiring a service credential on their gateways."""
    running = Suite(tmp_path_factory.mktemp("secured"), service_token="cross-node-secret").start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def closed_suite(tmp_path_factory):
    """Both nodes as deployed (DEBUG=0, service credentials), with the accounts of tests/people.py on each."""
    from .people import add_accounts

    running = Suite(tmp_path_factory.mktemp("closed"), service_token="closed-suite-secret", debug=False).start()
    add_accounts(running)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def proposals(suite) -> Api:
    return Api(suite.proposals.url)


@pytest.fixture(scope="module")
def workflows(suite) -> Api:
    return Api(suite.workflows.url)
