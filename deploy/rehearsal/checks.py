"""The six things a rehearsal checks, (a) to (f), each printing what it measured and whether it holds.

(a) REST, sign-in and hubs through nginx (and its head limit, and the static files' cache)
(b) a hub client on one host receives an event caused by a write on the other
(c) every saga effect happens exactly once (with a listener on each host)
(d) a rolling restart under traffic: 0 failed requests, every hub client back with nothing missed or doubled
(e) kill -9 of a host during writes: no acknowledged write lost, the saga converges
(f) /health/ and /ready/ answered 200 by each instance directly, under the production settings
"""

from __future__ import annotations

import asyncio
import re
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

from .clients import Api, HubFollower, read_log, tls_context
from .layout import HOSTS, NODES, Layout
from .processes import Host, Proxy, migrate, wait_for
from .workload import Outcomes, SagaDriver, Writers

__all__ = ["Check", "Rehearsal"]

PASSWORD = "rehearsal horse battery staple"
DRAIN = 1.0  # seconds between taking a host out of nginx and stopping it: the preStop wait of an orchestrator
SAGA_MESSAGE = re.compile(r"linked to package (\d+)|package (\d+) (approved|rejected|withdrawn)")


@dataclass
class Check:
    """One check: its figures (printed as they come) and the conditions that must hold."""

    letter: str
    title: str
    figures: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def figure(self, text: str) -> None:
        self.figures.append(text)
        print(f"    {text}", flush=True)

    def expect(self, holds: bool, what: str) -> bool:
        if not holds:
            self.failures.append(what)
            print(f"    FAILED: {what}", flush=True)
        return holds

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"    NOTE: {text}", flush=True)

    @property
    def ok(self) -> bool:
        return not self.failures


def added(follower: HubFollower, entity_id: int) -> bool:
    """Whether `follower` has applied the OnAdd of `entity_id`."""
    return any(e["target"] == "OnAdd" and e["id"] == entity_id for e in list(follower.events.values()))


def flowing(*outcomes: Outcomes) -> bool:
    """True, unless requests only fail: then stop waiting for them with the failures they got."""
    for outcome in outcomes:
        if outcome.failed >= 10 and not outcome.acknowledged:
            raise RuntimeError(f"every request fails: {dict(outcome.failures)}")
    return True


def failures(*outcomes: Outcomes) -> str:
    """ " (save 502 x3, ...)" naming what failed, or nothing."""
    counted = sum((outcome.failures for outcome in outcomes), Counter())
    return f" ({', '.join(f'{what} x{count}' for what, count in counted.items())})" if counted else ""


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


class Rehearsal:
    """The running layout (hosts, proxy) and the checks run against it."""

    def __init__(self, layout: Layout, hosts: dict[str, Host], proxy: Proxy) -> None:
        self.layout, self.hosts, self.proxy = layout, hosts, proxy
        self.certificate = str(layout.certificate)
        self.tokens: dict[tuple[str, str], str] = {}

    # -- clients ---------------------------------------------------------------------------------

    def api(self, node: str, user: str | None = None) -> Api:
        """A client of `node` through nginx, with `user`'s token (None: anonymous)."""
        return Api(self.layout.public_url(node), self.certificate, token=self.token(node, user) if user else "")

    def token(self, node: str, user: str) -> str:
        if (node, user) not in self.tokens:
            raise RuntimeError(f"no token of {user} at {node}: the sign-in of check (a) failed")
        return self.tokens[(node, user)]

    def direct(self, node: str, host: str, user: str, role: str = "web") -> Api:
        """A client of one instance of `node`, sending what nginx would (public Host, X-Forwarded-Proto)."""
        port = self.layout.web_port[node] if role == "web" else self.layout.hubs_port[node]
        address = f"{HOSTS[host]}:{port}"
        token = self.token(node, user)
        return Api("", self.certificate, token=token, host=self.layout.public_host(node), address=address)

    def hub_url(self, node: str) -> str:
        hub = {"proposals": "proposal", "workflows": "package"}[node]
        return f"{self.layout.public_url(node).replace('https://', 'wss://')}/events/{hub}"

    def follower(self, name: str, node: str, user: str, host: str | None = None) -> HubFollower:
        address = f"{HOSTS[host]}:{self.layout.hubs_port[node]}" if host else ""
        return HubFollower(name, self.hub_url(node), self.token(node, user), self.certificate, address).start()

    def hub_log(self, node: str, user: str) -> dict[int, dict]:
        return read_log(self.hub_url(node), self.token(node, user), self.certificate)

    # -- (a) -------------------------------------------------------------------------------------

    def sign_in(self) -> None:
        """Every account's token through nginx, as an API client signs in (the checks act with them)."""
        started = time.monotonic()
        self.sign_ins = {}
        for node, user in (("proposals", "proposer"), ("workflows", "approver"), ("workflows", "proposer")):
            answer = self.api(node).post("/api/auth/token/", {"username": user, "password": PASSWORD})
            self.sign_ins[(node, user)] = f"{answer.status_code} {answer.text[:200]}"
            if answer.status_code == 200:
                self.tokens[(node, user)] = answer.json()["token"]
        self.sign_in_seconds = time.monotonic() - started

    def check_a(self, check: Check) -> None:
        for (node, user), answer in self.sign_ins.items():
            check.expect(answer.startswith("200"), f"token sign-in of {user} at {node}: {answer}")
        check.figure(
            f"token sign-in through nginx: {len(self.tokens)} of 3 answered 200 in {self.sign_in_seconds:.2f} s"
        )
        check.expect(self.session_sign_in("proposals", "proposer"), "session sign-in (CSRF over HTTPS) at proposals")

        anonymous = self.api("proposals").get("/api/proposal/get").status_code
        check.expect(anonymous in (401, 403), f"an anonymous read of a closed node answered {anonymous}")
        proposals = self.api("proposals", "proposer")
        saved = proposals.post("/api/proposal/save", {"title": "rehearsal", "value": "through nginx"})
        check.expect(saved.status_code == 200, f"save through nginx: {saved.status_code} {saved.text[:200]}")
        read = proposals.get(f"/api/proposal/getFromId/{saved.json()['data']['id']}") if saved.ok else None
        check.expect(read is not None and read.status_code == 200, "read back through nginx")
        gateway = proposals.get("/api/workflows/getPackagesByType/Proposal")
        check.expect(gateway.status_code == 200, f"proposals -> workflows gateway through nginx: {gateway.status_code}")
        check.figure(
            f"REST through nginx: anonymous read {anonymous}, save {saved.status_code}, read back "
            f"{read.status_code if read is not None else '-'}, gateway proxy {gateway.status_code}"
        )
        self.official_client(check)
        self.static_files(check)
        self.head_limit(check)

    def session_sign_in(self, node: str, user: str) -> bool:
        """A browser's sign-in through nginx: the form, its CSRF token, the Referer checked against the Host."""
        base = self.layout.public_url(node)
        session = requests.Session()
        session.trust_env = False
        session.verify = self.certificate
        page = session.get(f"{base}/accounts/login/", timeout=15)
        token = next((value for name, value in session.cookies.items() if name.endswith("csrftoken")), "")
        form = {"username": user, "password": PASSWORD, "next": "/", "csrfmiddlewaretoken": token}
        headers = {"Referer": f"{base}/accounts/login/"}
        answer = session.post(f"{base}/accounts/login/", data=form, headers=headers, allow_redirects=False, timeout=15)
        ok = page.status_code == 200 and answer.status_code == 302
        print(f"    session sign-in through nginx: page {page.status_code}, sign-in {answer.status_code}", flush=True)
        return ok

    def official_client(self, check: Check) -> None:
        """pysignalr (the official Python client) through nginx: negotiate, WebSocket upgrade, an OnAdd."""
        from pysignalr.client import SignalRClient

        token = self.tokens[("proposals", "proposer")]
        url = self.hub_url("proposals").replace("wss://", "https://")
        received: dict[int, float] = {}
        opened = threading.Event()

        async def follow() -> None:
            client = SignalRClient(url, headers={"Authorization": f"Token {token}"}, ssl=tls_context(self.certificate))

            async def on_open() -> None:
                opened.set()

            async def on_add(arguments) -> None:
                received[arguments[0]["id"]] = time.monotonic()

            client.on_open(on_open)
            client.on("OnAdd", on_add)
            task = asyncio.create_task(client.run())
            try:
                await asyncio.wait_for(asyncio.to_thread(opened.wait, 20), 25)
                sent = time.monotonic()
                answer = await asyncio.to_thread(
                    self.api("proposals", "proposer").post, "/api/proposal/save", {"title": "hub", "value": "OnAdd"}
                )
                saved = answer.json()["data"]["id"]
                deadline = time.monotonic() + 15
                while saved not in received and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                latency = received.get(saved, float("nan")) - sent
                check.expect(saved in received, "the official client did not receive its OnAdd through nginx")
                check.figure(
                    f"hub through nginx (pysignalr: negotiate, WebSocket): OnAdd {latency * 1000:.0f} ms after the save"
                )
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

        try:
            asyncio.run(asyncio.wait_for(follow(), 60))
        except Exception as error:  # the client could not connect: the check fails with the reason
            check.expect(False, f"official client through nginx: {type(error).__name__}: {error}")

    def static_files(self, check: Check) -> None:
        """A static file of the sign-in page: hashed name, gzip, a year's cache (WhiteNoise behind nginx)."""
        page = self.api("proposals").get("/accounts/login/").text
        found = re.search(r'(/static/[^"\']+\.css)', page)
        if not check.expect(found is not None, "no stylesheet on the sign-in page"):
            return
        path = found.group(1)
        answer = self.api("proposals").get(path, headers={"Accept-Encoding": "gzip"})
        hashed = re.search(r"\.[0-9a-f]{12}\.css$", path) is not None
        cache = answer.headers.get("Cache-Control", "")
        encoding = answer.headers.get("Content-Encoding", "")
        check.figure(f"static {path}: {answer.status_code}, hashed {hashed}, {encoding or 'identity'}, {cache}")
        check.expect(answer.status_code == 200 and hashed, "static files are not served by hashed names")
        check.expect("max-age=315360000" in cache and "immutable" in cache, f"static cache: {cache}")
        check.expect(encoding == "gzip", "static files are not served compressed")

    def head_limit(self, check: Check) -> None:
        """A request head over 16 KiB is refused by nginx, and by an instance's gunicorn directly."""
        big = {"X-Padding": "a" * (17 * 1024)}
        fits = {"X-Padding": "a" * (12 * 1024)}
        proxied = self.api("proposals").get("/health/", headers=big).status_code
        proxied_ok = self.api("proposals").get("/health/", headers=fits).status_code
        instance = f"http://{HOSTS['A']}:{self.layout.web_port['proposals']}/health/"
        direct = requests.get(instance, headers=big, timeout=10).status_code
        check.figure(
            f"a 17 KiB head: nginx {proxied}, gunicorn directly {direct}; a 12 KiB head through nginx {proxied_ok}"
        )
        check.expect(proxied in (400, 413, 414, 431) and direct == 431, "a head over 16 KiB was not refused")
        check.expect(proxied_ok == 200, "a 12 KiB head was refused")

    # -- (b) -------------------------------------------------------------------------------------

    def check_b(self, check: Check) -> None:
        for listening, writing in (("A", "B"), ("B", "A")):
            follower = self.follower(f"on {listening}", "proposals", "proposer", host=listening)
            try:
                if not check.expect(
                    follower.connected.wait(20), f"no hub connection on host {listening}: {follower.last_error}"
                ):
                    continue
                writer = self.direct("proposals", writing, "proposer")
                latencies, missed = [], 0
                for n in range(10):
                    sent = time.monotonic()
                    saved = writer.post("/api/proposal/save", {"title": f"fan-out {n}", "value": "cross-host"})
                    if not check.expect(saved.status_code == 200, f"save on host {writing}: {saved.status_code}"):
                        continue
                    wanted = saved.json()["data"]["id"]

                    try:
                        wait_for(lambda f=follower, i=wanted: added(f, i), 10, "the event", interval=0.01)
                        latencies.append(time.monotonic() - sent)
                    except TimeoutError:
                        missed += 1
                check.figure(
                    f"writes on host {writing} -> hub client on host {listening}: {len(latencies)}/10 received, "
                    f"median {median(latencies) * 1000:.0f} ms, max {max(latencies, default=0) * 1000:.0f} ms"
                )
                check.expect(missed == 0, f"{missed} events written on {writing} never reached a client on {listening}")
            finally:
                follower.stop()

    # -- (c) -------------------------------------------------------------------------------------

    def check_c(self, check: Check, cycles: int = 8) -> None:
        self.token("proposals", "proposer"), self.token("workflows", "approver")  # or fail now, with the reason
        driver = SagaDriver(lambda: self.api("proposals", "proposer"), lambda: self.api("workflows", "approver"), 0.1)
        driver.start()
        try:
            wait_for(lambda: flowing(driver.outcomes) and len(driver.approved) >= cycles, 120, f"{cycles} approvals")
        finally:
            outcomes = driver.stop()
        check.figure(
            f"{len(driver.approved)} packages submitted through the gateway proxy and approved; "
            f"{outcomes.failed} requests failed"
        )
        check.expect(outcomes.failed == 0, f"saga traffic failed: {dict(outcomes.failures)}")
        self.saga_converged(check, driver.approved)

    def saga_converged(self, check: Check, approved: list[dict], timeout: float = 60.0) -> None:
        """Each approval's effects (link, then unlink and status) are in the proposal hub's log exactly once."""
        started = time.monotonic()
        proposals = self.api("proposals", "proposer")

        def statuses_set() -> bool:
            return all(
                proposals.get(f"/api/proposal/getStatus/{package['entityId']}").json().get("state") == package["result"]
                for package in approved
            )

        try:
            wait_for(statuses_set, timeout, "every approved proposal's status", interval=0.5)
        except TimeoutError as error:
            check.expect(False, str(error))
        converged = time.monotonic() - started
        log = self.hub_log("proposals", "proposer")
        effects = Counter()
        for event in log.values():
            found = SAGA_MESSAGE.search(event.get("message") or "")
            if found:
                package = found.group(1) or found.group(2)
                effects[(int(package), "link" if found.group(1) else found.group(3))] += 1
        expected = [(package["id"], effect) for package in approved for effect in ("link", "approved")]
        missing = [key for key in expected if effects[key] == 0]
        doubled = {key: count for key, count in effects.items() if count > 1}
        check.figure(
            f"saga effects: {sum(effects[key] for key in expected)} of {len(expected)} expected, each once: "
            f"{not doubled and not missing}; all saga effects in the log {sum(effects.values())}, "
            f"doubled {len(doubled)}; statuses set {converged:.1f} s after the last approval"
        )
        check.expect(not missing, f"saga effects missing: {missing[:5]}")
        check.expect(not doubled, f"saga effects applied more than once: {dict(list(doubled.items())[:5])}")

    # -- (f) -------------------------------------------------------------------------------------

    def check_f(self, check: Check) -> None:
        answers = Counter()
        for host in self.hosts.values():
            for node, role, port in host.instances():
                for path in ("/health/", "/ready/"):
                    status = host.probe(port, path)
                    answers[status] += 1
                    check.expect(status == 200, f"{path} of {node} {role} on {host.address}:{port} answered {status}")
        check.figure(
            f"{sum(answers.values())} probes (/health/ and /ready/ of 8 instances, by their own address, plain HTTP): "
            f"{dict(answers)}"
        )
        host = self.hosts["A"]
        port = self.layout.web_port["proposals"]
        other = host.probe(port, "/api/proposal/get")
        redirect = requests.get(
            f"http://{host.address}:{port}/api/proposal/get",
            headers={"Host": self.layout.public_host("proposals")},
            allow_redirects=False,
            timeout=5,
        ).status_code
        check.figure(
            f"other paths keep the checks: by the instance's address {other}, plain HTTP by the public name {redirect}"
        )
        check.expect(other == 400 and redirect == 301, "the Host check or the HTTPS redirect is off for other paths")

    # -- (d) and (e) -----------------------------------------------------------------------------

    def traffic(self, prefix: str) -> tuple[Writers, SagaDriver, list[HubFollower]]:
        self.token("proposals", "proposer"), self.token("workflows", "approver")  # or fail now, with the reason
        followers = [self.follower(f"{prefix}-proposal-{n}", "proposals", "proposer") for n in range(3)]
        followers.append(self.follower(f"{prefix}-package", "workflows", "approver"))
        wait_for(lambda: all(f.connected.is_set() for f in followers), 30, "hub clients connected")
        writers = Writers(lambda: self.api("proposals", "proposer"), count=3, rate=5, prefix=prefix).start()
        driver = SagaDriver(
            lambda: self.api("proposals", "proposer"), lambda: self.api("workflows", "approver")
        ).start()
        wait_for(
            lambda: flowing(writers.outcomes, driver.outcomes)
            and len(writers.outcomes.acknowledged) >= 10
            and driver.approved,
            60,
            "traffic flowing",
        )
        return writers, driver, followers

    def settle(
        self, check: Check, writers: Writers, driver: SagaDriver, followers: list[HubFollower], all_cut: bool
    ) -> Outcomes:
        """Stop the traffic; check every acknowledged write is there and every hub client has the whole log."""
        written = writers.stop()
        sagas = driver.stop()
        stored = {p["id"] for p in self.api("proposals", "proposer").get("/api/proposal/get").json()}
        acknowledged = {
            p["id"] for p in written.acknowledged + sagas.acknowledged if "entityId" not in p and "state" not in p
        }
        lost = acknowledged - stored
        check.figure(
            f"requests {written.sent + sagas.sent}: "
            f"acknowledged {len(written.acknowledged) + len(sagas.acknowledged)}, "
            f"failed {written.failed + sagas.failed}{failures(written, sagas)}; "
            f"sent again after a connection error (same Idempotency-Key) {written.retried + sagas.retried}; "
            f"acknowledged proposals lost {len(lost)}"
        )
        check.expect(not lost, f"acknowledged writes lost: {sorted(lost)[:10]}")
        self.saga_converged(check, driver.approved)
        for node, user, group in (("proposals", "proposer", followers[:3]), ("workflows", "approver", followers[3:])):
            last = max(self.hub_log(node, user), default=0)
            try:
                wait_for(
                    lambda g=group, n=last: all(f.cursor >= n for f in g), 30, "hub clients caught up", interval=0.2
                )
            except TimeoutError:
                pass
            for follower in group:
                follower.stop()
                codes = ", ".join(f"{code} x{count}" for code, count in follower.close_codes.items()) or "none"
                check.figure(
                    f"hub client {follower.name}: {follower.connections} connections (closed: {codes}; SignalR Close "
                    f"messages {follower.signalr_closes}); applied {len(follower.applied)} of {last} "
                    f"({follower.live} live, {follower.replayed} by replay), duplicates dropped {follower.duplicates}"
                )
                check.expect(follower.exact(last), f"{follower.name} missed {follower.missing(last)[:10]}")
                if all_cut:  # every host restarted: every client was cut at least once, and came back
                    check.expect(follower.connections >= 2, f"{follower.name} was never cut and reconnected")
        return written

    def check_d(self, check: Check) -> None:
        writers, driver, followers = self.traffic("rolling")
        try:
            # a release: its migrations first, once, while the running code serves (they must suit it)
            started = time.monotonic()
            for node in NODES:
                migrate(self.layout, node)
            check.figure(f"deploy/bin/migrate per node under traffic: {time.monotonic() - started:.1f} s")
            for name in ("A", "B"):
                host, others = self.hosts[name], [other for other in self.hosts if other != name]
                reload = self.proxy.route(others)
                time.sleep(DRAIN)  # the orchestrator's preStop wait: requests nginx already sent there finish
                stopping = time.monotonic()
                codes = host.stop()
                stopped = time.monotonic() - stopping
                host.start()
                ready = host.ready()
                back = self.proxy.route(list(self.hosts))
                check.figure(
                    f"host {name}: out of nginx in {reload:.2f} s, SIGTERM -> all exited in {stopped:.1f} s "
                    f"(exit codes {sorted(set(codes.values()))}), restarted and ready in {ready:.1f} s, "
                    f"back in nginx in {back:.2f} s"
                )
            after = len(writers.outcomes.acknowledged)
            wait_for(lambda: len(writers.outcomes.acknowledged) >= after + 10, 60, "traffic after the restarts")
        finally:
            written = self.settle(check, writers, driver, followers, all_cut=True)
        held = self.layout.databases.connections()
        check.figure(
            "PostgreSQL connections held after it: "
            + ", ".join(f"{node} {count}" for node, count in held.items())
            + " (2 hosts; web 1 worker x 4 threads, hubs 4 threads, a listener on each host for proposals)"
        )
        check.expect(written.failed + driver.outcomes.failed == 0, "requests failed during the rolling restart")
        self.sigterm_only(check)
        if not any(f.signalr_closes for f in followers):
            check.note(
                "hub connections were cut by uvicorn's shutdown (WebSocket close 1012) without a SignalR Close "
                "message: clients reconnect and replay, but a SignalR client that does not reconnect by itself "
                "stays disconnected until the hub-side drain sends {type: 7, allowReconnect: true} (issue 17, item 4)"
            )

    def sigterm_only(self, check: Check) -> None:
        """For the record, not a condition: SIGTERM to host A while nginx still routes to it (no balancer step).

        What gunicorn's graceful stop and nginx's retry of refused connections achieve by
        themselves; a request already sent to a server that closes its socket is not retried.
        """
        writers = Writers(lambda: self.api("proposals", "proposer"), count=3, rate=5, prefix="sigterm").start()
        try:
            wait_for(lambda: flowing(writers.outcomes) and len(writers.outcomes.acknowledged) >= 10, 60, "writes")
            host = self.hosts["A"]
            host.stop()
            before = len(writers.outcomes.acknowledged)
            wait_for(lambda: len(writers.outcomes.acknowledged) >= before + 10, 60, "writes while A is down")
            host.start()
            host.ready()
            # A is ready: the balancer routes to it again (a reload also forgets the refusals nginx counted
            # against A while it was down, which would otherwise keep it out for fail_timeout)
            self.proxy.route(list(self.hosts))
            after = len(writers.outcomes.acknowledged)
            wait_for(lambda: len(writers.outcomes.acknowledged) >= after + 10, 60, "writes after A is back")
        finally:
            outcomes = writers.stop()
        check.figure(
            f"for the record, SIGTERM to host A without taking it out of nginx first: {outcomes.sent} writes, "
            f"{outcomes.failed} failed{failures(outcomes)}"
        )
        if outcomes.failed:
            check.note(
                "without the balancer step, requests reach a stopping instance: readiness must turn 503 "
                "before the server stops (the hub-side drain, issue 17 item 4), or the orchestrator must "
                "take the instance out first (as this rehearsal and the Kubernetes preStop do)"
            )

    def check_e(self, check: Check) -> None:
        writers, driver, followers = self.traffic("kill")
        host = self.hosts["B"]
        try:
            before = len(writers.outcomes.acknowledged)
            killed = time.monotonic()
            host.kill()
            wait_for(lambda: len(writers.outcomes.acknowledged) >= before + 15, 60, "writes going on after the kill")
            check.figure(
                f"host B killed (SIGKILL to all its processes); {len(writers.outcomes.acknowledged) - before} writes "
                f"acknowledged within {time.monotonic() - killed:.1f} s after"
            )
            host.start()
            ready = host.ready()
            check.figure(f"host B restarted and ready in {ready:.1f} s")
            more = len(writers.outcomes.acknowledged)
            wait_for(lambda: len(writers.outcomes.acknowledged) >= more + 10, 60, "writes after host B came back")
        finally:
            written = self.settle(check, writers, driver, followers, all_cut=False)
        if written.failed + driver.outcomes.failed:
            check.note(
                f"{written.failed + driver.outcomes.failed} requests in flight on host B when it died failed "
                "(not acknowledged; nginx does not resend a POST that reached an instance)"
            )


CHECKS = {
    "a": "REST, sign-in and hubs through nginx",
    "b": "a hub client on one host receives what a write on the other caused",
    "c": "every saga effect exactly once",
    "f": "health and readiness answered 200 by each instance directly",
    "d": "rolling restart under traffic: 0 failed requests, hub clients back, nothing missed or doubled",
    "e": "kill -9 of a host during writes: no acknowledged write lost, the saga converges",
}


def run_checks(rehearsal: Rehearsal, only: str = "") -> list[Check]:
    results = []
    rehearsal.sign_in()
    for letter, title in CHECKS.items():
        if only and letter not in only:
            continue
        check = Check(letter, title)
        print(f"\n({letter}) {title}", flush=True)
        started = time.monotonic()
        try:
            getattr(rehearsal, f"check_{letter}")(check)
        except Exception as error:  # a check that cannot go on fails with the reason; the others still run
            check.expect(False, f"{type(error).__name__}: {error}")
        check.seconds = time.monotonic() - started
        print(f"    -> {'holds' if check.ok else 'FAILS'} ({check.seconds:.0f} s)", flush=True)
        results.append(check)
    return results
