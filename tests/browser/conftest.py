"""Both nodes as real processes and a headless Chromium (Debian's, never a downloaded one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..nodes import Suite

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "docs" / "img"


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The suite as `manage_all.py up` runs it (DEBUG on: open; any loopback page may follow the hubs)."""
    running = Suite(tmp_path_factory.mktemp("apps")).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def closed_apps(tmp_path_factory):
    """The suite as deployed (DEBUG=0), the proposals page's origin allowed on the workflows hub, with accounts."""
    from ..people import add_accounts

    running = Suite(tmp_path_factory.mktemp("closed-apps"), service_token="apps-secret", debug=False)
    origins = [f"http://{host}:{running.proposals.port}" for host in ("127.0.0.1", "localhost")]
    running.workflows.env["CORS_ALLOWED_ORIGINS"] = ",".join(origins)
    running.start()
    add_accounts(running)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Chromium (apt-get install -y chromium) to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser):
    opened = browser.new_context(viewport={"width": 1280, "height": 900})
    yield opened
    opened.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
