import pytest

from distributed_core.exceptions import NotFound, ValidationFailed
from workflows.commands import PackageCommand
from workflows.models import Package

pytestmark = pytest.mark.django_db

ACTIONS = {"approve": "Approved", "reject": "Rejected", "return_": "Returned"}


@pytest.mark.parametrize(("action", "state"), ACTIONS.items())
def test_pending_package_moves_to_its_new_state(make_package, action, state):
    package = make_package()
    result = getattr(PackageCommand(), action)(package.pk)
    assert result.data.state == state
    assert Package.objects.get(pk=package.pk).state == state


@pytest.mark.parametrize("from_state", ["Approved", "Rejected", "Returned"])
@pytest.mark.parametrize("action", ACTIONS)
def test_only_a_pending_package_can_be_acted_on(make_package, from_state, action):
    package = make_package(state=from_state)
    with pytest.raises(ValidationFailed, match=f"is {from_state}; only a Pending package"):
        getattr(PackageCommand(), action)(package.pk)
    assert Package.objects.get(pk=package.pk).state == from_state


def test_returned_package_can_be_resubmitted_with_changes(make_package):
    package = make_package(state="Returned")
    result = PackageCommand().submit({"value": "fixed"}, package.pk)
    assert result.data.state == "Pending"
    assert Package.objects.get(pk=package.pk).value == "fixed"


@pytest.mark.parametrize("from_state", ["Pending", "Approved", "Rejected"])
def test_only_a_returned_package_can_be_resubmitted(make_package, from_state):
    package = make_package(state=from_state)
    with pytest.raises(ValidationFailed, match="only a Returned package can be resubmitted"):
        PackageCommand().submit({"value": "v"}, package.pk)


def test_submit_without_id_adds(make_package):
    result = PackageCommand().submit({"entity_id": 3, "entity_type": "Proposal", "value": "v"})
    assert result.data.state == "Pending"


@pytest.mark.parametrize("state", ["Pending", "Returned"])
def test_withdraw_removes_an_active_package(make_package, state):
    package = make_package(state=state)
    assert PackageCommand().withdraw(package.pk).data == package.pk
    assert not Package.objects.filter(pk=package.pk).exists()


@pytest.mark.parametrize("state", ["Approved", "Rejected"])
def test_withdraw_refuses_a_completed_package(make_package, state):
    package = make_package(state=state)
    with pytest.raises(ValidationFailed, match="only an active package can be withdrawn"):
        PackageCommand().withdraw(package.pk)
    assert Package.objects.filter(pk=package.pk).exists()


def test_actions_on_a_missing_package_are_not_found():
    with pytest.raises(NotFound):
        PackageCommand().approve(12345)
