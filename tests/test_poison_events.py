"""A saga that keeps failing on an event: retried, parked, the listener moves on; an operator retries it later.

The failure is real and outside the code: a database trigger on the proposals node refuses to
update one proposal, so the PackageSaga's link fails for that proposal's package event only.
"""

from __future__ import annotations

import subprocess
import sys

from .backlog import run_shell
from .client import Api
from .nodes import Suite, wait_until
from .test_cross_node_http import create_proposal, submit

POISON = {
    "sqlite": [
        "CREATE TRIGGER poison BEFORE UPDATE ON proposals_proposal WHEN NEW.id = {id} "
        "BEGIN SELECT RAISE(ABORT, 'poisoned proposal'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'poisoned proposal'; END $$ "
        "LANGUAGE plpgsql",
        "CREATE TRIGGER poison BEFORE UPDATE ON proposals_proposal FOR EACH ROW WHEN (NEW.id = {id}) "
        "EXECUTE FUNCTION poison()",
    ],
}
CURE = {"sqlite": ["DROP TRIGGER poison"], "postgresql": ["DROP TRIGGER poison ON proposals_proposal"]}


def execute(node, statements: dict[str, list[str]], **values) -> None:
    """Run SQL on the node's own database, in the dialect of its engine."""
    code = (
        "import json\nfrom django.db import connection\n"
        f"statements = {statements!r}[connection.vendor]\n"
        "with connection.cursor() as cursor:\n"
        f"    for statement in statements: cursor.execute(statement.format(**{values!r}))\n"
        "print('BACKLOG:' + json.dumps(connection.vendor))\n"
    )
    run_shell(node, code)


def manage(node, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=node.cwd, env=node.env, capture_output=True, text=True, timeout=60
    )


def listener(proposals: Api) -> dict:
    return proposals.get("/events/status").json()["listeners"][0]


def test_a_poison_event_is_parked_the_listener_moves_on_and_a_retry_applies_it_once(tmp_path):
    env = {"LISTENER_MAX_ATTEMPTS": "3", "LISTENER_RETRY_BACKOFF": "0.05"}
    suite = Suite(tmp_path, extra_env=env).start()
    try:
        proposals, workflows = Api(suite.proposals.url), Api(suite.workflows.url)
        poisoned, fine = create_proposal(proposals, "Poisoned"), create_proposal(proposals, "Fine")
        execute(suite.proposals, POISON, id=poisoned["id"])
        first = submit(proposals, poisoned)
        second = submit(proposals, fine)

        def linked(proposal: dict, package: dict) -> bool:
            return proposals.get(f"/api/proposal/getFromId/{proposal['id']}").json().get("packageId") == package["id"]

        wait_until(lambda: linked(fine, second), timeout=30, message="the event after the poison one applied")
        status = wait_until(lambda: (s := listener(proposals))["parked"] == 1 and s, message="one parked event")
        assert not linked(poisoned, first)
        last_seq = workflows.get("/events/status").json()["hubs"][0]["lastSeq"]
        assert (status["seq"], status["lag"], status["state"]) == (last_seq, 0, "connected")
        assert "parked seq 1" in status["lastError"]

        listing = manage(suite.proposals, "events", "list")
        assert listing.returncode == 0 and "workflows/package  seq 1  OnAdd  3 attempt(s)  parked" in listing.stdout
        assert "poisoned proposal" in listing.stdout
        letter_id = listing.stdout.split()[0]

        execute(suite.proposals, CURE)  # the cause is fixed
        retried = manage(suite.proposals, "events", "retry", letter_id)
        assert retried.returncode == 0, retried.stderr
        assert linked(poisoned, first)
        assert listener(proposals)["parked"] == 0
        again = manage(suite.proposals, "events", "retry", letter_id)
        assert again.returncode != 0 and "already retried" in again.stderr
        messages = run_shell(
            suite.proposals,
            "import json\nfrom distributed_core.models import Event\n"
            "print('BACKLOG:' + json.dumps(list(Event.objects.filter(hub='proposal', target='OnUpdate')"
            ".values_list('message', flat=True))))",
        )
        assert messages.count(f"Proposal {poisoned['id']} linked to package {first['id']}") == 1
    finally:
        suite.stop()
