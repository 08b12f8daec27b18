"""System checks and start-up warnings: is this node closed to whoever should not get in?

    E001 (check --deploy)  the node is open to anonymous callers (DEBUG on, or ALLOW_ANONYMOUS=1)
    E002 (every check)     a SERVICE_TOKENS entry is not `<caller>:<secret>`, or a caller has more than two
    E003 (check --deploy)  ALLOWED_HOSTS has "*": any Host is served, so DNS rebinding reaches the node
    E007 (check --deploy)  a gateway this node calls is plain http: its credential and data cross the wire in clear
    E008 (check --deploy)  with DEBUG off, a service secret (SERVICE_TOKENS, a gateway's token) is under 32 characters
    W001 (check --deploy)  a gateway this node calls has no token: a closed node will refuse the calls

And is every hub it names declared (`events.log.registry`), so that no event goes where nobody listens?

    E004 (every check)     a Command or Saga announces on a hub this node does not serve
    E005 (every check)     a DD_LISTENERS entry follows a hub no declaration names, or its saga cannot be imported
    E006 (every check)     a contract's hub is served by two models of this node: which one announces is unclear

The embedded default runs open on purpose (the original's apps have no sign-in): the ASGI app
logs `open_node_warnings()` when it starts, so nobody runs it that way unawares.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.utils.module_loading import autodiscover_modules, import_string

from .auth.credentials import parse_service_tokens
from .commands import EntityCommand
from .conf import dd_settings
from .events.log import hub_name, hubs
from .sagas import EntitySaga

__all__ = [
    "MIN_SECRET_LENGTH",
    "any_host_deploy",
    "hub_declarations",
    "plain_http_gateways_deploy",
    "short_secrets_deploy",
    "open_node_deploy",
    "open_node_warnings",
    "remote_tokens_deploy",
    "service_tokens_format",
]


MIN_SECRET_LENGTH = 32  # characters of a service secret; `secrets.token_urlsafe(32)` makes 43


def open_node_warnings() -> list[str]:
    """What is open on this node, in words for the start-up log (nothing on a closed node with credentials)."""
    node = dd_settings.node_name
    warnings = []
    if dd_settings.allow_anonymous:
        # DD_ALLOW_ANONYMOUS is set whenever the base settings load (as DEBUG unless ALLOW_ANONYMOUS says
        # otherwise), so it cannot tell the reason; with DEBUG off only ALLOW_ANONYMOUS=1 opens a node
        why = "DEBUG is on" if settings.DEBUG else "ALLOW_ANONYMOUS=1"
        warnings.append(
            f"Node {node} is OPEN ({why}): anonymous callers may read and write everything and follow its hubs, "
            "as the original apps expect. In deployment set DEBUG=0 and leave ALLOW_ANONYMOUS unset."
        )
        if not dd_settings.service_tokens:
            warnings.append(f"Node {node}: its gateway and hubs take callers without a service credential.")
    elif not dd_settings.service_tokens:
        warnings.append(f"Node {node}: no SERVICE_TOKENS, so no other node may call its gateway or follow its hubs.")
    return warnings


@checks.register(checks.Tags.security, deploy=True)
def open_node_deploy(app_configs, **kwargs):
    """`check --deploy`: an error when anonymous callers may do everything (DEBUG on, or ALLOW_ANONYMOUS=1)."""
    if not dd_settings.allow_anonymous:
        return []
    return [
        checks.Error(
            "This node is open: anonymous callers may read, write and follow its hubs.",
            hint="Set DEBUG=0 and leave ALLOW_ANONYMOUS unset; give people accounts (docs/operations.md, Security).",
            id="distributed_core.E001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def any_host_deploy(app_configs, **kwargs):
    """`check --deploy`: an error when ALLOWED_HOSTS has "*", which turns off the Host check (Django's passes it)."""
    if "*" not in settings.ALLOWED_HOSTS:
        return []
    return [
        checks.Error(
            'ALLOWED_HOSTS has "*": the node answers any Host, so a DNS-rebinding page can reach its API and hubs.',
            hint="Set ALLOWED_HOSTS to the names the node is served under, e.g. ALLOWED_HOSTS=proposals.example.com.",
            id="distributed_core.E003",
        )
    ]


@checks.register(checks.Tags.security)
def service_tokens_format(app_configs, **kwargs):
    """Every check: each SERVICE_TOKENS entry names its caller, and no caller has more than two."""
    _, problems = parse_service_tokens(dd_settings.service_tokens)
    return [
        checks.Error(
            f"SERVICE_TOKENS: {problem}.",
            hint="Write each as <caller>:<secret>, e.g. proposals:<secret>; keep two per caller only while rotating.",
            id="distributed_core.E002",
        )
        for problem in problems
    ]


@checks.register(checks.Tags.security, deploy=True)
def remote_tokens_deploy(app_configs, **kwargs):
    """`check --deploy`: a warning for each gateway this node calls without a token."""
    return [
        checks.Warning(
            f"The {name} gateway has no token: a closed {name} node refuses this node's calls and listeners.",
            hint=f"Set {name.upper()}_GATEWAY_TOKEN to the entry for this node in the {name} node's SERVICE_TOKENS.",
            id="distributed_core.W001",
        )
        for name, gateway in dd_settings.gateways.items()
        if not gateway.get("token")
    ]


@checks.register()
def hub_declarations(app_configs, **kwargs):
    """Every check: the hubs that commands, sagas and listeners name are declared (a typo fails at start-up)."""
    autodiscover_modules("commands", "sagas")  # every app's commands and sagas, whether a URL imported them yet
    errors = []
    for kind, base in (("Command", EntityCommand), ("Saga", EntitySaga)):
        for cls in _subclasses(base):
            if cls.hub is not None and not hubs.serves(hub_name(cls.hub)):
                errors.append(
                    checks.Error(
                        f"{kind} {cls.__module__}.{cls.__qualname__} announces on hub '{hub_name(cls.hub)}', "
                        "which this node does not serve.",
                        hint=f"Declare it on the model it announces (hub = Hub(...)), or name one of: {_served()}.",
                        obj=cls,
                        id="distributed_core.E004",
                    )
                )
    for config in dd_settings.listeners:
        errors += _listener_errors(config)
    for hub in hubs.declared.values():
        if len(hub.served_models) > 1:
            models = ", ".join(model._meta.label for model in hub.served_models)
            errors.append(
                checks.Error(
                    f"Hub '{hub.name}' of {hub.model.__name__} is served by {models}: one model may announce on it.",
                    hint="Declare a hub of its own on each concrete model (hub = Hub(...)).",
                    id="distributed_core.E006",
                )
            )
    return errors


def _listener_errors(config: dict) -> list[checks.Error]:
    """What is wrong with one DD_LISTENERS entry: a saga that cannot be imported, a hub nobody declared."""
    where = f"DD_LISTENERS entry {config.get('source')}/{config.get('hub')}"
    try:
        import_string(config["saga"])  # its module imports the contract whose declaration names the remote hub
    except (ImportError, KeyError) as error:
        return [checks.Error(f"{where}: its saga cannot be imported ({error}).", id="distributed_core.E005")]
    if hubs.get(config.get("hub", "")) is None:
        declared = ", ".join(sorted(hubs.declared)) or "none"
        return [
            checks.Error(
                f"{where} follows hub '{config.get('hub')}', which no declaration names.",
                hint=f"A node's public hubs are declared with their contracts; declared here: {declared}.",
                id="distributed_core.E005",
            )
        ]
    return []


def _subclasses(base: type) -> list[type]:
    """Every subclass of `base` imported so far, however deep."""
    found = []
    for cls in base.__subclasses__():
        found += [cls, *_subclasses(cls)]
    return found


def _served() -> str:
    return ", ".join(sorted(hubs.served_names())) or "none"


@checks.register(checks.Tags.security, deploy=True)
def plain_http_gateways_deploy(app_configs, **kwargs):
    """`check --deploy`: an error for each gateway this node calls over plain http (DD_GATEWAYS' url)."""
    return [
        checks.Error(
            f"The {name} gateway is called over plain http ({gateway['url']}): its service credential, the user "
            "it acts for and the data cross the network in clear.",
            hint=f"Set {name.upper()}_GATEWAY_URL to the https:// address of the {name} node.",
            id="distributed_core.E007",
        )
        for name, gateway in dd_settings.gateways.items()
        if str(gateway.get("url", "")).lower().startswith("http://")
    ]


@checks.register(checks.Tags.security, deploy=True)
def short_secrets_deploy(app_configs, **kwargs):
    """`check --deploy`, DEBUG off: an error for each service secret under MIN_SECRET_LENGTH characters."""
    if settings.DEBUG:
        return []
    credentials, _ = parse_service_tokens(dd_settings.service_tokens)
    short = [f"SERVICE_TOKENS ({credential.caller})" for credential in credentials if _short(credential.secret)]
    short += [
        f"{name.upper()}_GATEWAY_TOKEN"
        for name, gateway in dd_settings.gateways.items()
        if gateway.get("token") and _short(str(gateway["token"]).partition(":")[2] or str(gateway["token"]))
    ]
    return [
        checks.Error(
            f"The service secret of {where} has fewer than {MIN_SECRET_LENGTH} characters: it can be guessed.",
            hint='Make one with python3 -c "import secrets; print(secrets.token_urlsafe(32))" (43 characters).',
            id="distributed_core.E008",
        )
        for where in short
    ]


def _short(secret: str) -> bool:
    return len(secret) < MIN_SECRET_LENGTH
