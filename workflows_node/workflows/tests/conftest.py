from __future__ import annotations

import pytest

from distributed_core.testing import JsonClient, close_sync_thread_connections, own_cache


@pytest.fixture(scope="session", autouse=True)
def sync_thread_connections_closed(django_db_setup):
    """The hub tests' database calls keep a connection in asgiref's sync thread: closed before the database goes."""
    yield
    close_sync_thread_connections()


@pytest.fixture(autouse=True)
def cache_of_its_own(settings):
    """Each test counts sign-in failures afresh (django-axes keeps them in the cache, which outlives a test)."""
    own_cache(settings)


@pytest.fixture
def api() -> JsonClient:
    return JsonClient()


@pytest.fixture
def make_package(db):
    from workflows.commands import PackageCommand
    from workflows.models import Package

    def make(entity_id: int = 1, entity_type: str = "Proposal", state: str | None = None, **fields):
        data = {"entity_id": entity_id, "entity_type": entity_type, "value": "Please decide", **fields}
        package = PackageCommand().save(data).data
        if state and state != package.state:
            Package.objects.filter(pk=package.pk).update(state=state)
            package.refresh_from_db()
        return package

    return make
