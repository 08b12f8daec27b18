import pytest

from distributed_core.exceptions import Conflict, NotFound, ValidationFailed
from workflows.commands import PackageCommand
from workflows.models import Package

pytestmark = pytest.mark.django_db


def new(**fields) -> Package:
    return Package(**{"entity_id": 1, "entity_type": "Proposal", "value": "v", **fields})


def test_save_adds_a_pending_package_with_dates_and_type():
    package = PackageCommand().save(new(title="t")).data
    assert package.pk and package.state == "Pending" and package.result == "Active"
    assert package.type == "Package" and package.date_created and package.date_modified


def test_save_ignores_the_state_a_client_sends_on_add():
    assert PackageCommand().save(new(state="Approved")).data.state == "Pending"


def test_value_is_required():
    with pytest.raises(ValidationFailed, match="Value is required"):
        PackageCommand().save(new(value="  "))
    assert Package.objects.count() == 0


def test_entity_is_required():
    with pytest.raises(ValidationFailed, match="Entity id"):
        PackageCommand().save(Package(value="v", entity_type="Proposal"))


def test_result_must_be_a_status_state():
    with pytest.raises(ValidationFailed, match="Result"):
        PackageCommand().save(new(result="Maybe"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("state", "Approved", "State cannot be changed through save"),
        ("result", "Inactive", "Result cannot be changed through save"),
        ("entity_id", 2, "EntityId cannot be changed through save"),
    ],
)
def test_protected_fields_cannot_change_through_save(make_package, field, value, message):
    package = make_package()
    setattr(package, field, value)
    with pytest.raises(ValidationFailed, match=message):
        PackageCommand().save(package)


def test_update_changes_title_and_value(make_package):
    package = make_package()
    package.title, package.value = "new title", "new value"
    PackageCommand().save(package)
    package.refresh_from_db()
    assert (package.title, package.value) == ("new title", "new value")


def test_second_active_package_for_one_entity_is_refused(make_package):
    make_package(entity_id=7)
    with pytest.raises(ValidationFailed, match="Proposal 7 already has an active package"):
        PackageCommand().save(new(entity_id=7))
    assert Package.objects.count() == 1


def test_a_completed_package_does_not_block_a_new_one(make_package):
    make_package(entity_id=7, state="Approved")
    assert PackageCommand().save(new(entity_id=7)).data.state == "Pending"


def test_the_database_refuses_a_second_active_package_even_past_python():
    PackageCommand().save(new(entity_id=9))
    command = PackageCommand()
    command.get_validation_messages = lambda entity, stored: []  # as if two requests raced past the check
    with pytest.raises(Conflict, match="already has an active package"):
        command.save(new(entity_id=9))
    assert Package.objects.filter(entity_id=9).count() == 1


def test_update_of_a_missing_package_is_not_found():
    with pytest.raises(NotFound):
        PackageCommand().save(new(id=404))


def test_validate_reports_every_rule_without_writing():
    message = PackageCommand().validate(Package(value=""))
    assert not message.is_valid
    assert "Value is required" in message.messages
    assert Package.objects.count() == 0
