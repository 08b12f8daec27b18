"""The core's settings: base_settings' defaults and the variables it reads, the env helpers, dd_settings' defaults.

The `DD_*` settings are declared once (`distributed_core.conf.CORE_SETTINGS`): the tests below the
hand-written ones go over every declared setting, so a new one is tested without an edit here.
"""

from __future__ import annotations

import importlib
import os
import sys
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings

from distributed_core.conf import CORE_SETTINGS, DEFAULTS, DistributedSettings, dd_settings, read_environment
from distributed_core.env import (
    LOOPBACK_ORIGIN,
    browser_origins,
    gateways,
    loopback_origin_regexes,
    node_database,
    suite_ports,
)
from distributed_core.management.commands.settings_reference import BEGIN, END, reference_table

READ = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CORS_ALLOWED_ORIGINS", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL"}
READ |= {"DD_DATA_DIR", "REDIS_URL", "CHANNEL_LAYER_PREFIX", "GATEWAY_ID", "SERVICE_TOKENS", "RUN_LISTENERS"}
READ |= {"HUB_KEEPALIVE_INTERVAL", "STATIC_ROOT", "LOG_LEVEL", "ALLOW_ANONYMOUS", "AUTH_TOKEN_LIFETIME"}
READ |= {"SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"}
READ |= {"SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "TRUST_X_FORWARDED_PROTO"}
READ |= {"HUB_HANDSHAKE_TIMEOUT", "HUB_MAX_CONNECTIONS", "HUB_MAX_PENDING", "HUB_INVOCATION_RATE"}
READ |= {"HUB_PING_BROADCAST_RATE"}
READ |= {"LISTENER_BATCH_SIZE", "LISTENER_MAX_ATTEMPTS", "LISTENER_RETRY_BACKOFF"}
READ |= {"HUB_KEEPALIVE_INTERVAL", "STATIC_ROOT", "LOG_LEVEL", "GATEWAY_TIMEOUT", "CONN_MAX_AGE"}
READ |= {"SERVER_THREADS", "SERVER_MAX_CONNECTIONS", "SERVER_HEADER_TIMEOUT", "SERVER_BODY_TIMEOUT"}
READ |= {"SERVER_KEEPALIVE_TIMEOUT", "GATEWAY_MAX_CALLS"}
READ |= {setting.variable for setting in CORE_SETTINGS if setting.variable}  # and any declared later


@pytest.fixture
def environment(monkeypatch):
    """The process environment without any variable the settings read; `setenv` adds one."""
    for name in list(os.environ):
        if name in READ or name.endswith(("_DATABASE_URL", "_GATEWAY_URL", "_GATEWAY_TOKEN")):
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.fixture
def base_settings(monkeypatch):
    """Loads distributed_core.base_settings afresh from the environment as it is then."""

    def load() -> dict:
        monkeypatch.delitem(sys.modules, "distributed_core.base_settings", raising=False)
        return vars(importlib.import_module("distributed_core.base_settings"))

    return load


def test_the_defaults_of_an_empty_environment(environment, base_settings):
    settings = base_settings()
    assert settings["DEBUG"] is True
    assert settings["SECRET_KEY"] == "dev-only-insecure-key-set-SECRET_KEY-in-deployment"
    assert settings["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]", "testserver"]
    assert settings["CORS_ALLOWED_ORIGINS"] == [] and settings["CSRF_TRUSTED_ORIGINS"] == []
    assert settings["CHANNEL_LAYERS"]["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert settings["STATIC_ROOT"] is None
    assert settings["LOGGING"]["loggers"]["distributed_core"]["level"] == "INFO"
    assert settings["DD_ALLOW_ANONYMOUS"] is True  # DEBUG is on: open, for the original apps
    assert settings["CORS_ALLOWED_ORIGIN_REGEXES"] == [LOOPBACK_ORIGIN]
    assert not any(settings[name] for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"))
    assert settings["SECURE_HSTS_SECONDS"] == 0 and settings["SECURE_PROXY_SSL_HEADER"] is None
    # first but for the header of the Content-Security-Policy (which makes no answer): so that the error
    # pages of every other middleware become JSON too, and carry that header; then the probes, ahead of the
    # Host check and the HTTPS redirect: a balancer asks by an instance's address
    assert settings["MIDDLEWARE"][:3] == [
        "distributed_core.serving.csp.ContentSecurityPolicyMiddleware",
        "distributed_core.api.errors.JsonErrorsMiddleware",
        "distributed_core.serving.probes.ProbesMiddleware",
    ]
    assert settings["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert settings["AXES_COOLOFF_TIME"].total_seconds() == 15 * 60
    assert settings["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert settings["MIDDLEWARE"][-1] == "axes.middleware.AxesMiddleware"
    assert "rest_framework.authtoken" not in settings["INSTALLED_APPS"]  # tokens in clear: gone
    assert settings["KNOX_TOKEN_MODEL"] == "distributed_auth.ApiToken"
    directives = settings["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["default-src"] == ["'self'"] and directives["frame-ancestors"] == ["'none'"]


def test_each_dd_default_is_the_one_in_conf(environment, base_settings):
    settings = base_settings()
    decided_by_debug = {"DD_ALLOW_ANONYMOUS"}  # conf's None means "as DEBUG": the base settings decide it
    assert {name: settings[name] for name in DEFAULTS if name not in decided_by_debug} == {
        name: value for name, value in DEFAULTS.items() if name not in decided_by_debug
    }
    assert sorted(name for name in settings if name.startswith("DD_")) == sorted(DEFAULTS)


@pytest.mark.parametrize(
    ("debug", "allow_anonymous", "open_"),
    [("1", None, True), ("0", None, False), ("0", "1", True), ("1", "0", False)],
)
def test_anonymous_access_follows_debug_unless_allow_anonymous_says(
    environment, base_settings, debug, allow_anonymous, open_
):
    environment.setenv("DEBUG", debug)
    environment.setenv("SECRET_KEY", "s3cret")
    if allow_anonymous is not None:
        environment.setenv("ALLOW_ANONYMOUS", allow_anonymous)
    assert base_settings()["DD_ALLOW_ANONYMOUS"] is open_


def test_debug_off_allows_no_testserver_host_by_default(environment, base_settings):
    environment.setenv("DEBUG", "0")
    environment.setenv("SECRET_KEY", "s3cret")
    assert base_settings()["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]


def test_debug_off_allows_no_loopback_origin_by_default(environment, base_settings):
    environment.setenv("DEBUG", "0")
    environment.setenv("SECRET_KEY", "s3cret")
    assert base_settings()["CORS_ALLOWED_ORIGIN_REGEXES"] == []


@pytest.mark.parametrize(
    ("origin", "loopback"),
    [
        ("http://localhost:3001", True),
        ("https://127.0.0.1:8443", True),
        ("http://[::1]:5001", True),
        ("http://localhost", True),
        ("http://localhost.evil.example:3001", False),
        ("http://127.0.0.1.evil.example", False),
        ("ftp://localhost:21", False),
    ],
)
def test_the_loopback_origins_are_this_machines_pages_only(origin, loopback):
    import re

    assert bool(re.match(LOOPBACK_ORIGIN, origin)) is loopback
    assert loopback_origin_regexes(True) == [LOOPBACK_ORIGIN] and loopback_origin_regexes(False) == []


@pytest.mark.parametrize(
    ("variable", "value", "setting", "expected"),
    [
        ("SECRET_KEY", "s3cret", "SECRET_KEY", "s3cret"),
        ("ALLOWED_HOSTS", "node.example,[::1]", "ALLOWED_HOSTS", ["node.example", "[::1]"]),
        ("CORS_ALLOWED_ORIGINS", "https://app.example", "CORS_ALLOWED_ORIGINS", ["https://app.example"]),
        (
            "CSRF_TRUSTED_ORIGINS",
            "https://a.example,https://b.example",
            "CSRF_TRUSTED_ORIGINS",
            ["https://a.example", "https://b.example"],
        ),
        ("GATEWAY_ID", "6f1c1d52-8f0e-4a4c-9d0c-5e7c8f1b2a3d", "DD_GATEWAY_ID", "6f1c1d52-8f0e-4a4c-9d0c-5e7c8f1b2a3d"),
        ("SERVICE_TOKENS", "a:one,b:two", "DD_SERVICE_TOKENS", ["a:one", "b:two"]),
        ("RUN_LISTENERS", "0", "DD_RUN_LISTENERS", False),
        ("HUB_KEEPALIVE_INTERVAL", "2.5", "DD_HUB_KEEPALIVE_INTERVAL", 2.5),
        ("HUB_HANDSHAKE_TIMEOUT", "1.5", "DD_HUB_HANDSHAKE_TIMEOUT", 1.5),
        ("HUB_MAX_CONNECTIONS", "200", "DD_HUB_MAX_CONNECTIONS", 200),
        ("HUB_MAX_PENDING", "50", "DD_HUB_MAX_PENDING", 50),
        ("HUB_INVOCATION_RATE", "5,8", "DD_HUB_INVOCATION_RATE", (5.0, 8.0)),
        ("HUB_PING_BROADCAST_RATE", "0.5,1", "DD_HUB_PING_BROADCAST_RATE", (0.5, 1.0)),
        ("LISTENER_BATCH_SIZE", "50", "DD_LISTENER_BATCH_SIZE", 50),
        ("LISTENER_MAX_ATTEMPTS", "3", "DD_LISTENER_MAX_ATTEMPTS", 3),
        ("LISTENER_RETRY_BACKOFF", "0.1", "DD_LISTENER_RETRY_BACKOFF", 0.1),
        ("GATEWAY_TIMEOUT", "0.5,3", "DD_GATEWAY_TIMEOUT", (0.5, 3.0)),
        ("GATEWAY_TIMEOUT", "4", "DD_GATEWAY_TIMEOUT", (4.0, 4.0)),
        ("GATEWAY_MAX_CALLS", "3", "DD_GATEWAY_MAX_CALLS", 3),
        ("SERVER_THREADS", "4", "DD_SERVER_THREADS", 4),
        ("SERVER_MAX_CONNECTIONS", "100", "DD_SERVER_MAX_CONNECTIONS", 100),
        ("SERVER_HEADER_TIMEOUT", "2.5", "DD_SERVER_HEADER_TIMEOUT", 2.5),
        ("SERVER_BODY_TIMEOUT", "7", "DD_SERVER_BODY_TIMEOUT", 7.0),
        ("SERVER_KEEPALIVE_TIMEOUT", "1.5", "DD_SERVER_KEEPALIVE_TIMEOUT", 1.5),
        ("STATIC_ROOT", "/srv/static", "STATIC_ROOT", "/srv/static"),
        ("AUTH_TOKEN_LIFETIME", "3600", "DD_AUTH_TOKEN_LIFETIME", 3600),
        ("SIGN_IN_USERNAME_FAILURES", "3", "DD_SIGN_IN_USERNAME_FAILURES", 3),
        ("SIGN_IN_ADDRESS_FAILURES", "50", "DD_SIGN_IN_ADDRESS_FAILURES", 50),
        ("TRUSTED_PROXIES", "1", "DD_TRUSTED_PROXIES", 1),
        ("SECURE_SSL_REDIRECT", "1", "SECURE_SSL_REDIRECT", True),
        ("SECURE_HSTS_SECONDS", "31536000", "SECURE_HSTS_SECONDS", 31536000),
        ("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1", "SECURE_HSTS_INCLUDE_SUBDOMAINS", True),
        ("SECURE_HSTS_PRELOAD", "1", "SECURE_HSTS_PRELOAD", True),
        ("SESSION_COOKIE_SECURE", "1", "SESSION_COOKIE_SECURE", True),
        ("CSRF_COOKIE_SECURE", "1", "CSRF_COOKIE_SECURE", True),
        ("TRUST_X_FORWARDED_PROTO", "1", "SECURE_PROXY_SSL_HEADER", ("HTTP_X_FORWARDED_PROTO", "https")),
    ],
)
def test_each_variable_is_read(environment, base_settings, variable, value, setting, expected):
    environment.setenv(variable, value)
    assert base_settings()[setting] == expected


def test_sign_in_cooloff(environment, base_settings):
    environment.setenv("SIGN_IN_COOLOFF", "60")
    assert base_settings()["AXES_COOLOFF_TIME"].total_seconds() == 60


def test_redis_url_makes_a_shared_cache_with_the_suites_prefix(environment, base_settings):
    environment.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    environment.setenv("CHANNEL_LAYER_PREFIX", "other-suite")
    default = base_settings()["CACHES"]["default"]
    assert default["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert default["LOCATION"] == "redis://127.0.0.1:6379/3" and default["KEY_PREFIX"] == "other-suite"


def test_log_level(environment, base_settings):
    environment.setenv("LOG_LEVEL", "DEBUG")
    assert base_settings()["LOGGING"]["loggers"]["distributed_core"]["level"] == "DEBUG"


def test_redis_url_and_prefix_make_a_redis_channel_layer(environment, base_settings):
    environment.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    default = base_settings()["CHANNEL_LAYERS"]["default"]
    assert default["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert default["CONFIG"]["hosts"] == [{"address": "redis://127.0.0.1:6379/3", "socket_timeout": None}]
    assert default["CONFIG"]["prefix"] == "dd"
    environment.setenv("CHANNEL_LAYER_PREFIX", "other-suite")
    assert base_settings()["CHANNEL_LAYERS"]["default"]["CONFIG"]["prefix"] == "other-suite"


def test_debug_off_needs_a_secret_key(environment, base_settings):
    environment.setenv("DEBUG", "0")
    with pytest.raises(ImproperlyConfigured, match="^SECRET_KEY must be set when DEBUG is off.$"):
        base_settings()
    environment.setenv("SECRET_KEY", "s3cret")
    settings = base_settings()
    assert settings["DEBUG"] is False and settings["SECRET_KEY"] == "s3cret"


def test_a_node_database_url_comes_before_database_url(environment, tmp_path):
    environment.setenv("DATABASE_URL", "postgres://shared@db.example:5432/everything")
    assert node_database("invoices", tmp_path)["NAME"] == "everything"
    environment.setenv("INVOICES_DATABASE_URL", "postgres://app@db.example:5432/invoices")
    database = node_database("invoices", tmp_path)
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["USER"], database["HOST"], database["PORT"], database["NAME"]) == (
        "app",
        "db.example",
        5432,
        "invoices",
    )


def test_connections_outlive_a_request_for_conn_max_age_seconds(environment, tmp_path):
    assert node_database("invoices", tmp_path)["CONN_MAX_AGE"] == 600
    assert node_database("invoices", tmp_path)["CONN_HEALTH_CHECKS"] is True
    environment.setenv("CONN_MAX_AGE", "0")
    assert node_database("invoices", tmp_path)["CONN_MAX_AGE"] == 0
    environment.setenv("INVOICES_DATABASE_URL", "postgres://app@db.example:5432/invoices")
    assert node_database("invoices", tmp_path)["CONN_MAX_AGE"] == 0


def test_an_mssql_url_is_for_mssql_django(environment, tmp_path):
    environment.setenv("DATABASE_URL", "mssql://user:pw@sql.example:1433/invoices?driver=ODBC+Driver+18+for+SQL+Server")
    database = node_database("invoices", tmp_path)
    assert database["ENGINE"] == "mssql"
    assert database["OPTIONS"] == {"driver": "ODBC Driver 18 for SQL Server"}


def test_without_a_url_the_node_has_a_sqlite_file_in_its_folder_or_dd_data_dir(environment, tmp_path):
    database = node_database("invoices", tmp_path)
    assert database["ENGINE"] == "distributed_core.db.sqlite3"  # Django's, with the writers queued in-process
    assert database["NAME"] == tmp_path / "invoices.sqlite3"
    assert database["TEST"] == {"NAME": tmp_path / "test_invoices.sqlite3"}
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    environment.setenv("DD_DATA_DIR", str(tmp_path / "data"))
    assert node_database("invoices", tmp_path)["NAME"] == tmp_path / "data" / "invoices.sqlite3"


def test_gateways_take_their_url_and_token_from_the_environment(environment):
    assert gateways({"workflows": "http://127.0.0.1:5002"}) == {
        "workflows": {"url": "http://127.0.0.1:5002", "token": ""}
    }
    environment.setenv("WORKFLOWS_GATEWAY_URL", "https://workflows.example")
    environment.setenv("WORKFLOWS_GATEWAY_TOKEN", "s3cret")
    assert gateways({"workflows": "http://127.0.0.1:5002"}) == {
        "workflows": {"url": "https://workflows.example", "token": "s3cret"}
    }


def test_suite_ports_read_a_suite_file(tmp_path):
    (tmp_path / "suite.json").write_text('[{"name": "a", "port": 5001, "listeners": true}, {"name": "b", "port": 80}]')
    assert suite_ports(tmp_path / "suite.json") == {"a": 5001, "b": 80}


def test_browser_origins_are_the_local_pages_in_debug_only(environment):
    local = ["http://localhost:5001", "http://127.0.0.1:5001", "http://localhost:5002", "http://127.0.0.1:5002"]
    assert browser_origins(True, [5001, 5002]) == (local, local)
    assert browser_origins(False, [5001, 5002]) == ([], [])
    environment.setenv("CORS_ALLOWED_ORIGINS", "https://app.example")
    assert browser_origins(True, [5001, 5002]) == (["https://app.example"], local)


def test_dd_settings_defaults_without_the_base_settings():
    """This package's settings module sets no DD_* setting: every value is the default of conf.DEFAULTS."""
    assert dd_settings.node_name == "node"
    assert dd_settings.gateway_id == str(uuid.uuid5(uuid.NAMESPACE_URL, "distributed-design:node"))
    assert dd_settings.service_tokens == []
    assert dd_settings.allow_anonymous is False  # None: as DEBUG, which is off here
    assert dd_settings.auth_token_lifetime == 10 * 3600
    assert (dd_settings.sign_in_username_failures, dd_settings.sign_in_address_failures) == (5, 20)
    assert dd_settings.trusted_proxies == 0
    assert dd_settings.gateways == {}
    assert dd_settings.gateway_timeout == (2.0, 10.0)
    assert dd_settings.hub_keepalive_interval == 15.0
    assert dd_settings.hub_max_message_size == 65536
    assert dd_settings.hub_handshake_timeout == 15.0
    assert dd_settings.hub_max_connections == 3584
    assert dd_settings.hub_max_pending == 1000
    assert dd_settings.hub_invocation_rate == (10.0, 20.0)
    assert dd_settings.hub_ping_broadcast_rate == (2.0, 5.0)
    assert dd_settings.listeners == []
    assert dd_settings.run_listeners_in_process is True
    assert (dd_settings.listener_batch_size, dd_settings.listener_max_attempts) == (500, 5)
    assert dd_settings.listener_retry_backoff == 0.5
    assert (dd_settings.server_threads, dd_settings.server_max_connections) == (16, 4096)
    assert (dd_settings.server_header_timeout, dd_settings.server_body_timeout) == (10.0, 30.0)
    assert dd_settings.server_keepalive_timeout == 5.0
    with pytest.raises(LookupError, match="No gateway named 'workflows' in DD_GATEWAYS"):
        dd_settings.gateway("workflows")


def test_dd_settings_read_django_settings(settings):
    settings.DD_NODE_NAME = "invoices"
    settings.DD_SERVICE_TOKENS = ["", "proposals:s3cret"]
    settings.DD_GATEWAYS = {"workflows": {"url": "http://127.0.0.1:5002", "token": ""}}
    assert dd_settings.node_name == "invoices"
    assert dd_settings.service_tokens == ["proposals:s3cret"]
    assert dd_settings.gateway("workflows")["url"] == "http://127.0.0.1:5002"


def test_list_items_are_trimmed(environment, base_settings):
    environment.setenv("SERVICE_TOKENS", "proposals:one, reports:two ,")
    environment.setenv("ALLOWED_HOSTS", "a.example, b.example")
    settings = base_settings()
    assert settings["DD_SERVICE_TOKENS"] == ["proposals:one", "reports:two"]
    assert settings["ALLOWED_HOSTS"] == ["a.example", "b.example"]


@pytest.mark.parametrize("empty", ["", "  "])
def test_a_variable_set_to_nothing_takes_its_default(environment, base_settings, empty):
    for name in ("DEBUG", "RUN_LISTENERS", "HUB_MAX_CONNECTIONS", "GATEWAY_TIMEOUT", "ALLOWED_HOSTS"):
        environment.setenv(name, empty)
    settings = base_settings()
    assert settings["DEBUG"] is True and settings["DD_RUN_LISTENERS"] == DEFAULTS["DD_RUN_LISTENERS"]
    assert settings["DD_HUB_MAX_CONNECTIONS"] == DEFAULTS["DD_HUB_MAX_CONNECTIONS"]
    assert settings["DD_GATEWAY_TIMEOUT"] == tuple(DEFAULTS["DD_GATEWAY_TIMEOUT"])
    assert settings["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]", "testserver"]


# --- every declared setting: read from its variable with its type, defaults, override_settings ---

# how an environment variable of each type is written, and what the base settings make of it
ENVIRONMENT_SAMPLES = {
    "text": [("some-text", "some-text")],
    "integer": [("7", 7)],
    "number": [("2.5", 2.5), ("3", 3.0)],
    "boolean": [("1", True), ("0", False), ("off", False)],
    "list": [("a, b,", ["a", "b"])],
    "pair": [("3,4", (3.0, 4.0)), ("4", (4.0, 4.0))],
}
WITH_A_VARIABLE = [setting for setting in CORE_SETTINGS if setting.variable]


def test_the_declaration_is_one_setting_per_name_attribute_and_variable():
    names = [setting.name for setting in CORE_SETTINGS]
    attributes = [setting.attribute for setting in CORE_SETTINGS]
    variables = [setting.variable for setting in WITH_A_VARIABLE]
    assert all(name.startswith("DD_") and name == name.upper() for name in names)
    assert len(set(names)) == len(names) and len(set(attributes)) == len(attributes)
    assert len(set(variables)) == len(variables)
    assert all(attribute.isidentifier() and not hasattr(DistributedSettings, attribute) for attribute in attributes)
    assert all(setting.meaning.strip() and "\n" not in setting.meaning for setting in CORE_SETTINGS)
    assert {setting.kind.name for setting in WITH_A_VARIABLE} <= set(ENVIRONMENT_SAMPLES)
    assert dict(DEFAULTS) == {setting.name: setting.default for setting in CORE_SETTINGS}


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        (setting, value, expected)
        for setting in WITH_A_VARIABLE
        for value, expected in ENVIRONMENT_SAMPLES[setting.kind.name]
    ],
    ids=lambda item: item.variable if hasattr(item, "variable") else repr(item),
)
def test_each_declared_setting_is_read_from_its_variable_with_its_type(
    environment, base_settings, setting, value, expected
):
    environment.setenv(setting.variable, value)
    read = base_settings()[setting.name]
    assert read == expected and type(read) is type(expected)
    environment.delenv(setting.variable)
    unset = base_settings()[setting.name]
    if setting.name != "DD_ALLOW_ANONYMOUS":  # its default, as the settings load, is DEBUG
        assert unset == setting.default


@pytest.mark.parametrize("value", ["1,2,3", "1,,2,3"])
def test_a_pair_is_one_number_or_two(environment, base_settings, value):
    environment.setenv("GATEWAY_TIMEOUT", value)
    with pytest.raises(ImproperlyConfigured, match=r"^GATEWAY_TIMEOUT is one number or two \(`a,b`\), not 3\.$"):
        base_settings()


def test_the_environment_defaults_replace_declared_ones_only():
    assert read_environment(defaults={"DD_ALLOW_ANONYMOUS": True})["DD_ALLOW_ANONYMOUS"] in (True, False)
    with pytest.raises(ImproperlyConfigured, match=r"^Not core settings: DD_HUB_MAX_PENDNG "):
        read_environment(defaults={"DD_HUB_MAX_PENDNG": 3})


@pytest.mark.parametrize("setting", CORE_SETTINGS, ids=lambda setting: setting.name)
def test_dd_settings_default_to_the_declaration(setting):
    """This package's settings module sets no DD_* setting: each attribute is its declared default, normalised."""
    assert getattr(dd_settings, setting.attribute) == setting.value(setting.default)


# a value of each type as a settings.py writes it
PYTHON_SAMPLES = {
    "text": "other-value",
    "integer": 7,
    "number": 2.5,
    "list": ["Alpha", "beta"],
    "pair": (3, 4),
    "mapping": {"remote": {"url": "http://127.0.0.1:9", "token": ""}},
}


@pytest.mark.parametrize("setting", CORE_SETTINGS, ids=lambda setting: setting.name)
def test_override_settings_reaches_dd_settings_at_once(setting):
    default = getattr(dd_settings, setting.attribute)  # read (and kept) before the change
    sample = (not default) if setting.kind.name == "boolean" else PYTHON_SAMPLES[setting.kind.name]
    with override_settings(**{setting.name: sample}):
        overridden = getattr(dd_settings, setting.attribute)
        assert overridden == setting.value(sample) and overridden != default
    assert getattr(dd_settings, setting.attribute) == default


def test_the_normalisations_each_attribute_keeps(settings):
    settings.DD_SERVICE_TOKENS = ("", "a:one", "")
    settings.DD_GATEWAY_MAX_CALLS = 0
    settings.DD_LISTENER_BATCH_SIZE = -3
    settings.DD_LISTENER_MAX_ATTEMPTS = "0"
    settings.DD_HUB_INVOCATION_RATE = (1, 2)
    settings.DD_GATEWAY_TIMEOUT = ["1", 5]
    settings.DD_AUTH_TOKEN_LIFETIME = 60
    settings.DD_LISTENERS = ({"source": "a", "hub": "b", "saga": "c.sagas.D"},)
    assert dd_settings.service_tokens == ["a:one"]
    assert (dd_settings.gateway_max_calls, dd_settings.listener_batch_size, dd_settings.listener_max_attempts) == (
        1,
        1,
        1,
    )
    assert dd_settings.hub_invocation_rate == (1.0, 2.0) and type(dd_settings.hub_invocation_rate[1]) is float
    assert dd_settings.gateway_timeout == (1.0, 5.0)
    assert dd_settings.auth_token_lifetime == 60.0 and type(dd_settings.auth_token_lifetime) is float
    assert dd_settings.listeners == [{"source": "a", "hub": "b", "saga": "c.sagas.D"}]


def test_a_setting_that_depends_on_another_follows_it(settings):
    settings.DD_NODE_NAME = "alpha"
    assert dd_settings.gateway_id == str(uuid.uuid5(uuid.NAMESPACE_URL, "distributed-design:alpha"))
    settings.DD_NODE_NAME = "beta"  # gateway_id was kept for alpha: the change forgets it
    assert dd_settings.gateway_id == str(uuid.uuid5(uuid.NAMESPACE_URL, "distributed-design:beta"))
    settings.DD_GATEWAY_ID = "6f1c1d52-8f0e-4a4c-9d0c-5e7c8f1b2a3d"
    assert dd_settings.gateway_id == "6f1c1d52-8f0e-4a4c-9d0c-5e7c8f1b2a3d"
    settings.DEBUG = True  # DD_ALLOW_ANONYMOUS is unset (None): as DEBUG
    assert dd_settings.allow_anonymous is True
    settings.DEBUG = False
    assert dd_settings.allow_anonymous is False
    settings.DD_ALLOW_ANONYMOUS = True
    assert dd_settings.allow_anonymous is True


def test_a_value_is_kept_until_a_setting_changes(settings):
    from django.conf import settings as django_settings

    settings.DD_HUB_MAX_PENDING = 5
    assert dd_settings.hub_max_pending == 5
    django_settings._wrapped.DD_HUB_MAX_PENDING = 6  # no setting_changed signal: the kept value stands
    assert dd_settings.hub_max_pending == 5
    settings.DD_HUB_MAX_MESSAGE_SIZE = 10  # any change (this one sends the signal) forgets every kept value
    assert dd_settings.hub_max_pending == 6


def test_an_unknown_attribute_is_an_attribute_error_that_names_the_settings():
    with pytest.raises(
        AttributeError, match=r"^dd_settings has no setting 'hub_max_pendng'\. Did you mean 'hub_max_pending'\?"
    ) as raised:
        dd_settings.hub_max_pendng  # noqa: B018
    assert "distributed_core.conf.CORE_SETTINGS: node_name, gateway_id," in str(raised.value)
    with pytest.raises(AttributeError, match=r"^dd_settings has no setting 'DD_NODE_NAME'\."):
        dd_settings.DD_NODE_NAME  # noqa: B018
    assert not hasattr(dd_settings, "no_such_setting")
    assert getattr(dd_settings, "no_such_setting", "fallback") == "fallback"


def test_settings_reference_writes_and_checks_a_page(tmp_path):
    page = tmp_path / "settings.md"
    page.write_text(f"# Settings\n\nBefore.\n\n{BEGIN}\nstale\n{END}\n\nAfter.\n")
    with pytest.raises(CommandError, match="does not list the core settings as declared: run with --write"):
        call_command("settings_reference", check=page)
    call_command("settings_reference", write=page)
    assert page.read_text() == f"# Settings\n\nBefore.\n\n{reference_table()}\n\nAfter.\n"
    call_command("settings_reference", check=page)  # no error
    page.write_text("# Settings\n")
    with pytest.raises(CommandError, match="The page has no generated block"):
        call_command("settings_reference", write=page)
