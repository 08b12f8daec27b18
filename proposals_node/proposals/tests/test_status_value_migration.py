"""Migration 0004: statuses stored with "Status of proposal N" read their state's name afterwards."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("proposals", "0003_proposers_group")]
AFTER = [("proposals", "0004_status_value_is_its_state")]


@pytest.mark.django_db(transaction=True)
def test_stored_statuses_get_their_states_name():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps.get_model("proposals", "Status")
        for pk, state in [(1, "Created"), (2, "Active"), (3, "Rejected")]:
            value = f"Status of proposal {pk}"
            old.objects.create(pk=pk, state=state, entity_id=pk, entity_type="Proposal", value=value)
        executor = MigrationExecutor(connection)  # a fresh loader sees what was applied
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps.get_model("proposals", "Status")
        assert sorted(new.objects.values_list("pk", "value")) == [(1, "Created"), (2, "Active"), (3, "Rejected")]
    finally:  # the next tests find every migration applied
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
