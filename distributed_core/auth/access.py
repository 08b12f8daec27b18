"""Access that can be withdrawn: what admitted a caller (`Access`), checked again with what is true now.

A caller admitted once (a hub connection) may lose its access later: its token revoked or expired,
its user disabled or deleted, its session ended (signed out, expired, the password changed), its
permission removed (its own, or its group's), its service credential taken out of SERVICE_TOKENS.
`check_access` applies `callers.check_caller` again to what the caller presented, loading the
session's user afresh; `check_accesses` does the same for many callers at once, with a few queries
for all of them rather than a few each:

- sessions of a database-backed engine (`db`, `cached_db`) are read in one query, their users in
  one, and whether they may still be signed in is decided as Django's `get_user` decides it
  (backend still configured, `user_can_authenticate`, session hash, fallbacks included); other
  engines are read one by one through `get_user` itself;
- the permission is asked once per permission for all the users (`with_perm` of the one backend
  that offers it: ModelBackend), else user by user (`has_perm`);
- API tokens are checked one by one through `callers.token_user`, as admission resolves them: the
  one place to change when tokens are stored differently;
- service credentials are matched against today's SERVICE_TOKENS (no query).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from ..conf import dd_settings
from .callers import Refused, check_caller, token_user
from .credentials import identify

__all__ = ["Access", "check_access", "check_accesses", "permitted", "session_user", "session_users", "verified"]


@dataclass(frozen=True)
class Access:
    """What admitted a caller, kept to check it again: the permission asked for, and the service credential,
    API token key and session key the caller presented ('' for each it did not)."""

    permission: str
    credential: str = ""
    key: str = ""
    session_key: str = ""

    def __repr__(self) -> str:  # never a secret, whoever prints it
        kinds = [name for name in ("credential", "key", "session_key") if getattr(self, name)]
        return f"Access({self.permission!r}, {'+'.join(kinds) or 'anonymous'})"


def session_user(session_key: str) -> Any:
    """The user signed in with the session `session_key` now (Django's own `get_user`), else AnonymousUser."""
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return auth.get_user(request)


def check_access(access: Access) -> str:
    """`check_caller` again for what admitted a caller, with what is true now; `Refused` once it is withdrawn.

    Reads the database: the token and the session's user are looked up again, with the permission.
    """
    user = session_user(access.session_key) if access.session_key and not (access.credential or access.key) else None
    if user is not None and not user.is_authenticated and not dd_settings.allow_anonymous:
        raise Refused("The session has ended", 401)
    return check_caller(access.permission, access.credential, user, access.key)


def check_accesses(accesses: Iterable[Access]) -> dict[Access, str]:
    """The reason each of `accesses` is now refused, for those that are: `check_access` for many at once."""
    refused: dict[Access, str] = {}
    users: dict[Access, Any] = {}  # the accesses that now rest on a user's permission
    sessions = {a.session_key for a in accesses if a.session_key and not (a.credential or a.key)}
    signed_in = session_users(sessions)
    for access in set(accesses):
        try:
            if access.credential:
                if identify(access.credential) is None:
                    raise Refused("The service credential is not valid")
            elif access.key:
                users[access] = token_user(access.key)
            elif access.session_key:
                user = signed_in.get(access.session_key)
                if user is not None:
                    users[access] = user
                elif not dd_settings.allow_anonymous:
                    raise Refused("The session has ended", 401)
            elif not dd_settings.allow_anonymous:
                raise Refused("Sign in, send an API token, or present a service credential", 401)
        except Refused as refusal:
            refused[access] = refusal.reason
    if not dd_settings.allow_anonymous:
        for permission in {access.permission for access in users}:
            holders = permitted(permission, [user for access, user in users.items() if access.permission == permission])
            for access, user in users.items():
                if access.permission == permission and user.pk not in holders:
                    refused[access] = f"{user.get_username()} may not do this: it needs the {permission} permission"
    return refused


def permitted(permission: str, users: list[Any]) -> set[Any]:
    """The primary keys of those of `users` who hold `permission` now: one query with ModelBackend alone."""
    backends = auth.get_backends()
    if len(backends) == 1 and isinstance(backends[0], ModelBackend) and users:
        model = type(users[0])
        held = model._default_manager.with_perm(permission).filter(pk__in=[user.pk for user in users])
        return set(held.values_list("pk", flat=True))
    return {user.pk for user in users if user.has_perm(permission)}


def session_users(session_keys: set[str]) -> dict[str, Any]:
    """The user signed in now with each of `session_keys`, for those that still have one (as `get_user` decides)."""
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore
    if not session_keys:
        return {}
    if not hasattr(store, "get_model_class"):  # not kept in the database: one by one, through get_user
        users = {key: session_user(key) for key in session_keys}
        return {key: user for key, user in users.items() if user.is_authenticated}
    rows = store.get_model_class().objects.filter(session_key__in=session_keys, expire_date__gt=timezone.now())
    decoded = {row.session_key: store().decode(row.session_data) for row in rows}
    model = auth.get_user_model()
    claimed = {}
    for key, data in decoded.items():
        try:
            claimed[key] = (model._meta.pk.to_python(data[auth.SESSION_KEY]), data[auth.BACKEND_SESSION_KEY], data)
        except (KeyError, ValidationError):
            continue  # no user in it (anonymous), or not one of ours
    loaded = model._default_manager.in_bulk({user_id for user_id, _, _ in claimed.values()})
    users = {}
    for key, (user_id, backend_path, data) in claimed.items():
        if backend_path not in settings.AUTHENTICATION_BACKENDS:
            continue
        backend = auth.load_backend(backend_path)
        if type(backend).get_user is ModelBackend.get_user:
            user = loaded.get(user_id)
            user = user if user is not None and backend.user_can_authenticate(user) else None
        else:
            user = backend.get_user(user_id)
        if user is not None and verified(user, data.get(auth.HASH_SESSION_KEY)):
            users[key] = user
    return users


def verified(user: Any, session_hash: str | None) -> bool:
    """Whether `session_hash` is `user`'s session hash, with the current secret or a fallback (as `get_user`)."""
    if not hasattr(user, "get_session_auth_hash"):
        return True
    if not session_hash:
        return False
    return constant_time_compare(session_hash, user.get_session_auth_hash()) or any(
        constant_time_compare(session_hash, fallback) for fallback in user.get_session_auth_fallback_hash()
    )
