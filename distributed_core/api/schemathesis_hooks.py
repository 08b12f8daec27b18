"""Schemathesis hooks: what a node's OpenAPI schema says that schemathesis does not read by itself.

An operation whose schema carries `x-refused-by-state` (written by `api.schema` beside its 400
answer) may refuse a schema-valid request with a 400 because of what is stored: approving a
package that is no longer Pending, a second active package for one entity, a wrong password.
The original answers these with a 400 too. schemathesis' `positive_data_acceptance` check expects
a schema-valid request to be accepted; this hook drops that check's failure for a 400 from such
an operation, and nothing else (the run counts what it drops: "dropped by `filter_failure`").

A command route takes an `Idempotency-Key` (a header parameter of its schema): schemathesis
makes up a value for it in many requests, and a value it makes up again (hypothesis likes `"0"`)
with another body is refused with a 422, as the draft says it must be (a 409 while the first is
being answered). That refusal is about the key, not the request: it is dropped too, for a request
that sent the header to an operation that declares it.

The repository's `schemathesis.toml` loads this module (`hooks = ...`), so a plain
`schemathesis run http://127.0.0.1:5001/schema/ --checks all` from the repository root judges a
node as `tests/test_schemathesis.py` does. Only schemathesis imports it.
"""

from __future__ import annotations

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData

__all__ = ["IDEMPOTENCY_KEY", "REFUSED_BY_STATE", "filter_failure"]

REFUSED_BY_STATE = "x-refused-by-state"  # the operation's extension: when stored state refuses a valid request
IDEMPOTENCY_KEY = "Idempotency-Key"
KEY_REFUSALS = (409, 422)  # the key still being answered, or sent before with another request


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:
    """Keep every failure but a schema-valid request's refusal by what is stored: a documented
    `x-refused-by-state` 400, or the 409/422 of an Idempotency-Key it sent before."""
    if not isinstance(failure, RejectedPositiveData):
        return True
    operation = case.operation.definition.raw
    if REFUSED_BY_STATE in operation and response.status_code == 400:
        return False
    return not (response.status_code in KEY_REFUSALS and _takes_key(operation) and _sent_key(case))


def _takes_key(operation: dict) -> bool:
    return any(parameter.get("name") == IDEMPOTENCY_KEY for parameter in operation.get("parameters", []))


def _sent_key(case) -> bool:
    return any(name.lower() == IDEMPOTENCY_KEY.lower() for name in (getattr(case, "headers", None) or {}))
