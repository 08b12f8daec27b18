"""`manage.py setuser <username> [--group G]... [--permission app.codename]... [--superuser] [--disable]`.

Creates or updates one user.

Each node has its own users. A team shares one identity across its nodes by giving each person
the same account on every node: `manage_all.py setuser alice --group <group>` runs this on
each node with one password (groups and permissions a node does not have are skipped there). The password comes
from `DD_USER_PASSWORD`, else a prompt; an existing user keeps theirs when none is given. It is
never an argument, which any user of the machine could read in the process list.
"""

from __future__ import annotations

import getpass
import os
import sys

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

PASSWORD_VARIABLE = "DD_USER_PASSWORD"


class Command(BaseCommand):
    """Create the user, or update it: password, groups, superuser, active."""

    help = __doc__.splitlines()[0]

    def add_arguments(self, parser) -> None:
        """The username and what to set."""
        parser.add_argument("username", help="the account's name")
        parser.add_argument("--group", action="append", default=[], help="a group to add the user to (repeatable)")
        parser.add_argument(
            "--permission", action="append", default=[], help="a permission to give, as <app_label>.<codename>"
        )
        parser.add_argument("--email", default=None, help="the account's e-mail address")
        parser.add_argument("--superuser", action="store_true", help="every permission, and the admin")
        parser.add_argument("--staff", action="store_true", help="may sign in to the admin")
        parser.add_argument("--disable", action="store_true", help="disable the account (it can no longer sign in)")
        parser.add_argument("--enable", action="store_true", help="enable a disabled account")

    def handle(self, *args, username: str, group: list[str], permission: list[str], **options) -> None:
        """Create or update `username` in one transaction; say what was done."""
        users = get_user_model()
        existing = users._default_manager.filter(**{users.USERNAME_FIELD: username}).first()
        password = self.password(username, required=existing is None)
        with transaction.atomic():
            user = existing or users(**{users.USERNAME_FIELD: username})
            if password is not None:
                try:
                    password_validation.validate_password(password, user)
                except ValidationError as error:
                    raise CommandError("; ".join(error.messages)) from error
                user.set_password(password)
            if options["email"] is not None:
                user.email = options["email"]
            if options["superuser"]:
                user.is_superuser = user.is_staff = True
            if options["staff"]:
                user.is_staff = True
            if options["disable"] or options["enable"]:
                user.is_active = not options["disable"]
            user.save()
            for name in group:
                found = Group.objects.filter(name=name).first()
                if found is None:
                    self.stderr.write(f"No group {name!r} on this node: skipped")
                else:
                    user.groups.add(found)
            for name in permission:
                app_label, _, codename = name.partition(".")
                found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
                if found is None:
                    self.stderr.write(f"No permission {name!r} on this node: skipped")
                else:
                    user.user_permissions.add(found)
        groups = ", ".join(sorted(user.groups.values_list("name", flat=True))) or "no group"
        state = "" if user.is_active else ", disabled"
        self.stdout.write(f"{'Updated' if existing else 'Created'} user {username} ({groups}{state})")

    def password(self, username: str, required: bool) -> str | None:
        """The password to set: DD_USER_PASSWORD, else asked twice on a terminal; None keeps the current one."""
        given = os.environ.get(PASSWORD_VARIABLE)
        if given:
            return given
        if not sys.stdin.isatty():
            if required:
                raise CommandError(f"A new user needs a password: set {PASSWORD_VARIABLE}, or run on a terminal")
            return None
        first = getpass.getpass(f"Password for {username}{'' if required else ' (empty: keep)'}: ")
        if not first and not required:
            return None
        if first != getpass.getpass("Again: "):
            raise CommandError("The two passwords differ")
        if not first:
            raise CommandError("The password may not be empty")
        return first
