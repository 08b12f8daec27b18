"""The code base stays `ruff` clean (the configuration is in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

from .nodes import ROOT


def test_ruff_check_passes():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-3000:]
