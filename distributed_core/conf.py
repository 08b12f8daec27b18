"""The core settings of distributed_core, each declared once, and `dd_settings`, the code's typed access to them.

`CORE_SETTINGS` lists every `DD_*` setting the core reads, with its default, its environment
variable (if it has one), its type and its one-line meaning. Everything else follows from it:

- `distributed_core.base_settings` reads each variable with `read_environment()` (its type says how);
- `dd_settings.<attribute>` (`dd_settings.hub_max_pending`) reads the Django setting, else the
  default, as its type and normalisation say, and keeps the value until a setting changes
  (Django's `setting_changed` signal, sent by `override_settings` and pytest-django's `settings`);
- `DEFAULTS` maps each name to its default;
- `manage.py settings_reference` writes the table of docs/reference/settings.md, which a test checks.

So adding a core setting is one `Setting(...)` here (and `--write` for its docs line). The model is
Django REST framework's `rest_framework.settings.APISettings`.
"""

from __future__ import annotations

import difflib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

from .env import Environment, env

__all__ = ["CORE_SETTINGS", "DEFAULTS", "Kind", "Setting", "dd_settings", "read_environment"]


@dataclass(frozen=True)
class Kind:
    """A setting's type: how its environment variable is written and read, and what the code gets."""

    name: str
    """How the settings reference names it: `integer`, `pair`, ..."""
    written: str
    """How its environment variable is written, for the reference."""
    read: Callable[[Environment, str, Any], Any]
    """`read(env, variable, default)`: the variable's value, else `default` (also when set to nothing)."""
    coerce: Callable[[Any], Any]
    """The Django setting's value as the code gets it (`int("5")`, a list for a tuple)."""


def _read_pair(reader: Environment, variable: str, default: Any) -> Any:
    numbers = reader.list(variable, cast=float, default=None)
    if numbers is None:
        return default
    if len(numbers) not in (1, 2):
        raise ImproperlyConfigured(f"{variable} is one number or two (`a,b`), not {len(numbers)}.")
    return (numbers[0], numbers[-1])


def _pair(value: Any) -> tuple[float, float]:
    first, second = value
    return float(first), float(second)


TEXT = Kind("text", "as is", lambda reader, variable, default: reader.str(variable, default=default), str)
INTEGER = Kind("integer", "`500`", lambda reader, variable, default: reader.int(variable, default=default), int)
NUMBER = Kind("number", "`0.5`, `15`", lambda reader, variable, default: reader.float(variable, default=default), float)
BOOLEAN = Kind(
    "boolean",
    "`1`/`0`, `true`/`false`, `yes`/`no`, `on`/`off`",
    lambda reader, variable, default: reader.bool(variable, default=default),
    bool,
)
LIST = Kind(
    "list",
    "comma-separated, `a, b` (spaces around an item and empty items are dropped)",
    lambda reader, variable, default: reader.list(variable, default=default),
    list,
)
PAIR = Kind("pair", "`a,b` (two numbers), or one number for both", _read_pair, _pair)
MAPPING = Kind("mapping", "JSON", lambda reader, variable, default: reader.json(variable, default=default), dict)


@dataclass(frozen=True)
class Setting:
    """One core setting: its name, default, type, environment variable, one-line meaning and normalisation."""

    name: str
    """The Django setting, `DD_...`."""
    default: Any
    """Its value when the Django settings leave it out (and, in the base settings, its variable too)."""
    kind: Kind
    """Its type: how its variable reads and what the code gets."""
    meaning: str
    """One line for the settings reference."""
    variable: str | None = None
    """The environment variable `distributed_core.base_settings` reads it from; None: none (a node sets it)."""
    attribute: str = ""
    """Its name on `dd_settings`; empty: the name without `DD_`, lowercased."""
    normalise: Callable[[Any], Any] | None = None
    """What the code gets from the typed value, when that is not the value itself (e.g. no empty tokens)."""

    def __post_init__(self):
        if not self.attribute:
            object.__setattr__(self, "attribute", self.name.removeprefix("DD_").lower())

    def value(self, configured: Any) -> Any:
        """`configured` (the Django setting, else the default) as the code gets it: typed, then normalised.

        None stays None for the normalisation to decide (`DD_ALLOW_ANONYMOUS`: as `DEBUG`).
        """
        value = None if configured is None else self.kind.coerce(configured)
        return self.normalise(value) if self.normalise else value

    def from_environment(self, default: Any) -> Any:
        """The Django setting as the environment gives it: its variable's value, else `default`."""
        return default if self.variable is None else self.kind.read(env, self.variable, default)


def _at_least_one(number: int) -> int:
    return max(number, 1)


def _derived_gateway_id(configured: str) -> str:
    return configured or str(uuid.uuid5(uuid.NAMESPACE_URL, f"distributed-design:{dd_settings.node_name}"))


CORE_SETTINGS: tuple[Setting, ...] = (
    Setting("DD_NODE_NAME", "node", TEXT, "this node's name, which other nodes and its logs know it by"),
    Setting(
        "DD_GATEWAY_ID",
        "",
        TEXT,
        "this node's gateway id (a uuid), answered by `GET /gateway/`; empty: a uuid derived from the node name",
        variable="GATEWAY_ID",
        normalise=_derived_gateway_id,
    ),
    Setting(
        "DD_SERVICE_TOKENS",
        (),
        LIST,
        "the service credentials this node's gateway and hubs accept, each `<caller>:<secret>`, at most two per "
        "caller (to rotate them); none: no node may call (an open node: anyone may)",
        variable="SERVICE_TOKENS",
        normalise=lambda tokens: [token for token in tokens if token],
    ),
    Setting(
        "DD_ALLOW_ANONYMOUS",
        None,
        BOOLEAN,
        "whether anonymous callers may read, write and follow the hubs; None: as `DEBUG` (the base settings take "
        "`DEBUG` as the variable's default); `check --deploy` reports a node opened with `DEBUG=0` as an error",
        variable="ALLOW_ANONYMOUS",
        normalise=lambda allow: bool(django_settings.DEBUG) if allow is None else allow,
    ),
    Setting(
        "DD_AUTH_TOKEN_LIFETIME",
        10 * 3600,
        NUMBER,
        "seconds an API token (`POST /api/auth/token/`) stays valid after it is issued (10 hours); `0`: until revoked",
        variable="AUTH_TOKEN_LIFETIME",
    ),
    Setting(
        "DD_GATEWAYS",
        MappingProxyType({}),
        MAPPING,
        'the remote nodes this node calls, by name: `{"<name>": {"url": ..., "token": ...}}` '
        "(`distributed_core.env.gateways` reads them from `<REMOTE>_GATEWAY_URL` and `<REMOTE>_GATEWAY_TOKEN`)",
    ),
    Setting(
        "DD_GATEWAY_TIMEOUT",
        (2.0, 10.0),
        PAIR,
        "(connect, read) seconds of a gateway call, and `connect + read` for the whole call, its answer included; "
        "past them the call is a 503",
        variable="GATEWAY_TIMEOUT",
    ),
    Setting(
        "DD_GATEWAY_MAX_CALLS",
        8,
        INTEGER,
        "gateway calls one process may have waiting on one remote node at once (at least 1); one more is a 503 at "
        "once, so a remote node that hangs holds at most these of the `DD_SERVER_THREADS` request threads",
        variable="GATEWAY_MAX_CALLS",
        normalise=_at_least_one,
    ),
    Setting(
        "DD_IDEMPOTENCY_TTL",
        24 * 3600,
        NUMBER,
        "seconds a command's answer is kept for its `Idempotency-Key` (24 hours): a retry with the key within them "
        "gets that answer again, without acting; `manage.py prune_idempotency_keys` deletes older ones",
        variable="IDEMPOTENCY_TTL",
    ),
    Setting(
        "DD_HUB_KEEPALIVE_INTERVAL",
        15.0,
        NUMBER,
        "seconds between a hub's keep-alive pings",
        variable="HUB_KEEPALIVE_INTERVAL",
    ),
    Setting(
        "DD_HUB_MAX_MESSAGE_SIZE", 64 * 1024, INTEGER, "the longest record a client may send to a hub, in characters"
    ),
    Setting(
        "DD_HUB_HANDSHAKE_TIMEOUT",
        15.0,
        NUMBER,
        "seconds a hub waits for a new connection's handshake before it closes it (SignalR's default)",
        variable="HUB_HANDSHAKE_TIMEOUT",
    ),
    Setting(
        "DD_HUB_ACCESS_RECHECK",
        2.0,
        NUMBER,
        "seconds between two checks of what admitted each hub connection (token, session, user, permission, "
        "service credential), at least 0.1; one withdrawn closes the connection at the next check (`Replay` and "
        "`Sync` check at once)",
        variable="HUB_ACCESS_RECHECK",
        normalise=lambda seconds: max(seconds, 0.1),
    ),
    Setting(
        "DD_HUB_MAX_CONNECTIONS",
        3584,
        INTEGER,
        "hub connections one node process holds at once; beyond it a new one gets HTTP 503 (keep it under "
        "`DD_SERVER_MAX_CONNECTIONS`, so that HTTP requests still find a socket)",
        variable="HUB_MAX_CONNECTIONS",
    ),
    Setting(
        "DD_HUB_MAX_PENDING",
        1000,
        INTEGER,
        "records a hub connection may fall behind by before it is closed (it may reconnect)",
        variable="HUB_MAX_PENDING",
    ),
    Setting(
        "DD_HUB_INVOCATION_RATE",
        (10.0, 20.0),
        PAIR,
        "invocations one hub connection may make: (per second, burst); beyond it they complete with an error",
        variable="HUB_INVOCATION_RATE",
    ),
    Setting(
        "DD_HUB_PING_BROADCAST_RATE",
        (2.0, 5.0),
        PAIR,
        "`Ping()` broadcasts of one hub in one process: (per second, burst); beyond it `Ping` answers its caller only",
        variable="HUB_PING_BROADCAST_RATE",
    ),
    Setting(
        "DD_LISTENERS",
        (),
        LIST,
        'the remote hubs this node follows, each with its saga: `[{"source": "<remote node>", "hub": "<its hub>", '
        '"saga": "<app>.sagas.<Saga>"}]`',
    ),
    Setting(
        "DD_RUN_LISTENERS",
        True,
        BOOLEAN,
        "run the listeners inside the ASGI process; off when `manage.py listen` runs them",
        variable="RUN_LISTENERS",
        attribute="run_listeners_in_process",
    ),
    Setting(
        "DD_LISTENER_BATCH_SIZE",
        500,
        INTEGER,
        "the most events a listener applies in one transaction (replay pages, live bursts; at least 1)",
        variable="LISTENER_BATCH_SIZE",
        normalise=_at_least_one,
    ),
    Setting(
        "DD_LISTENER_MAX_ATTEMPTS",
        5,
        INTEGER,
        "tries of an event its saga fails on before it is parked as a dead letter (at least 1)",
        variable="LISTENER_MAX_ATTEMPTS",
        normalise=_at_least_one,
    ),
    Setting(
        "DD_LISTENER_RETRY_BACKOFF",
        0.5,
        NUMBER,
        "seconds before a failing event's first retry; doubled for each further try",
        variable="LISTENER_RETRY_BACKOFF",
    ),
    Setting(
        "DD_SIGN_IN_USERNAME_FAILURES",
        5,
        INTEGER,
        "failed sign-ins of one username within the cool-off (`SIGN_IN_COOLOFF`) before it is locked out (429)",
        variable="SIGN_IN_USERNAME_FAILURES",
        normalise=_at_least_one,
    ),
    Setting(
        "DD_SIGN_IN_ADDRESS_FAILURES",
        20,
        INTEGER,
        "failed sign-ins from one client address within the cool-off before it is locked out (429)",
        variable="SIGN_IN_ADDRESS_FAILURES",
        normalise=_at_least_one,
    ),
    Setting(
        "DD_TRUSTED_PROXIES",
        0,
        INTEGER,
        "proxies in front of the node that append to `X-Forwarded-For` (nginx: 1); 0: the client is `REMOTE_ADDR`",
        variable="TRUSTED_PROXIES",
        normalise=lambda number: max(number, 0),
    ),
    Setting(
        "DD_LISTENER_LEASE_SECONDS",
        6.0,
        NUMBER,
        "seconds the active listener process of a source holds its lease without renewing it (it renews it every "
        "third of that); a standby takes over within about this long after it dies",
        variable="LISTENER_LEASE_SECONDS",
    ),
    Setting(
        "DD_SERVER_THREADS",
        16,
        INTEGER,
        "the most threads a server process runs HTTP requests on (made as needed, then kept, each with its "
        "database connection)",
        variable="SERVER_THREADS",
    ),
    Setting(
        "DD_SERVER_MAX_CONNECTIONS",
        4096,
        INTEGER,
        "the most sockets (HTTP and WebSocket) a server process keeps; one more is answered 503 and closed "
        "(`manage.py serve` lifts the process's open-files limit to fit, up to the hard limit)",
        variable="SERVER_MAX_CONNECTIONS",
    ),
    Setting(
        "DD_SERVER_HEADER_TIMEOUT",
        10.0,
        NUMBER,
        "seconds a client has to send a request's line and headers, from connecting (or the request's first "
        "byte); then 408 and closed",
        variable="SERVER_HEADER_TIMEOUT",
    ),
    Setting(
        "DD_SERVER_BODY_TIMEOUT",
        30.0,
        NUMBER,
        "seconds a client has to send a request's body once its head is in; then 408",
        variable="SERVER_BODY_TIMEOUT",
    ),
    Setting(
        "DD_SERVER_KEEPALIVE_TIMEOUT",
        5.0,
        NUMBER,
        "seconds an idle keep-alive connection stays open between requests",
        variable="SERVER_KEEPALIVE_TIMEOUT",
    ),
    Setting(
        "DD_DRAIN_SECONDS",
        5.0,
        NUMBER,
        "seconds a server process keeps serving after SIGTERM with `/ready/` answering 503, so that a balancer "
        "stops routing to it, before it tells its hub clients to reconnect and stops (`0`: stop at once)",
        variable="DRAIN_SECONDS",
    ),
    Setting(
        "DD_SERVER_GRACEFUL_TIMEOUT",
        30.0,
        NUMBER,
        "seconds `manage.py serve` gives the requests in flight to finish once it stops (after the drain); "
        "then they are cancelled",
        variable="SERVER_GRACEFUL_TIMEOUT",
    ),
)
"""Every core setting, declared once: what the base settings, `dd_settings` and the settings reference read."""

DEFAULTS: Mapping[str, Any] = MappingProxyType({setting.name: setting.default for setting in CORE_SETTINGS})
"""The default of each `DD_*` setting by name, read-only (from `CORE_SETTINGS`)."""


def read_environment(defaults: Mapping[str, Any] = MappingProxyType({})) -> dict[str, Any]:
    """Each core setting by name as the environment gives it: its variable's value, else its default.

    `defaults` replaces some defaults as the settings load (the base settings: `DD_ALLOW_ANONYMOUS`
    is `DEBUG` unless `ALLOW_ANONYMOUS` says otherwise).
    """
    unknown = sorted(set(defaults) - set(DEFAULTS))
    if unknown:
        raise ImproperlyConfigured(f"Not core settings: {', '.join(unknown)} (see distributed_core.conf)")
    return {
        setting.name: setting.from_environment(defaults.get(setting.name, setting.default)) for setting in CORE_SETTINGS
    }


class DistributedSettings:
    """The core settings as attributes (`dd_settings.hub_max_pending`), read from Django's settings, else their default.

    Each attribute is read on its first access and kept until any Django setting changes (one may
    depend on another: `gateway_id` on `DD_NODE_NAME`, `allow_anonymous` on `DEBUG`).
    """

    def __init__(self, declared: tuple[Setting, ...]):
        self._declared = {setting.attribute: setting for setting in declared}
        clashes = sorted(attribute for attribute in self._declared if hasattr(type(self), attribute))
        if clashes:
            raise ImproperlyConfigured(f"Core settings named like a method of DistributedSettings: {clashes}")
        self._cached: set[str] = set()

    def __getattr__(self, attribute: str) -> Any:
        # only called for what is not cached yet (an instance attribute), and for unknown names
        if attribute.startswith("_"):  # copy and pickle ask for these before __init__ has run
            raise AttributeError(attribute)
        try:
            setting = self._declared[attribute]
        except KeyError:
            raise AttributeError(self._unknown(attribute)) from None
        value = setting.value(getattr(django_settings, setting.name, setting.default))
        self._cached.add(attribute)
        setattr(self, attribute, value)
        return value

    def _unknown(self, attribute: str) -> str:
        close = difflib.get_close_matches(attribute, self._declared, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        return (
            f"dd_settings has no setting {attribute!r}.{hint} "
            f"The core settings are declared in distributed_core.conf.CORE_SETTINGS: {', '.join(self._declared)}."
        )

    def reload(self) -> None:
        """Forget every value read, so that the next access reads the Django settings again."""
        for attribute in list(self._cached):
            self.__dict__.pop(attribute, None)
            self._cached.discard(attribute)

    def gateway(self, name: str) -> dict[str, Any]:
        """The `DD_GATEWAYS` entry `name`; a LookupError listing the configured names otherwise."""
        try:
            return self.gateways[name]
        except KeyError:
            raise LookupError(f"No gateway named {name!r} in DD_GATEWAYS ({sorted(self.gateways)})") from None


dd_settings = DistributedSettings(CORE_SETTINGS)
"""The core settings as the code reads them: `dd_settings.node_name`, `dd_settings.listener_batch_size`, ..."""


def reload_dd_settings(**kwargs: Any) -> None:
    """`setting_changed` receiver: `override_settings` (and pytest-django's `settings`) reach `dd_settings` at once."""
    dd_settings.reload()


setting_changed.connect(reload_dd_settings)
