"""docs/walkthrough.md, followed to the letter (`tests/doc_runner.py`): its commands run against the
suite as the page starts and stops it, `up` first, then each node served on its own, one away at a
time, and answer what the page says they answer."""

from __future__ import annotations

from .doc_runner import PageRun
from .nodes import ROOT


def test_the_walkthrough_runs_as_written(tmp_path):
    PageRun(ROOT / "docs" / "walkthrough.md", tmp_path).follow()
