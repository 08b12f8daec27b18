"""A closed workflows node (as with DEBUG=0) and its people: anonymous, a viewer, an editor, an approver."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User

from distributed_core.auth.tokens import issue_token
from distributed_core.testing import JsonClient

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def closed(settings):
    """Anonymous callers get nothing here (the node tests' default, like DEBUG, is open); passwords hash fast."""
    settings.DD_ALLOW_ANONYMOUS = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, *permissions: str, groups: tuple[str, ...] = ()) -> User:
    user = User.objects.create_user(username, password=PASSWORD)
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def as_user(user: User | None) -> JsonClient:
    """A JSON client sending `user`'s API token (None: anonymous)."""
    client = JsonClient()
    if user is not None:
        client.client.defaults["HTTP_AUTHORIZATION"] = f"Token {issue_token(user)[1]}"
    return client


@pytest.fixture
def people(db) -> dict[str, JsonClient]:
    """Clients of: nobody, a viewer (view only), an editor (view, add, change, delete), an approver (the group)."""
    return {
        "anonymous": as_user(None),
        "viewer": as_user(make_user("viewer", "view_package")),
        "editor": as_user(make_user("editor", "view_package", "add_package", "change_package", "delete_package")),
        "approver": as_user(make_user("approver", groups=("approvers",))),
    }
