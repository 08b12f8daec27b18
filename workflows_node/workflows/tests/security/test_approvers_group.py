"""The approvers group, made by a data migration, may decide on packages (and see them)."""

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def test_the_approvers_group_holds_decide_package_and_view_package():
    approvers = Group.objects.get(name="approvers")
    assert sorted(approvers.permissions.values_list("codename", flat=True)) == ["decide_package", "view_package"]
    assert approvers.permissions.get(codename="decide_package").name == "Can approve, reject or return a package"
