"""Schemathesis against each node's own OpenAPI schema, on real node processes: every answer conforms.

All of schemathesis' checks run on every operation (not_a_server_error, status_code_conformance,
content_type_conformance, response_schema_conformance, negative_data_rejection,
positive_data_acceptance and the rest). One thing is read from the schema itself: an operation
whose 400 answer is documented with `x-refused-by-state` may refuse a schema-valid request
because of what is stored (approving a package that is no longer Pending, a second active
package for one entity). For those operations, and only those, positive_data_acceptance also
expects that 400; the schema says when it happens.

Bounded: a fixed seed and number of examples per operation (SCHEMATHESIS_MAX_EXAMPLES, default
25) keep the run deterministic and within about a minute per node.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

SEED = os.environ.get("SCHEMATHESIS_SEED", "20261127")
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25")
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]  # schemathesis' default


def config_for(schema: dict) -> str:
    """schemathesis.toml: positive_data_acceptance also expects 400 where the schema says a stored state refuses."""
    lines = []
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


def run_schemathesis(base_url: str, work: Path) -> subprocess.CompletedProcess:
    schema = requests.get(f"{base_url}/schema/?format=json", timeout=30).json()
    config = work / "schemathesis.toml"
    config.write_text(config_for(schema))
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run", f"{base_url}/schema/"]
    command += ["--checks", "all", "--max-examples", MAX_EXAMPLES, "--seed", SEED, "--workers", "1"]
    command += ["--generation-database", "none", "--no-color", "--request-timeout", "20"]
    return subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=900)


@pytest.mark.parametrize("node", ["workflows", "proposals"])
def test_every_answer_matches_the_schema(suite, node, tmp_path):
    result = run_schemathesis(suite.nodes[node].url, tmp_path)
    assert result.returncode == 0, result.stdout[-12000:] + result.stderr[-3000:]
    assert "No failures" in result.stdout or " passed" in result.stdout, result.stdout[-3000:]
