"""Service credentials: the shared secrets nodes present to each other's gateways and hubs.

Each entry of `SERVICE_TOKENS` names its caller, `<caller>:<secret>` (e.g. `proposals:7mK...`),
and a caller may have two at once, so that its secret can be rotated without downtime. A
caller presents the whole entry, `Authorization: Bearer <caller>:<secret>` (the secret alone is
not enough: the name is part of what must be known). Only a hub connection and its negotiate
also take `?access_token=<caller>:<secret>`, for a browser-style WebSocket client cannot set
headers; an HTTP route takes the header only, since a query string ends up in access logs,
links and Referer headers. The presented value is compared with every entry in constant time;
the entry it matches tells which node calls, and the log names that caller (never the secret).

A gateway call with a valid credential may carry `X-On-Behalf-Of: <username>`, the user for
whom the calling node acts (proposals' proxy sends its signed-in user): the gateway trusts it
from a valid credential only, and refuses it otherwise, so a browser cannot forge it. Its value
must be a username by the user model's own validator (percent-decoded): anything else (a
newline that would forge a log line, junk, an empty value) is a 400.

A node without `SERVICE_TOKENS` accepts no credential: its gateway is open when the node is
open to anonymous callers (`DD_ALLOW_ANONYMOUS`, on while DEBUG is), and closed otherwise.
"""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote

from rest_framework import authentication, exceptions, permissions

from ..conf import dd_settings

__all__ = [
    "ON_BEHALF_OF_HEADER",
    "HasServiceCredential",
    "ServiceCaller",
    "ServiceCredential",
    "ServiceCredentialAuthentication",
    "credential_from",
    "gateway_open",
    "identify",
    "on_behalf_of_value",
    "parse_service_tokens",
    "username_on_behalf_of",
]

logger = logging.getLogger("distributed_core.gateway")

ON_BEHALF_OF_HEADER = "X-On-Behalf-Of"
CALLER_NAME = re.compile(r"\A[A-Za-z0-9_.-]{1,100}\Z")
MAX_PER_CALLER = 2  # the one in use and its successor, while it is rotated


@dataclass(frozen=True)
class ServiceCredential:
    """One entry of SERVICE_TOKENS: its caller, its secret, and which of the caller's entries it is."""

    caller: str
    secret: str = ""
    number: int = 1  # 1 or 2: its place among the caller's entries
    of: int = 1  # how many entries the caller has

    def __repr__(self) -> str:  # never the secret, whoever prints it
        return f"ServiceCredential({self.caller!r}, {self.number} of {self.of})"


def parse_service_tokens(entries: Iterable[str]) -> tuple[list[ServiceCredential], list[str]]:
    """The valid credentials among `entries` (`<caller>:<secret>`), and a problem per entry that is not."""
    found: dict[str, list[str]] = {}
    problems = []
    for position, entry in enumerate(entries, start=1):
        caller, separator, secret = entry.partition(":")
        if not separator or not secret or not CALLER_NAME.match(caller):
            problems.append(f"entry {position} is not `<caller>:<secret>` (caller: letters, digits, _ . -)")
            continue
        found.setdefault(caller, []).append(secret)
    credentials = []
    for caller, secrets in found.items():
        if len(secrets) > MAX_PER_CALLER:
            problems.append(f"{caller} has {len(secrets)} credentials: at most {MAX_PER_CALLER} (the old and the new)")
        credentials += [ServiceCredential(caller, s, n, len(secrets)) for n, s in enumerate(secrets, start=1)]
    return credentials, problems


def identify(presented: str) -> ServiceCredential | None:
    """The configured credential `presented` matches (`<caller>:<secret>`, the whole entry), else None.

    Every entry is compared, in constant time, whatever matches first: how long the check
    takes says nothing about which entry or how much of it was right.
    """
    if not presented:
        return None
    given = presented.encode()
    match = None
    for credential in parse_service_tokens(dd_settings.service_tokens)[0]:
        if hmac.compare_digest(given, f"{credential.caller}:{credential.secret}".encode()) and match is None:
            match = credential
    return match


def gateway_open() -> bool:
    """Whether the gateway and hubs take callers without a credential: no SERVICE_TOKENS on an open node."""
    return not dd_settings.service_tokens and dd_settings.allow_anonymous


def credential_from(headers: Mapping[str, str], query: Mapping[str, str] | None = None) -> str:
    """The credential a caller presents: the Bearer token, else the `access_token` in `query`, else ''.

    Only hub admission and negotiate pass `query` (a WebSocket client may be unable to send
    headers); every HTTP route passes none, so a credential in its URL counts for nothing.
    """
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return (query or {}).get("access_token", "")


def on_behalf_of_value(username: str) -> str:
    """`username` as the X-On-Behalf-Of header carries it (percent-encoded: a header is Latin-1)."""
    return quote(username, safe="")


def username_on_behalf_of(value: str) -> str:
    """The username an X-On-Behalf-Of value names (percent-decoded); ParseError (400) unless it is a valid one.

    Valid is what the user model accepts: its `username_validator` (Django's letters, digits and
    @/./+/-/_) and the length of its username field.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.validators import UnicodeUsernameValidator
    from django.core.exceptions import ValidationError

    model = get_user_model()
    try:
        username = unquote(value, errors="strict")
        getattr(model, "username_validator", UnicodeUsernameValidator())(username)
    except (UnicodeDecodeError, ValidationError):
        username = ""
    longest = model._meta.get_field(model.USERNAME_FIELD).max_length or 150
    if not username or len(username) > longest:
        raise exceptions.ParseError(f"{ON_BEHALF_OF_HEADER} must be a username (letters, digits and @.+-_ only)")
    return username


class ServiceCaller:
    """The principal of a call with a valid service credential: a node, maybe acting for one of its users.

    It holds no permission of this node's users (`has_perm` is always False): what a service
    caller may do is what the gateway offers.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None

    def __init__(self, credential: ServiceCredential, on_behalf_of: str | None = None) -> None:
        self.credential = credential
        self.caller = credential.caller
        self.on_behalf_of = on_behalf_of

    def get_username(self) -> str:
        """`service:<caller>`: how the node appears where a username is expected."""
        return f"service:{self.caller}"

    def has_perm(self, perm: str, obj=None) -> bool:
        """Never: a service caller holds no user permission."""
        return False

    def __str__(self) -> str:
        acting = f" on behalf of {self.on_behalf_of}" if self.on_behalf_of else ""
        return f"{self.caller} (credential {self.credential.number} of {self.credential.of}){acting}"


class ServiceCredentialAuthentication(authentication.BaseAuthentication):
    """DRF authentication of gateway routes: a valid credential makes `request.user` a ServiceCaller.

    No credential: nobody (the permission then answers 401 with the Bearer challenge); a wrong
    one: 403; X-On-Behalf-Of without a valid credential: 403.
    """

    def authenticate(self, request):
        """(ServiceCaller, None) for a valid credential, None without one; refuse a wrong one."""
        presented = credential_from({"authorization": request.headers.get("Authorization", "")})
        acting_for = request.headers.get(ON_BEHALF_OF_HEADER)
        credential = identify(presented)
        if credential is None:
            if acting_for is not None:
                raise exceptions.PermissionDenied(f"{ON_BEHALF_OF_HEADER} needs a valid service credential")
            if presented:
                raise exceptions.PermissionDenied("The service credential is not valid")
            return None
        caller = ServiceCaller(credential, username_on_behalf_of(acting_for) if acting_for is not None else None)
        logger.info("Gateway: %s calls %s %s", caller, request.method, request.path)
        return caller, None

    def authenticate_header(self, request) -> str:
        """The Bearer challenge that makes DRF answer a missing credential with 401."""
        return 'Bearer realm="gateway"'


class HasServiceCredential(permissions.BasePermission):
    """DRF permission of gateway routes: a valid service credential, unless the gateway is open."""

    def has_permission(self, request, view) -> bool:
        """A service caller, or anyone on an open gateway; else 401 saying what is missing."""
        if isinstance(request.user, ServiceCaller) or gateway_open():
            return True
        if not dd_settings.service_tokens:
            raise exceptions.NotAuthenticated("This node accepts no service credential (SERVICE_TOKENS is not set)")
        raise exceptions.NotAuthenticated("A service credential is required")
