"""The Proposals app page at `/`: rendered by Django, with or without the SignalR client installed."""

import pytest
from django.test import override_settings

from distributed_core.node_settings import SIGNALR_BROWSER_DIR

pytestmark = pytest.mark.django_db

NOTICE = "live updates unavailable (run npm ci)"


@pytest.mark.skipif(not SIGNALR_BROWSER_DIR.is_dir(), reason="npm ci has not installed @microsoft/signalr")
def test_the_app_loads_the_signalr_client(client):
    page = client.get("/")
    html = page.content.decode()
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "signalr.min.js" in html and NOTICE not in html
    assert 'href="/swagger/"' in html and 'href="/api/"' in html and 'href="/admin/"' in html
    assert "proposals/app.js" in html and 'role="status"' in html


@override_settings(STATICFILES_DIRS=[])
def test_without_the_signalr_client_the_app_still_renders_with_a_notice(client):
    page = client.get("/")
    html = page.content.decode()
    assert page.status_code == 200
    assert NOTICE in html and "signalr.min.js" not in html


def test_the_app_follows_the_workflows_hub(client, settings):
    settings.DD_GATEWAYS = {"workflows": {"url": "http://127.0.0.1:6002/", "token": ""}}
    assert 'data-workflows-hub="http://127.0.0.1:6002/events/package"' in client.get("/").content.decode()
