"""Traffic through nginx while hosts stop, restart and die: writers saving proposals, and a saga driver that takes
proposals through workflows (submit through the proposals node's gateway proxy, approve at workflows).

Every request's outcome is kept: an answer 200 is acknowledged (what it wrote must be there at the
end), anything else is a failed request (a 502 is a write nginx could not finish and did not retry:
its outcome is unknown to the client, like any request cut off). Each write is sent as the design
says a client should: with an `Idempotency-Key` of its own, and sent once more with that key when
the connection fails (a keep-alive connection nginx closes as it reloads); the retries are counted.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import requests

from .clients import Api

__all__ = ["SagaDriver", "Writers"]


@dataclass
class Outcomes:
    """What a workload's requests got, thread-safe."""

    acknowledged: list[dict] = field(default_factory=list)  # the answers' `data`
    failures: Counter = field(default_factory=Counter)  # "<route> <status or error>" -> count
    sent: int = 0
    retried: int = 0  # writes sent again with their Idempotency-Key after a connection error
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, route: str, answer) -> dict | None:
        """Count `answer` (a response, or the exception a request raised); the data of a 200, else None."""
        with self.lock:
            self.sent += 1
            if isinstance(answer, Exception):
                self.failures[f"{route} {type(answer).__name__}"] += 1
                return None
            if answer.status_code != 200:
                self.failures[f"{route} {answer.status_code}"] += 1
                return None
            data = answer.json()["data"]
            self.acknowledged.append(data)
            return data

    @property
    def failed(self) -> int:
        return sum(self.failures.values())


def call(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except Exception as error:  # a reset, a timeout: a failed request, counted as such
        return error


def write(outcomes: Outcomes, api: Api, path: str, body: dict):
    """POST a command with an Idempotency-Key of its own; once more with the same key if the connection failed
    (the node answers a repeat with the first answer, without acting again). The response, or the error."""
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    answer = call(api.post, path, body, headers=headers)
    if isinstance(answer, requests.ConnectionError):
        with outcomes.lock:
            outcomes.retried += 1
        answer = call(api.post, path, body, headers=headers)
    return answer


class Writers:
    """`count` threads saving proposals through nginx, each at most `rate` a second, until `stop()`."""

    def __init__(self, api_factory, count: int = 3, rate: float = 8.0, prefix: str = "write") -> None:
        self.api_factory, self.count, self.pause, self.prefix = api_factory, count, 1.0 / rate, prefix
        self.outcomes = Outcomes()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,), daemon=True) for n in range(count)]

    def start(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def run(self, number: int) -> None:
        api: Api = self.api_factory()
        serial = 0
        while not self.stopping.is_set():
            serial += 1
            body = {"title": f"{self.prefix}-{number}-{serial}", "value": "written during the rehearsal"}
            self.outcomes.record("save", write(self.outcomes, api, "/api/proposal/save", body))
            self.stopping.wait(self.pause)

    def stop(self) -> Outcomes:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)
        return self.outcomes


class SagaDriver:
    """One thread: a proposal, its package submitted through proposals' gateway proxy, then approved at workflows."""

    def __init__(self, proposals_factory, workflows_factory, pause: float = 0.5) -> None:
        self.proposals_factory, self.workflows_factory, self.pause = proposals_factory, workflows_factory, pause
        self.outcomes = Outcomes()
        self.approved: list[dict] = []  # acknowledged approvals: the package as answered
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def start(self) -> SagaDriver:
        self.thread.start()
        return self

    def run(self) -> None:
        proposals: Api = self.proposals_factory()
        workflows: Api = self.workflows_factory()
        serial = 0
        while not self.stopping.is_set():
            serial += 1
            body = {"title": f"saga-{serial}", "value": "taken through workflows"}
            proposal = self.outcomes.record("save", write(self.outcomes, proposals, "/api/proposal/save", body))
            if proposal is not None:
                self.drive(proposals, workflows, proposal, serial)
            self.stopping.wait(self.pause)

    def drive(self, proposals: Api, workflows: Api, proposal: dict, serial: int) -> None:
        submission = {"title": f"package-{serial}", "value": "please approve"}
        submission.update({"entityId": proposal["id"], "entityType": "Proposal"})
        answer = write(self.outcomes, proposals, "/api/workflows/submitPackage", submission)
        package = self.outcomes.record("submitPackage", answer)
        if package is None:
            return
        approval = write(self.outcomes, workflows, "/api/package/approve", {"id": package["id"]})
        decided = self.outcomes.record("approve", approval)
        if decided is not None:
            self.approved.append(decided)

    def stop(self) -> Outcomes:
        self.stopping.set()
        self.thread.join(timeout=60)
        return self.outcomes


def elapsed(since: float) -> str:
    return f"{time.monotonic() - since:.1f} s"
