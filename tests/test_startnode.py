"""`manage_all.py startnode`: a generated node passes its own tests, serves its routes and its hub."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .client import Api
from .hub_client import HubClient
from .nodes import NodeProcess, copy_suite, free_port


@pytest.fixture(scope="module")
def suite_copy(tmp_path_factory):
    """A copy of the suite's code, so startnode can register a node without touching this checkout."""
    return copy_suite(tmp_path_factory.mktemp("suite"))


def startnode(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DD_SKIP_VENV": "1"}
    command = [sys.executable, "manage_all.py", "startnode", *args]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def invoices(suite_copy):
    result = startnode(suite_copy, "invoices", "--entity", "Invoice")
    assert result.returncode == 0, result.stderr
    return suite_copy / "invoices_node"


def test_startnode_registers_the_node(suite_copy, invoices):
    nodes = json.loads((suite_copy / "nodes.json").read_text())
    assert {"name": "invoices", "port": 5003} in nodes
    assert (invoices / "invoices" / "migrations" / "0001_initial.py").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Bad-Name", "--entity", "Invoice"], "Invalid node name"),
        (["proposals", "--entity", "Proposal"], "is taken"),
        (["orders", "--entity", "order"], "Invalid entity name"),
        (["orders", "--entity", "Order", "--port", "5001"], "taken by the proposals node"),
        (["orders", "--entity", "Order", "--port", "80"], "Invalid port"),
        (["orders", "--entity", "Order", "--listen", "workflows"], "Invalid --listen"),
        (["orders", "--entity", "Order", "--listen", "billing/payment"], "is not another node"),
        (["orders", "--entity", "Order", "--listen", "orders/order"], "is not another node"),
        (["orders", "--entity", "Order", "--listen", "workflows/parcel"], "no contract in contracts/ declares the hub"),
    ],
)
def test_startnode_refuses_clearly(suite_copy, invoices, args, message):
    result = startnode(suite_copy, *args)
    assert result.returncode == 2 and message in result.stderr
    assert not (suite_copy / "orders_node").exists()


def test_the_generated_tests_pass_at_once(invoices):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=invoices,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "4 passed" in result.stdout


def test_the_generated_node_serves_its_routes_and_hub(suite_copy, invoices, tmp_path):
    env = {**os.environ, "DD_DATA_DIR": str(tmp_path), "DEBUG": "1"}
    env = {k: v for k, v in env.items() if not k.endswith("DATABASE_URL") and k != "REDIS_URL"}
    node = NodeProcess("invoices", env, tmp_path, port=free_port(), root=suite_copy)
    node.migrate()
    node.start()
    try:
        api = Api(node.url)
        with HubClient(node.url.replace("http", "ws") + "/events/invoice") as hub:
            saved = api.post("/api/invoice/save", {"title": "March", "value": "42 EUR"})
            assert saved.status_code == 200, saved.text
            invoice = saved.json()["data"]
            hub.wait_for(lambda target, event: target == "OnAdd" and event["id"] == invoice["id"])
        assert api.get(f"/api/INVOICE/getFromId/{invoice['id']}").json()["title"] == "March"
        assert api.post("/api/invoice/save", {"value": ""}).json() == "Value is required"
        assert api.get("/swagger/").status_code == 200
    finally:
        node.stop()


def test_a_listening_node_is_registered_as_one_and_its_listener_runs(suite_copy, invoices, tmp_path):
    # `up --workers N` starts `manage.py listen` for the nodes nodes.json marks as listening
    result = startnode(suite_copy, "ledgers", "--entity", "Ledger", "--listen", "workflows/package")
    assert result.returncode == 0, result.stderr
    nodes = json.loads((suite_copy / "nodes.json").read_text())
    assert {"name": "ledgers", "port": 5004, "listeners": True} in nodes
    node_dir = suite_copy / "ledgers_node"
    settings = (node_dir / "ledgers_project" / "settings.py").read_text()
    assert 'DD_GATEWAYS = gateways({"workflows": f"http://127.0.0.1:{ports[\'workflows\']}"})' in settings
    assert 'DD_LISTENERS = [{"source": "workflows", "hub": "package", "saga": "ledgers.sagas.PackageSaga"}]' in settings
    env = {**os.environ, "DD_DATA_DIR": str(tmp_path)}
    env = {k: v for k, v in env.items() if not k.endswith("DATABASE_URL") and k != "REDIS_URL"}
    built = "from distributed_core.events.listeners.runner import build_listeners as b; print([l.source for l in b()])"
    shell = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", built],
        cwd=node_dir,
        env=env,
        capture_output=True,
        text=True,
    )
    assert shell.stdout.strip() == "['workflows/package']", shell.stderr  # its saga imports, its listener builds
    listen = subprocess.Popen(
        [sys.executable, "manage.py", "listen"], cwd=node_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        # the first line it prints, before it tries to reach workflows (not running here)
        assert listen.stdout.readline().decode().strip() == "Listening to workflows/package (Ctrl-C stops)"
    finally:
        listen.terminate()
        listen.wait(timeout=20)
    # the node made without --listen is not marked, and has no saga
    assert {"name": "invoices", "port": 5003} in nodes and not (invoices / "invoices" / "sagas.py").exists()


def test_the_generated_node_has_the_wsgi_application_gunicorn_serves(invoices, tmp_path):
    """deploy/bin/web runs `gunicorn <node>_project.wsgi`: the module is there and builds Django's WSGI handler."""
    env = {**os.environ, "DD_DATA_DIR": str(tmp_path), "DEBUG": "1"}
    script = "from invoices_project.wsgi import application; print(type(application).__name__)"
    result = subprocess.run([sys.executable, "-c", script], cwd=invoices, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "WSGIHandler"
