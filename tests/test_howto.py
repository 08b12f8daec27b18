"""Every how-to guide (docs/howto/*.md), followed to the letter in a fresh copy of the suite.

Each guide's files, changes and commands run as `tests/doc_runner.py` says, servers included,
and each command's output is checked where the page's source says what it must show. A guide
that holds nothing to run fails: a how-to is a task, and its steps are what is tested.
"""

from __future__ import annotations

import pytest

from .doc_runner import PageRun, blocks_of
from .nodes import ROOT

GUIDES = sorted((ROOT / "docs" / "howto").glob("*.md"))


def test_there_are_guides():
    assert len(GUIDES) >= 8, [guide.name for guide in GUIDES]


@pytest.mark.parametrize("guide", GUIDES, ids=[guide.stem for guide in GUIDES])
def test_the_guide_runs_as_written(guide, tmp_path):
    runnable = [block for block in blocks_of(guide.read_text()) if block.lang in ("bash", "diff")]
    assert runnable, f"{guide.name} has no command or change to follow"
    PageRun(guide, tmp_path).follow()
