"""A backlog of events for a listener to catch up on, made fast: commands run in a node's own `manage.py shell`.

Going through HTTP would make 2,000 events take longer than applying them. The commands are the
nodes' own (the same hooks, validation and event log as a request), run in one process per call.
"""

from __future__ import annotations

import json
import subprocess
import sys

from .nodes import NodeProcess

MARKER = "BACKLOG:"

MAKE_PROPOSALS = """
import json
from proposals.commands import ProposalCommand
ids = [ProposalCommand().save({{"title": f"Backlog {{i}}", "value": "v"}}).data.pk for i in range({count})]
print("BACKLOG:" + json.dumps(ids))
"""

DECIDE_PACKAGES = """
import json
from workflows.commands import PackageCommand
command = PackageCommand()
for proposal_id in json.loads({ids!r}):
    fields = {{"title": "Backlog", "value": "v", "entity_id": proposal_id, "entity_type": "Proposal"}}
    command.approve(command.save({{**fields, "result": "Active"}}).data.pk)
print("BACKLOG:" + json.dumps(None))
"""


def run_shell(node: NodeProcess, code: str, timeout: float = 600) -> object:
    """Run `code` in `node`'s `manage.py shell` (its settings, its database); what it printed after the marker."""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=node.cwd,
        env=node.env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py shell on {node.name} failed:\n{done.stderr[-2000:]}")
    line = next(line for line in done.stdout.splitlines() if line.startswith(MARKER))
    return json.loads(line[len(MARKER) :])


def make_proposals(proposals: NodeProcess, count: int) -> list[int]:
    """Create `count` proposals on the proposals node (its node process may be up or down); their ids."""
    return run_shell(proposals, MAKE_PROPOSALS.format(count=count))


def approve_packages_for(workflows: NodeProcess, proposal_ids: list[int]) -> int:
    """Submit and approve a package for each proposal on workflows: two events each (OnAdd, OnStateChanged)."""
    run_shell(workflows, DECIDE_PACKAGES.format(ids=json.dumps(proposal_ids)))
    return 2 * len(proposal_ids)
