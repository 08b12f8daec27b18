"""The Workflows app page at `/`: rendered by Django, with or without the SignalR client installed."""

import pytest
from django.test import override_settings

from distributed_core.testing import get_app_page, signalr_client_missing

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(signalr_client_missing(), reason="npm ci has not installed @microsoft/signalr (a failure in CI)")
def test_the_app_loads_the_signalr_client(client):
    get_app_page(client, "workflows/app.js", live=True)


@override_settings(STATICFILES_DIRS=[])
def test_without_the_signalr_client_the_app_still_renders_with_a_notice(client):
    get_app_page(client, "workflows/app.js", live=False)
