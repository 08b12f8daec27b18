import pytest

from distributed_core.exceptions import Conflict, NotFound, ValidationFailed
from workflows.commands import PackageCommand
from workflows.models import Package

pytestmark = pytest.mark.django_db


def new(**fields) -> dict:
    return {"entity_id": 1, "entity_type": "Proposal", "value": "v", **fields}


def test_save_adds_a_pending_package_with_dates_and_type():
    package = PackageCommand().save(new(title="t")).data
    assert package.pk and package.state == "Pending" and package.result == "Active"
    assert package.type == "Package" and package.date_created and package.date_modified


def test_save_ignores_the_state_a_client_sends_on_add():
    assert PackageCommand().save(new(state="Approved")).data.state == "Pending"


def test_save_ignores_the_id_type_and_dates_a_client_sends():
    package = PackageCommand().save(new(id=77, type="Hacked", date_created="2001-01-01T00:00:00Z")).data
    assert package.pk != 77 and package.type == "Package" and package.date_created.year > 2001


def test_value_is_required():
    with pytest.raises(ValidationFailed, match="Value is required"):
        PackageCommand().save(new(value="  "))
    assert Package.objects.count() == 0


def test_entity_is_required():
    with pytest.raises(ValidationFailed, match="EntityId is required"):
        PackageCommand().save({"value": "v", "entity_type": "Proposal"})


def test_result_must_be_a_status_state():
    with pytest.raises(ValidationFailed, match="Result"):
        PackageCommand().save(new(result="Maybe"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("state", "Approved", "State cannot be changed through save"),
        ("result", "Inactive", "Result cannot be changed through save"),
        ("entity_id", 2, "EntityId cannot be changed through save"),
        ("entity_type", "Invoice", "EntityType cannot be changed through save"),
    ],
)
def test_fixed_and_system_fields_cannot_change_through_save(make_package, field, value, message):
    package = make_package()
    with pytest.raises(ValidationFailed, match=message):
        PackageCommand().save({"value": "v", field: value}, package.pk)
    assert getattr(Package.objects.get(pk=package.pk), field) == getattr(package, field)


def test_sending_the_stored_values_back_is_fine(make_package):
    package = make_package(result="Inactive")
    data = {"value": "changed", "state": "Pending", "result": "Inactive", "entity_id": 1, "entity_type": "Proposal"}
    assert PackageCommand().save(data, package.pk).data.value == "changed"


def test_every_broken_rule_is_reported_at_once(make_package):
    package = make_package()
    with pytest.raises(ValidationFailed) as refused:
        PackageCommand().save({"value": "", "state": "Approved"}, package.pk)
    assert refused.value.messages == ["State cannot be changed through save", "Value is required"]


def test_update_changes_title_and_value(make_package):
    package = make_package()
    PackageCommand().save({"title": "new title", "value": "new value"}, package.pk)
    package.refresh_from_db()
    assert (package.title, package.value) == ("new title", "new value")


def test_an_update_keeps_the_fields_it_does_not_send(make_package):
    package = make_package(title="kept")
    PackageCommand().save({"value": "new value"}, package.pk)
    assert Package.objects.get(pk=package.pk).title == "kept"


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
    command.get_validation_messages = lambda entity: []  # as if two requests raced past the check
    with pytest.raises(Conflict, match="already has an active package"):
        command.save(new(entity_id=9))
    assert Package.objects.filter(entity_id=9).count() == 1


def test_update_of_a_missing_package_is_not_found():
    with pytest.raises(NotFound):
        PackageCommand().save(new(), 404)


def test_validate_reports_every_rule_without_writing():
    message = PackageCommand().validate({"value": ""})
    assert not message.is_valid
    assert "Value is required" in message.messages
    assert Package.objects.count() == 0


def test_validate_of_a_missing_package_is_not_found():
    with pytest.raises(NotFound):
        PackageCommand().validate(new(), 404)
