"""Follow a page of the docs as its reader would: write the files it shows, apply the changes it
shows and run the commands it shows, in page order, in a copy of the suite.

What a page holds, block by block (a fenced block at the start of a line):

- a block whose first line is `# <path>` (`# invoices_node/invoices/models.py`; `// <path>` in
  JavaScript, `{# <path> #}` in a template): the whole
  content of that file, relative to the repository root; `# <path> (excerpt)`: lines the file
  must already hold, in that order (what a generated file says, shown without the rest of it);
- a ```diff block (`--- a/<path>`, `+++ b/<path>`, hunks): a change, applied hunk by hunk by
  its content (the `@@` line numbers are not used, so the file may differ around a hunk);
- a ```bash block: commands, run with `bash -e -o pipefail` from the repository root.
  Variables a block sets stay set for the blocks after it, as in the reader's terminal.

Other blocks (output, JSON, a file's shape) are read, not run. An HTML comment right before a
block, which the page does not show, tells the runner more:

- `<!-- test: background -->`: a server the reader leaves running in a terminal of its own.
  The runner starts it and waits until every `--port` the block names (else every node in
  nodes.json) answers `/ready/`. It stops it as Ctrl-C does at the end, or before it starts a
  server on one of the same ports (the reader stops the first one, as the page says).
- `<!-- test: output "text" -->` (or `'text'`): the block's output must hold `text` (one comment
  per text).
- `<!-- test: eventually "text" -->`: the block is run again until its output holds `text`
  (what a listener applies arrives a moment after the command that caused it).
- `<!-- test: skip: why -->`: the block is not run; the page's source says why.

`<!-- test: background on 5002 -->` names the ports to wait for when the block names none (a
proxy). Three comments stand on their own:

- `<!-- test: setup` ... `-->`: bash the page does not show, run in its place: what a guide
  supposes (a saga that keeps failing on an event), made real for the test.
- `<!-- test: follows howto/<page>.md -->`, at the top: follow that page first, in the same copy
  (a guide that goes on from another one).
- `<!-- test: stop 5002 -->`: the reader stops what serves that port (Ctrl-C in its terminal).

The ports a page names (5001, 5002, ...) are mapped to free ones, since another suite may be
serving on this machine: the copy's nodes.json gets the free ports, and every `500N` of a
command or of a file it writes becomes its free port. `python3` and `.venv/bin/python` are the
Python that runs the tests, with `DD_SKIP_VENV=1`, and import the copy's `distributed_core` and
`contracts` (`PYTHONPATH`), as a checkout's `.venv` imports its own; `.venv/bin/gunicorn` and
`.venv/bin/uvicorn` run that Python's servers (what `deploy/bin` runs).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import requests
from urllib3.exceptions import InsecureRequestWarning

from .nodes import ROOT, copy_suite

FENCE = re.compile(
    r"^(?P<directives>(?:<!-- test: [^\n]*-->\n)*)```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^```[ \t]*$",
    re.S | re.M,
)
DIRECTIVE = re.compile(r"<!-- test: (?P<kind>background|output|eventually|skip)(?P<rest>[^\n]*?)\s*-->")
SETUP = re.compile(r"^<!-- test: setup\n(?P<body>.*?)^-->$", re.S | re.M)
STOP = re.compile(r"^<!-- test: stop (?P<ports>[\d ]+) -->$", re.M)
FOLLOWS = re.compile(r"^<!-- test: follows (?P<page>\S+) -->$", re.M)
# `# path` (Python), `// path` (JavaScript), `{# path #}` (a Django template)
FILE_HEADER = re.compile(r"\A(?:#|//|\{#) (?P<path>[\w./-]+\.\w+)(?P<excerpt> \(excerpt\))?(?: #\})?\n")
DOC_PORT = re.compile(r"\b500([1-9])\b")
BLOCK_TIMEOUT = 300
READY_TIMEOUT = 180.0
EVENTUALLY_TIMEOUT = 60.0  # a listener that reconnects with backoff on a busy machine


@dataclass
class Block:
    """One fenced block of a page, with the runner's directives written before it."""

    lang: str
    body: str
    line: int
    directives: list[tuple[str, str]] = field(default_factory=list)

    def wants(self, kind: str) -> list[str]:
        """The arguments of this block's directives of `kind` (a text in quotes, or the rest of the comment)."""
        found = []
        for name, rest in self.directives:
            if name == kind:
                quoted = re.fullmatch(r"""\s*(["'])(.*)\1\s*""", rest)
                found.append(quoted.group(2) if quoted else rest.strip(" :"))
        return found


def blocks_of(page: str) -> list[Block]:
    """The fenced blocks of a page and its hidden setup blocks, in page order, each with its directives."""
    found = []
    for match in FENCE.finditer(page):
        directives = [(d["kind"], d["rest"]) for d in DIRECTIVE.finditer(match["directives"])]
        found.append(Block(match["lang"], match["body"], page.count("\n", 0, match.start("body")), directives))
    for match in SETUP.finditer(page):
        found.append(Block("bash", match["body"], page.count("\n", 0, match.start("body"))))
    for match in STOP.finditer(page):
        found.append(Block("stop", match["ports"], page.count("\n", 0, match.start())))
    return sorted(found, key=lambda block: block.line)


class DocError(AssertionError):
    """A page cannot be followed as written: the message names the page, its line and what went wrong."""


def apply_diff(root: Path, diff: str) -> Path:
    """Apply a unified diff of one file by content; the file it changed."""
    lines = diff.splitlines()
    target = next((line[6:] for line in lines if line.startswith("+++ b/")), None)
    if target is None:
        raise ValueError("a diff block needs a '+++ b/<path>' line")
    path = root / target
    created = any(line.startswith("--- /dev/null") for line in lines)
    text = "" if created else path.read_text()
    hunks: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith("@@"):
            hunks.append((line, []))
        elif hunks and not line.startswith(("--- ", "+++ ")):
            hunks[-1][1].append(line if line else " ")  # an editor may strip a context line's one space
    if not hunks:
        raise ValueError(f"the diff of {target} has no hunk")
    for header, hunk in hunks:
        old_lines = [line[1:] for line in hunk if line[0] in " -"]
        new_lines = [line[1:] for line in hunk if line[0] in " +"]
        counts = re.match(r"@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@", header)
        # `patch` and `git apply` read these counts: a reader who applies the diff needs them right
        if counts is None or [int(n or 1) for n in counts.groups()] != [len(old_lines), len(new_lines)]:
            found = f"{len(old_lines)} old and {len(new_lines)} new lines"
            raise ValueError(f"{header!r} of {target}: the hunk has {found}")
        old = "".join(line + "\n" for line in old_lines)
        new = "".join(line + "\n" for line in new_lines)
        if created:
            text = new
            continue
        if text.count(old) != 1:
            where = "is not" if old not in text else "is more than once"
            raise ValueError(f"this part of {target} {where} in the file:\n{old}")
        text = text.replace(old, new)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def check_excerpt(root: Path, path: str, excerpt: str) -> None:
    """Every line of `excerpt` is a line of the file at `path`, in the same order."""
    lines = (root / path).read_text().splitlines()
    position = 0
    for wanted in excerpt.splitlines():
        if not wanted.strip():
            continue
        try:
            position = lines.index(wanted, position) + 1
        except ValueError:
            raise ValueError(f"{path} has no line {wanted!r} (after line {position})") from None


def free_port_range(size: int = 9) -> int:
    """A first port such that it and the `size - 1` after it are free on loopback now."""
    for _ in range(200):
        first = 20000 + secrets.randbelow(40000)
        if all(_port_free(first + offset) for offset in range(size)):
            return first
    raise RuntimeError("no range of free ports found")


def ready(port: int) -> bool:
    """Whether a node answers `/ready/` with 200 on this loopback port, over HTTP or (nginx in front) HTTPS."""
    for scheme in ("http", "https"):
        try:
            # a proxy's certificate is the page's own throwaway one: whether it serves is the question here
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", InsecureRequestWarning)
                answer = requests.get(f"{scheme}://127.0.0.1:{port}/ready/", timeout=2, verify=False)
            if answer.status_code == 200:
                return True
        except requests.RequestException:
            continue
    return False


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class PageRun:
    """One page followed in a fresh copy of the suite (demo nodes and deploy/ included), first block to last."""

    def __init__(self, page: Path, work: Path) -> None:
        self.page = page
        self.work = work
        self.root = copy_suite(work / "suite", extra=("proposals_node", "workflows_node", "deploy"))
        self.first_port = free_port_range()
        nodes = json.loads((self.root / "nodes.json").read_text())
        for node in nodes:
            node["port"] = self.port_for(node["port"])
        (self.root / "nodes.json").write_text(json.dumps(nodes, indent=2) + "\n")
        self.env = self._environment()
        self.servers: list[tuple[subprocess.Popen, list[int]]] = []  # each with the ports it serves
        self.server_log = work / "server.log"
        self.transcript: list[str] = []

    def port_for(self, doc_port: int) -> int:
        """The free port that stands for the page's `doc_port` (5001 is the first of the range)."""
        if not 5001 <= doc_port <= 5009:
            raise ValueError(f"port {doc_port}: a page's ports are 5001-5009")
        return self.first_port + doc_port - 5001

    def mapped(self, text: str) -> str:
        """`text` with each of the page's ports replaced by the free port that stands for it."""
        return DOC_PORT.sub(lambda match: str(self.port_for(int(match.group(0)))), text)

    def _environment(self) -> dict[str, str]:
        shims = self.work / "bin"
        shims.mkdir(exist_ok=True)
        venv_bin = self.root / ".venv" / "bin"
        venv_bin.mkdir(parents=True)
        for shim in (shims / "python3", venv_bin / "python"):
            shim.write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
            shim.chmod(0o755)
        for server in ("gunicorn", "uvicorn"):  # what deploy/bin runs from a checkout's .venv/bin
            (venv_bin / server).write_text(f'#!/bin/sh\nexec {sys.executable} -m {server} "$@"\n')
            (venv_bin / server).chmod(0o755)
        dropped = {"REDIS_URL", "TEST_POSTGRES_URL", "TEST_REDIS_URL", "DJANGO_SETTINGS_MODULE"}
        env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and k not in dropped}
        env.update(
            {
                "PATH": f"{shims}{os.pathsep}{env.get('PATH', '')}",
                # the copy's distributed_core and contracts, not the checkout's editable install
                "PYTHONPATH": str(self.root),
                "DD_SKIP_VENV": "1",
                "PYTHONUNBUFFERED": "1",
                "CHANNEL_LAYER_PREFIX": f"doc-{secrets.token_hex(4)}",
            }
        )
        return env

    # -- following the page ----------------------------------------------------------------

    def follow(self) -> None:
        """Take each block of the page in order (after the page it follows, if any); stop the servers at the end."""
        try:
            text = self.page.read_text()
            for earlier in FOLLOWS.finditer(text):
                self.take_page(ROOT / "docs" / earlier["page"])
                for server, _ in self.servers:
                    stop(server)
                self.servers.clear()
            self.take_page(self.page)
        finally:
            for server, _ in self.servers:
                stop(server)

    def take_page(self, page: Path) -> None:
        for block in blocks_of(page.read_text()):
            try:
                self.take(block)
            except (ValueError, OSError, subprocess.SubprocessError, TimeoutError) as error:
                raise DocError(where(page, block, str(error))) from error
            except DocError as error:
                raise DocError(where(page, block, str(error))) from None

    def take(self, block: Block) -> None:
        if block.wants("skip"):
            return
        header = FILE_HEADER.match(block.body)
        if block.lang == "stop":
            self.stop_servers([self.port_for(int(port)) for port in block.body.split()])
        elif block.lang == "diff":
            apply_diff(self.root, self.mapped(block.body))
        elif header and header["excerpt"]:
            check_excerpt(self.root, header["path"], block.body[header.end() :])
        elif header:
            path = self.root / header["path"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(self.mapped(block.body[header.end() :]))
        elif block.lang == "bash" and block.wants("background"):
            self.start_server(block)
        elif block.lang == "bash":
            self.run_commands(block)

    def run_commands(self, block: Block) -> None:
        """Run a bash block; check what its directives expect of its output."""
        eventually = block.wants("eventually")
        deadline = time.monotonic() + EVENTUALLY_TIMEOUT
        while True:
            output = self.bash(block)
            missing = [text for text in [*block.wants("output"), *eventually] if text not in output]
            if not missing:
                return
            if not eventually or time.monotonic() > deadline:
                raise DocError(f"the output lacks {missing}:\n{output[-3000:]}")
            time.sleep(0.5)

    def bash(self, block: Block) -> str:
        """Run the block in bash with the variables set so far; the variables it sets are kept."""
        state = self.work / "state.env"
        script = f"set -a\n{self.mapped(block.body)}\nenv -0 > {state}\n"
        done = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", script],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=BLOCK_TIMEOUT,
        )
        output = done.stdout + done.stderr
        self.transcript.append(f"$ {block.body}{output}")
        if done.returncode != 0:
            raise DocError(f"exited with {done.returncode}:\n{output[-3000:]}")
        for entry in state.read_text().split("\0"):
            name, _, value = entry.partition("=")
            if name and name not in {"PWD", "OLDPWD", "SHLVL", "_"}:
                self.env[name] = value
        return output

    def start_server(self, block: Block) -> None:
        """Start the block in its own process group (a terminal of its own) and wait until it serves."""
        script = self.mapped(block.body)
        named = " ".join(block.wants("background"))
        ports = [self.port_for(int(port)) for port in re.findall(r"\d+", named)]
        ports = ports or [int(port) for port in re.findall(r"--port[ =](\d+)", script)]
        if not ports:
            ports = [node["port"] for node in json.loads((self.root / "nodes.json").read_text())]
        self.stop_servers(ports)  # the reader stopped what served these ports (Ctrl-C) to serve them anew
        with self.server_log.open("ab") as log:
            server = subprocess.Popen(
                ["bash", "-e", "-c", script],
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.servers.append((server, ports))
        deadline = time.monotonic() + READY_TIMEOUT
        waiting = list(ports)
        while waiting:
            if server.poll() is not None:
                raise DocError(f"the server exited with {server.returncode}:\n{self.server_output()}")
            if time.monotonic() > deadline:
                raise DocError(f"ports {waiting} not ready within {READY_TIMEOUT:g} s:\n{self.server_output()}")
            waiting = [port for port in waiting if not ready(port)]
            time.sleep(0.2)

    def stop_servers(self, ports: list[int]) -> None:
        """Stop (Ctrl-C) every server that serves one of `ports`."""
        for server, serving in list(self.servers):
            if set(serving) & set(ports):
                stop(server)
                self.servers.remove((server, serving))

    def server_output(self) -> str:
        return self.server_log.read_text(errors="replace")[-3000:]


def where(page: Path, block: Block, problem: str) -> str:
    """Where on which page a block could not be followed, and why."""
    if problem.startswith("docs/"):  # said already by a nested page
        return problem
    return f"{page.relative_to(ROOT)}, block at line {block.line}: {problem}"


def stop(server: subprocess.Popen) -> None:
    """Ctrl-C a server (SIGINT to its process group); kill the group if it has not stopped within 30 s."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
