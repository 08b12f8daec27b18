"""Schemathesis against each node's own OpenAPI schema, on real node processes: every answer conforms.

All of schemathesis' checks run on every operation (not_a_server_error, status_code_conformance,
content_type_conformance, response_schema_conformance, negative_data_rejection,
positive_data_acceptance, ignored_auth and the rest), twice per node:

- open: the embedded default (DEBUG on), where anonymous callers may do everything;
- closed: as deployed (DEBUG=0, service credentials): schemathesis calls the API with a
  superuser's token and the gateway with the other node's service credential, and checks that
  a request without them, or with wrong ones, is refused.

One thing is read from the schema itself: an operation whose 400 answer is documented with
`x-refused-by-state` may refuse a schema-valid request because of what is stored (approving a
package that is no longer Pending, a second active package for one entity, a wrong password).
For those operations, and only those, positive_data_acceptance also expects that 400; the
schema says when it happens. `DELETE /api/auth/token/` revokes the token it is sent with, so in
the closed run it gets a token of its own, in a run of its own.

Bounded: a fixed seed and number of examples per operation (SCHEMATHESIS_MAX_EXAMPLES, default
25) keep the runs deterministic and within about a minute per node.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from .nodes import Suite
from .people import PASSWORD, token_of

SEED = os.environ.get("SCHEMATHESIS_SEED", "20261127")
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25")
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]  # schemathesis' default
REVOKE = "/api/auth/token/"
REVOKE_ONE = "/api/auth/tokens/{id}/"


def config_for(schema: dict, headers: dict[str, str], gateway_headers: dict[str, str]) -> str:
    """schemathesis.toml: the credentials to send, and a 400 expected where the schema says stored state refuses."""
    lines = [f"headers = {toml_table(headers)}", ""]
    if gateway_headers:
        lines += ["[[operations]]", 'include-path-regex = "^/gateway"', f"headers = {toml_table(gateway_headers)}", ""]
    for operations in schema["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict) and "x-refused-by-state" in operation:
                expected = ", ".join(f'"{status}"' for status in [*POSITIVE_STATUSES, "400"])
                lines += [
                    "[[operations]]",
                    f'include-operation-id = "{operation["operationId"]}"',
                    f"checks.positive_data_acceptance.expected-statuses = [{expected}]",
                    "",
                ]
    return "\n".join(lines)


def toml_table(values: dict[str, str]) -> str:
    return "{ " + ", ".join(f'{key} = "{value}"' for key, value in values.items()) + " }"


def run_schemathesis(
    base_url: str, work: Path, headers: dict[str, str], gateway_headers: dict[str, str], *selection: str
) -> subprocess.CompletedProcess:
    schema = requests.get(f"{base_url}/schema/?format=json", headers=headers, timeout=30).json()
    config = work / "schemathesis.toml"
    config.write_text(config_for(schema, headers, gateway_headers))
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run", f"{base_url}/schema/"]
    command += ["--checks", "all", "--max-examples", MAX_EXAMPLES, "--seed", SEED, "--workers", "1"]
    command += ["--generation-database", "none", "--no-color", "--request-timeout", "20", *selection]
    return subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=900)


def assert_conforms(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stdout[-12000:] + result.stderr[-3000:]
    assert " passed" in result.stdout, result.stdout[-3000:]


@pytest.mark.parametrize("node", ["workflows", "proposals"])
def test_an_open_node_answers_as_its_schema_says(suite, node, tmp_path):
    assert_conforms(run_schemathesis(suite.nodes[node].url, tmp_path, {}, {}))


SECRET = "schemathesis-secret"


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """Both nodes as deployed (DEBUG=0, service credentials), their own: schemathesis fills them with its data."""
    running = Suite(tmp_path_factory.mktemp("deployed"), service_token=SECRET, debug=False).start()
    running.add_user("schemathesis", PASSWORD, "--superuser")
    yield running
    running.stop()


@pytest.mark.parametrize("node", ["workflows", "proposals"])
def test_a_closed_node_answers_as_its_schema_says(deployed, node, tmp_path):
    url = deployed.nodes[node].url
    caller = "proposals" if node == "workflows" else "workflows"  # the node that calls this one's gateway
    gateway = {"Authorization": f"Bearer {caller}:{SECRET}"}
    api = {"Authorization": f"Token {token_of(url, 'schemathesis')}"}
    deployed.add_user("revoker", PASSWORD, "--permission=proposals.view_proposal", nodes=(node,))
    own_token = {"Authorization": f"Token {token_of(url, 'revoker')}"}  # revoked by the run: an account of its own
    schema = requests.get(f"{url}/schema/?format=json", headers=api, timeout=30).json()
    revokes = [schema["paths"][path]["delete"]["operationId"] for path in (REVOKE, REVOKE_ONE)]
    excluded = [option for revoke in revokes for option in ("--exclude-operation-id", revoke)]
    assert_conforms(run_schemathesis(url, tmp_path, api, gateway, *excluded))
    included = [option for revoke in revokes for option in ("--include-operation-id", revoke)]
    assert_conforms(run_schemathesis(url, tmp_path, own_token, {}, *included))
