"""docs/tutorial.md, followed to the letter: every file it shows is written, every command it shows
runs and answers what the page says (`tests/doc_runner.py`), and the node it builds works.

The fixture follows the whole page in a copy of the suite: startnode, `up`, curl, the files and
the change to urls.py, makemigrations, the closed nodes with their service credential. Then the
node's own tests run, and the node is served beside a real workflows node once more to check what
the page does not show (refusals).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from .client import Api
from .doc_runner import PageRun
from .nodes import ROOT, NodeProcess, free_port, wait_until

PAGE = ROOT / "docs" / "tutorial.md"


@pytest.fixture(scope="module")
def tutorial_node(tmp_path_factory):
    run = PageRun(PAGE, tmp_path_factory.mktemp("tutorial"))
    run.follow()
    return run.root


def test_the_tutorial_runs_as_written(tutorial_node):
    nodes = {node["name"]: node for node in json.loads((tutorial_node / "nodes.json").read_text())}
    assert nodes["invoices"].get("listeners") is True  # startnode --listen: `up --workers N` runs its listener
    assert (tutorial_node / "invoices_node" / "invoices" / "migrations" / "0002_invoice_state.py").exists()


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
        refused = api.delete("/api/invoice/remove", {"id": invoice["id"]})  # the tutorial's hook
        assert refused.status_code == 400 and "is approved: it cannot be changed" in refused.json()
        page = api.get("/")  # the app page, on an open node: the invoices and their states
        assert page.status_code == 200 and "April" in page.text and "Approved" in page.text
    finally:
        invoices.stop()
        workflows.stop()
