"""A change committed whose publish never happened (the process died in between) still arrives.

The approval below runs in a separate process with publishing switched off: no live event
ever reaches the proposals node's listener. The hub's periodic `Sync {seq}` tells the listener
it is behind, and it replays the event from the log.
"""

from __future__ import annotations

import subprocess
import sys

from .client import Api
from .nodes import Suite, wait_until
from .test_cross_node_http import create_proposal, submit

APPROVE_WITHOUT_PUBLISH = """
from distributed_core.events.log.publisher import Publisher
Publisher.publish = lambda self, group, message: None  # as if the process died between commit and publish
from workflows.commands import PackageCommand
PackageCommand().approve({package_id})
"""


def test_a_lost_publish_is_caught_up_through_sync(tmp_path):
    suite = Suite(tmp_path, extra_env={"HUB_KEEPALIVE_INTERVAL": "1"}).start()
    try:
        proposals = Api(suite.proposals.url)
        proposal = create_proposal(proposals, "Lost publish")
        package = submit(proposals, proposal)
        wait_until(lambda: proposals.get(f"/api/proposal/getFromId/{proposal['id']}").json().get("packageId"))
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", APPROVE_WITHOUT_PUBLISH.format(package_id=package["id"])],
            cwd=suite.workflows.cwd,
            env=suite.workflows.env,
            check=True,
            timeout=60,
        )
        wait_until(
            lambda: proposals.get(f"/api/proposal/getStatus/{proposal['id']}").json()["state"] == "Active",
            timeout=20,
            message="the approval applied by the saga after a Sync",
        )
    finally:
        suite.stop()
