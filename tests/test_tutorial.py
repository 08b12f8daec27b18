"""docs/tutorial.md, followed to the letter: every file it shows is written, and the node works.

Each ```python block of the tutorial that starts with a `# invoices_node/...` path comment is
the whole content of that file. The test generates the node with startnode, writes those files,
runs the node's tests, then runs it beside a real workflows node and checks the saga.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from .client import Api
from .nodes import ROOT, NodeProcess, copy_suite, free_port, wait_until
from .test_startnode import startnode

BLOCK = re.compile(r"```python\n(# (invoices_node/[^\n]+)\n.*?)```", re.S)


@pytest.fixture(scope="module")
def tutorial_node(tmp_path_factory):
    root = copy_suite(tmp_path_factory.mktemp("tutorial"), extra=("workflows_node",))
    assert startnode(root, "invoices", "--entity", "Invoice").returncode == 0
    blocks = BLOCK.findall((ROOT / "docs" / "tutorial.md").read_text())
    assert len(blocks) >= 6, "the tutorial's file blocks"
    for content, path in blocks:
        (root / path).write_text(content.split("\n", 1)[1])
    node_dir = root / "invoices_node"
    subprocess.run([sys.executable, "manage.py", "makemigrations", "invoices", "-v", "0"], cwd=node_dir, check=True)
    return root


def test_the_tutorial_node_passes_its_tests(tutorial_node):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=tutorial_node / "invoices_node",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert re.search(r"\b5 passed\b", result.stdout), result.stdout[-3000:]


def test_the_tutorial_node_submits_and_its_saga_reacts(tutorial_node, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and k != "REDIS_URL"}
    workflows_port = free_port()
    env.update({"DD_DATA_DIR": str(tmp_path), "WORKFLOWS_GATEWAY_URL": f"http://127.0.0.1:{workflows_port}"})
    workflows = NodeProcess("workflows", env, tmp_path, port=workflows_port, root=tutorial_node)
    invoices = NodeProcess("invoices", env, tmp_path, port=free_port(), root=tutorial_node)
    try:
        for node in (workflows, invoices):
            node.migrate()
            node.start()
        api = Api(invoices.url)
        assert api.post("/api/invoice/save", {"value": "no title"}).json() == "Title is required"
        invoice = api.post("/api/invoice/save", {"title": "April", "value": "Support"}).json()["data"]
        submitted = api.post("/api/invoice/submitForApproval", {"id": invoice["id"]})
        assert submitted.status_code == 200, submitted.text
        package = submitted.json()["data"]
        assert Api(workflows.url).post("/api/package/approve", {"id": package["id"]}).status_code == 200
        wait_until(
            lambda: api.get(f"/api/invoice/getFromId/{invoice['id']}").json()["state"] == "Approved",
            message="the invoice approved by the tutorial's saga",
        )
        refused = api.post("/api/invoice/save", {**invoice, "state": "Rejected"})
        assert refused.status_code == 400 and refused.json() == "State cannot be changed through save"
        assert api.get(f"/api/invoice/getFromId/{invoice['id']}").json()["state"] == "Approved"
    finally:
        invoices.stop()
        workflows.stop()
