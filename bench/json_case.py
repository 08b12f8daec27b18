"""The wire's camelCase JSON: the node's own (`api/json.py` + `wire.py`) against djangorestframework-camel-case.

    .venv/bin/pip install djangorestframework-camel-case==1.4.2    # not a dependency of the project
    .venv/bin/python bench/json_case.py [--rounds 7] [--seconds 0.5]

Not a test: it prints figures, for the decision recorded in docs/performance.md ("camelCase JSON").
In one process (the proposals node's settings, no database) it first checks what the wire needs of
each implementation (nulls omitted, a body nested deeper than 32 levels refused with a 400 and a
hostile one never a 500, a body over DATA_UPLOAD_MAX_MEMORY_SIZE refused with a 413, camelCase keys
read as snake_case, `type` kept, enums as their names, datetimes ending in `Z`), then times, in
rounds that take the implementations in turns (a rotating order, so the load of others on a shared
machine falls on all alike), the render of a typical list (20 proposals as the node answers them)
and of an ApiMessage with a package, and the parse of a package's save body:

    node        distributed_core.api.json.CamelCaseJSONRenderer / CamelCaseJSONParser
    library     djangorestframework_camel_case's CamelCaseJSONRenderer / CamelCaseJSONParser as shipped
    library+    the library with what the wire needs that it lacks, as the thinnest subclasses: nulls
                dropped before its camelize, the size and depth limits (and the 500 on a deep body)
                before its underscoreize

It prints each round's operations/s, and per measure the median of the per-round ratios to `node`
(and their range) and the median time per call.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "proposals_node"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proposals_project.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from rest_framework.exceptions import APIException  # noqa: E402

from contracts.workflows import PackageData, PackageDataSerializer, PackageStates  # noqa: E402
from distributed_core.api import json as node_json  # noqa: E402
from distributed_core.api.json import MAX_DEPTH, nesting_depth  # noqa: E402
from proposals.models import Proposal  # noqa: E402
from proposals.serializers import ProposalSerializer  # noqa: E402

try:
    from djangorestframework_camel_case import parser as lib_parser  # noqa: E402
    from djangorestframework_camel_case import render as lib_render  # noqa: E402
    from djangorestframework_camel_case.util import underscoreize  # noqa: E402
except ImportError:
    sys.exit("pip install djangorestframework-camel-case==1.4.2 first (it is not a dependency of the project)")


def without_nulls(data):
    """What the library lacks on the way out: nulls omitted (one more walk before its camelize)."""
    if isinstance(data, dict):
        return {key: without_nulls(value) for key, value in data.items() if value is not None}
    if isinstance(data, list | tuple):
        return [without_nulls(item) for item in data]
    return data


class LibraryPlusRenderer(lib_render.CamelCaseJSONRenderer):
    """The library's renderer, omitting nulls."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return super().render(without_nulls(data), accepted_media_type, renderer_context)


class LibraryPlusParser(node_json.CamelCaseJSONParser):
    """The node's limits (size, depth, a deep body a 400), then the library's underscoreize instead of from_wire."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise node_json.RequestTooLarge("too large")
        try:
            data = node_json.JSONParser.parse(self, io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise node_json.ParseError("too deep") from None
        if nesting_depth(data, MAX_DEPTH) > MAX_DEPTH:
            raise node_json.ParseError("too deep")
        return underscoreize(data)


IMPLEMENTATIONS = {
    "node": (node_json.CamelCaseJSONRenderer(), node_json.CamelCaseJSONParser()),
    "library": (lib_render.CamelCaseJSONRenderer(), lib_parser.CamelCaseJSONParser()),
    "library+": (LibraryPlusRenderer(), LibraryPlusParser()),
}


# -- typical payloads, made by the node's own serializers ---------------------------------------

NOW = datetime.datetime(2026, 10, 1, 12, 30, 15, 123456, tzinfo=datetime.UTC)


def proposals_list() -> list:
    """What `GET /api/proposal/get` answers with 20 proposals (half without a package: a null to omit)."""
    proposals = [
        Proposal(id=i, type="Proposal", value=f"Proposal number {i}", title=f"Title {i}", status_id=i,
                 package_id=i if i % 2 else None, date_created=NOW, date_modified=NOW)
        for i in range(1, 21)
    ]  # fmt: skip
    return ProposalSerializer(proposals, many=True).data


def package_message() -> dict:
    """What `POST /api/workflows/submitPackage` answers: an ApiMessage with the package (nulls among its fields)."""
    package = PackageData(id=7, value="Please approve", title="Budget", entity_id=3, entity_type="Proposal",
                          date_created=NOW.isoformat(), date_modified=NOW.isoformat(), submitted_by="ann")  # fmt: skip
    data = PackageDataSerializer(package).data
    return {"data": data, "message": "Package 7 submitted", "error": False, "has_data": True}


SAVE_BODY = (
    b'{"id": 0, "value": "Please approve", "title": "Budget", "result": "Active", "entityId": 3,'
    b' "entityType": "Proposal", "state": "Pending", "dateCreated": null}'
)


# -- what the wire needs ------------------------------------------------------------------------


def parse(parser, body: bytes):
    """The parser's answer: its data, or the status code of the DRF error it raised, or the uncaught exception."""
    try:
        return parser.parse(io.BytesIO(body), "application/json", {})
    except APIException as refusal:
        return refusal.status_code
    except Exception as error:  # noqa: BLE001 - an uncaught exception is a 500: what this looks for
        return f"500 ({type(error).__name__})"


def refusal(parser, body: bytes) -> str:
    """The status code a body gets from the parser: "accepted" when it parses, "500 (...)" when it raises."""
    answer = parse(parser, body)
    return str(answer) if isinstance(answer, int | str) else "accepted"


def behaviours(renderer, parser) -> dict[str, object]:
    """Each behaviour the wire needs -> what this implementation does."""
    rendered = renderer.render(
        {"package_id": None, "date_created": NOW, "type": "Proposal", "state": PackageStates.PENDING}
    ).decode()
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    too_large = b'{"value": "' + b"x" * limit + b'"}'
    return {
        "nulls omitted": "packageId" not in rendered,
        "datetime ends in Z": '"dateCreated":"2026-10-01T12:30:15.123456Z"' in rendered,
        "`type` kept, enum as its name": '"type":"Proposal"' in rendered and '"state":"Pending"' in rendered,
        "camelCase read as snake_case": parse(parser, b'{"entityId": 1, "dateCreated": "x"}')
        == {"entity_id": 1, "date_created": "x"},
        "depth 33 -> 400": refusal(parser, b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)),
        "depth 100000 -> 400": refusal(parser, b"[" * 100_000 + b"]" * 100_000),
        f"body over {limit} bytes -> 413": refusal(parser, too_large),
    }


# -- timing -------------------------------------------------------------------------------------


def rate(work: Callable[[], object], seconds: float) -> float:
    """Calls of `work` per second, over about `seconds`."""
    calls, start = 0, time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(50):
            work()
        calls += 50
        now = time.perf_counter()
        if now >= deadline:
            return calls / (now - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=0.5, help="per implementation, measure and round")
    args = parser.parse_args()

    print("== what the wire needs")
    table = {name: behaviours(*pair) for name, pair in IMPLEMENTATIONS.items()}
    for behaviour in table["node"]:
        print(f"  {behaviour:34}" + "".join(f"{name} {table[name][behaviour]!s:22}" for name in IMPLEMENTATIONS))

    listing, message = proposals_list(), package_message()
    measures = {
        "render list (20 proposals)": lambda renderer, _: renderer.render(listing),
        "render ApiMessage(package)": lambda renderer, _: renderer.render(message),
        "parse a package save body": lambda _, parser: parser.parse(io.BytesIO(SAVE_BODY), "application/json", {}),
    }
    names = list(IMPLEMENTATIONS)
    print(f"\n== operations/s, {args.rounds} rounds of {args.seconds} s each (load {os.getloadavg()[0]:.1f})")
    for measure, work in measures.items():
        ratios: dict[str, list[float]] = {name: [] for name in names[1:]}
        per_call: dict[str, list[float]] = {name: [] for name in names}
        print(f"  {measure}")
        for round_ in range(args.rounds):
            order = names[round_ % len(names) :] + names[: round_ % len(names)]
            rates = {}
            for name in order:
                rates[name] = rate(lambda name=name, work=work: work(*IMPLEMENTATIONS[name]), args.seconds)
            for name in names[1:]:
                ratios[name].append(rates[name] / rates["node"])
            for name in names:
                per_call[name].append(1e6 / rates[name])
            print("    " + "  ".join(f"{name} {rates[name]:9,.0f}" for name in names))
        summary = ", ".join(
            f"{name}/node median {statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"
            for name, values in ratios.items()
        )
        print(f"    {summary}")
        print("    median µs per call: " + ", ".join(f"{n} {statistics.median(v):.0f}" for n, v in per_call.items()))
    print(f"(load at end {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
