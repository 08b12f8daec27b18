"""Schemathesis hooks: what a node's OpenAPI schema says that schemathesis does not read by itself.

An operation whose schema carries `x-refused-by-state` (written by `api.schema` beside its 400
answer) may refuse a schema-valid request with a 400 because of what is stored: approving a
package that is no longer Pending, a second active package for one entity, a wrong password.
The original answers these with a 400 too. schemathesis' `positive_data_acceptance` check expects
a schema-valid request to be accepted; this hook drops that check's failure for a 400 from such
an operation, and nothing else (the run counts what it drops: "dropped by `filter_failure`").

The repository's `schemathesis.toml` loads this module (`hooks = ...`), so a plain
`schemathesis run http://127.0.0.1:5001/schema/ --checks all` from the repository root judges a
node as `tests/test_schemathesis.py` does. Only schemathesis imports it.
"""

from __future__ import annotations

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData

__all__ = ["REFUSED_BY_STATE", "filter_failure"]

REFUSED_BY_STATE = "x-refused-by-state"  # the operation's extension: when stored state refuses a valid request


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:
    """Keep every failure but a schema-valid request's 400 from an operation documented `x-refused-by-state`."""
    refused_by_state = REFUSED_BY_STATE in case.operation.definition.raw
    return not (refused_by_state and isinstance(failure, RejectedPositiveData) and response.status_code == 400)
