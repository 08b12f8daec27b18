"""The start-up warnings and deploy checks of distributed_core.checks."""

from __future__ import annotations

import pytest

from distributed_core.checks import (
    any_host_deploy,
    open_node_warnings,
    plain_http_gateways_deploy,
    short_secrets_deploy,
)

LONG = "k" * 32


@pytest.mark.parametrize(
    ("debug", "allow_anonymous", "why"),
    [
        (True, True, "OPEN (DEBUG is on)"),  # as the base settings set it while DEBUG is on
        (True, None, "OPEN (DEBUG is on)"),  # a project without the base settings
        (False, True, "OPEN (ALLOW_ANONYMOUS=1)"),
    ],
)
def test_the_open_node_warning_says_why_it_is_open(settings, debug, allow_anonymous, why):
    settings.DEBUG = debug
    settings.DD_ALLOW_ANONYMOUS = allow_anonymous
    settings.DD_SERVICE_TOKENS = ["proposals:s3cret"]
    assert why in open_node_warnings()[0]


def test_a_closed_node_with_service_tokens_warns_of_nothing(settings):
    settings.DEBUG = False
    settings.DD_ALLOW_ANONYMOUS = False
    settings.DD_SERVICE_TOKENS = ["proposals:s3cret"]
    assert open_node_warnings() == []


def test_any_host_is_a_deploy_error(settings):
    settings.ALLOWED_HOSTS = ["node.example", "*"]
    assert [error.id for error in any_host_deploy(None)] == ["distributed_core.E003"]
    settings.ALLOWED_HOSTS = ["node.example"]
    assert any_host_deploy(None) == []


def test_a_plain_http_gateway_is_a_deploy_error(settings):
    settings.DD_GATEWAYS = {
        "workflows": {"url": "http://workflows.internal:8000", "token": f"proposals:{LONG}"},
        "billing": {"url": "https://billing.example", "token": f"proposals:{LONG}"},
    }
    errors = plain_http_gateways_deploy(None)
    assert [error.id for error in errors] == ["distributed_core.E007"]
    assert "workflows" in errors[0].msg and "WORKFLOWS_GATEWAY_URL" in errors[0].hint
    settings.DD_GATEWAYS = {"workflows": {"url": "HTTPS://workflows.example", "token": ""}}
    assert plain_http_gateways_deploy(None) == []


def test_a_short_service_secret_is_a_deploy_error_when_debug_is_off(settings):
    settings.DEBUG = False
    settings.DD_SERVICE_TOKENS = ["proposals:short", f"billing:{LONG}"]
    settings.DD_GATEWAYS = {
        "workflows": {"url": "https://workflows.example", "token": "proposals:" + "k" * 31},
        "billing": {"url": "https://billing.example", "token": f"proposals:{LONG}"},
    }
    errors = short_secrets_deploy(None)
    assert [error.id for error in errors] == ["distributed_core.E008", "distributed_core.E008"]
    assert "SERVICE_TOKENS (proposals)" in errors[0].msg and "WORKFLOWS_GATEWAY_TOKEN" in errors[1].msg
    assert "short" not in str([error.msg for error in errors])  # never the secret itself
    settings.DEBUG = True
    assert short_secrets_deploy(None) == []
