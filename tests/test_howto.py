"""Every how-to guide (docs/howto/*.md), followed to the letter in a fresh copy of the suite.

Each guide's files, changes and commands run as `tests/doc_runner.py` says, servers included,
and each command's output is checked where the page's source says what it must show. A guide
that holds nothing to run fails: a how-to is a task, and its steps are what is tested.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest

from .doc_runner import PageRun, blocks_of
from .nodes import ROOT

GUIDES = sorted((ROOT / "docs" / "howto").glob("*.md"))
NEEDS = re.compile(r"^<!-- test: needs (?P<what>[\w ]+) -->$", re.M)


def missing(what: str) -> str | None:
    """Why `what` (a tool or service a guide needs: nginx, openssl, redis) is not there, or None."""
    if what in ("nginx", "openssl"):
        return None if shutil.which(what) else f"{what} is not installed (apt-get install {what})"
    if what == "redis":
        import redis

        try:
            redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=3).ping()
        except redis.RedisError as error:
            return f"Redis does not answer on 127.0.0.1:6379: {error}"
        return None
    raise ValueError(f"unknown need {what!r}")


def test_there_are_guides():
    assert len(GUIDES) >= 8, [guide.name for guide in GUIDES]


@pytest.mark.parametrize("guide", GUIDES, ids=[guide.stem for guide in GUIDES])
def test_the_guide_runs_as_written(guide, tmp_path):
    runnable = [block for block in blocks_of(guide.read_text()) if block.lang in ("bash", "diff")]
    assert runnable, f"{guide.name} has no command or change to follow"
    needs = [name for match in NEEDS.finditer(guide.read_text()) for name in match["what"].split()]
    problems = [problem for problem in map(missing, needs) if problem]
    if problems and os.environ.get("CI", "").lower() != "true":
        pytest.skip("; ".join(problems))
    PageRun(guide, tmp_path).follow()
