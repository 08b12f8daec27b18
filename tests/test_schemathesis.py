"""Schemathesis against each node's own OpenAPI schema, on real node processes: every answer conforms.

All of schemathesis' checks run on every operation (not_a_server_error, status_code_conformance,
content_type_conformance, response_schema_conformance, negative_data_rejection,
positive_data_acceptance, ignored_auth and the rest), twice per node:

- open: the embedded default (DEBUG on), where anonymous callers may do everything;
- closed: as deployed (DEBUG=0, service credentials): schemathesis calls the API with a
  superuser's token and the gateway with the other node's service credential, and checks that
  a request without them, or with wrong ones, is refused.

Schemathesis runs as anyone would run it, from the repository root, where it reads the
repository's `schemathesis.toml`: nothing about a node is configured here but its credentials
and the run's bounds. That file's hook reads two things from the schema itself: an operation
whose 400 answer is documented with `x-refused-by-state` may refuse a schema-valid request
because of what is stored (approving a package that is no longer Pending, a second active
package for one entity, a wrong password); for those operations, and only those,
positive_data_acceptance accepts that 400. And an operation that takes an `Idempotency-Key`
refuses a key schemathesis made up again, with another body (422): accepted for a request that
sent the header. In the closed run the API is called with a token and
the gateway, in a run of its own, with the service credential. `DELETE /api/auth/token/` revokes
the token it is sent with, so it gets a token of its own, in a run of its own.

Bounded: a fixed seed and number of examples per operation (SCHEMATHESIS_MAX_EXAMPLES, default
25) keep the runs deterministic and within about a minute per node.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import tomllib
from types import SimpleNamespace

import pytest
import requests
from schemathesis.core.failures import ServerError
from schemathesis.openapi.checks import RejectedPositiveData

from .nodes import ROOT, Suite
from .people import PASSWORD, token_of

SEED = os.environ.get("SCHEMATHESIS_SEED", "20261127")
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25")
REVOKE = "/api/auth/token/"
GATEWAY = "^/gateway"
REVOKE_ONE = "/api/auth/tokens/{id}/"


def run_schemathesis(base_url: str, headers: dict[str, str], *selection: str) -> subprocess.CompletedProcess:
    """`schemathesis run <node>/schema/ --checks all` from the repository root (its schemathesis.toml), bounded."""
    command = [sys.executable, "-m", "schemathesis.cli", "run", f"{base_url}/schema/", "--checks", "all"]
    command += ["--max-examples", MAX_EXAMPLES, "--seed", SEED, "--workers", "1"]
    command += ["--generation-database", "none", "--no-color", "--request-timeout", "20", *selection]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)


def assert_conforms(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stdout[-12000:] + result.stderr[-3000:]
    assert " passed" in result.stdout, result.stdout[-3000:]


def test_the_repository_config_loads_the_hook_that_reads_refused_by_state():
    config = tomllib.loads((ROOT / "schemathesis.toml").read_text())
    assert config["hooks"] == "distributed_core.api.schemathesis_hooks"
    hooks = importlib.import_module(config["hooks"])

    def kept(raw: dict, failure, status: int) -> bool:
        case = SimpleNamespace(operation=SimpleNamespace(definition=SimpleNamespace(raw=raw)))
        return hooks.filter_failure(None, failure, case, SimpleNamespace(status_code=status))

    refused = RejectedPositiveData(operation="POST /x", message="", status_code=400, allowed_statuses=["2xx"])
    documented = {"operationId": "x", "x-refused-by-state": "the package is no longer Pending"}
    assert not kept(documented, refused, 400)  # the documented refusal
    assert kept({"operationId": "x"}, refused, 400)  # an operation that does not document it
    assert kept(
        documented, RejectedPositiveData(operation="POST /x", message="", status_code=409, allowed_statuses=[]), 409
    )
    assert kept(documented, ServerError(operation="POST /x", status_code=500), 500)  # any other failure

    def key_case(raw: dict, headers: dict) -> SimpleNamespace:
        return SimpleNamespace(operation=SimpleNamespace(definition=SimpleNamespace(raw=raw)), headers=headers)

    command = {"operationId": "x", "parameters": [{"name": "Idempotency-Key", "in": "header"}]}
    for status in (409, 422):  # a key made up again by schemathesis, with another body: refused, as it must be
        reused = RejectedPositiveData(operation="POST /x", message="", status_code=status, allowed_statuses=["2xx"])
        response = SimpleNamespace(status_code=status)
        assert not hooks.filter_failure(None, reused, key_case(command, {"idempotency-key": "0"}), response)
        assert hooks.filter_failure(None, reused, key_case(command, {}), response)  # no key sent: a real failure
        assert hooks.filter_failure(None, reused, key_case({"operationId": "x"}, {"Idempotency-Key": "0"}), response)


@pytest.mark.parametrize("node", ["workflows", "proposals"])
def test_an_open_node_answers_as_its_schema_says(suite, node):
    assert_conforms(run_schemathesis(suite.nodes[node].url, {}))


SECRET = "schemathesis-secret"


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """Both nodes as deployed (DEBUG=0, service credentials), their own: schemathesis fills them with its data."""
    running = Suite(tmp_path_factory.mktemp("deployed"), service_token=SECRET, debug=False).start()
    running.add_user("schemathesis", PASSWORD, "--superuser")
    yield running
    running.stop()


@pytest.mark.parametrize("node", ["workflows", "proposals"])
def test_a_closed_node_answers_as_its_schema_says(deployed, node):
    url = deployed.nodes[node].url
    caller = "proposals" if node == "workflows" else "workflows"  # the node that calls this one's gateway
    api = {"Authorization": f"Token {token_of(url, 'schemathesis')}"}
    deployed.add_user("revoker", PASSWORD, "--permission=proposals.view_proposal", nodes=(node,))
    own_token = {"Authorization": f"Token {token_of(url, 'revoker')}"}  # revoked by the run: an account of its own
    schema = requests.get(f"{url}/schema/?format=json", headers=api, timeout=30).json()
    revokes = [schema["paths"][path]["delete"]["operationId"] for path in (REVOKE, REVOKE_ONE)]
    excluded = [option for revoke in revokes for option in ("--exclude-operation-id", revoke)]
    assert_conforms(run_schemathesis(url, api, "--exclude-path-regex", GATEWAY, *excluded))
    if any(re.match(GATEWAY, path) for path in schema["paths"]):
        gateway = {"Authorization": f"Bearer {caller}:{SECRET}"}
        assert_conforms(run_schemathesis(url, gateway, "--include-path-regex", GATEWAY))
    included = [option for revoke in revokes for option in ("--include-operation-id", revoke)]
    assert_conforms(run_schemathesis(url, own_token, *included))
