from __future__ import annotations

import pytest

from distributed_core.testing import close_sync_thread_connections


@pytest.fixture(scope="session", autouse=True)
def sync_thread_connections_closed(django_db_setup):
    """The listener tests' database calls keep a connection in asgiref's sync thread: closed before the db goes."""
    yield
    close_sync_thread_connections()
