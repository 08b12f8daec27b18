from __future__ import annotations

import pytest
import requests

from contracts.workflows import WorkflowsGateway
from distributed_core.testing import JsonClient, own_cache

from .fake_workflows import BASE, FakeWorkflows


@pytest.fixture(autouse=True)
def cache_of_its_own(settings):
    """Each test counts sign-in failures afresh (django-axes keeps them in the cache, which outlives a test)."""
    own_cache(settings)


@pytest.fixture
def api() -> JsonClient:
    return JsonClient()


@pytest.fixture(autouse=True)
def workflows(monkeypatch) -> FakeWorkflows:
    """Every test talks to a fake workflows transport unless it asks for something else."""
    fake = FakeWorkflows()
    session = requests.Session()
    session.mount("http://workflows.test", fake)
    monkeypatch.setattr("proposals.hooks.workflows_gateway", lambda: WorkflowsGateway(BASE, "token", session=session))
    return fake


@pytest.fixture
def make_proposal(db):
    from proposals.commands import ProposalCommand

    def make(**fields):
        return ProposalCommand().save({"title": "A proposal", "value": "Do it", **fields}).data

    return make
