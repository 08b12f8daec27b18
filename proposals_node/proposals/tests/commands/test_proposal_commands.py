import pytest

from distributed_core.exceptions import HookFailed, ValidationFailed
from proposals.commands import ProposalCommand
from proposals.models import Proposal, Status

pytestmark = pytest.mark.django_db


def test_adding_a_proposal_creates_and_links_its_created_status(make_proposal):
    proposal = make_proposal()
    status = Status.objects.get(pk=proposal.status_id)
    assert (status.state, status.entity_id, status.entity_type) == ("Created", proposal.pk, "Proposal")
    assert Proposal.objects.get(pk=proposal.pk).status_id == status.pk


def test_a_status_value_is_its_states_name_on_every_save(make_proposal):
    status = Status.objects.get(pk=make_proposal().status_id)
    assert status.value == "Created"  # the original's Status.OnSaving: Value = State.ToString()
    status.state = "Active"
    status.save(update_fields=["state"])  # a write of the state alone writes its name too
    assert Status.objects.values_list("state", "value").get(pk=status.pk) == ("Active", "Active")
    status.value = "Anything else"
    status.save()
    assert Status.objects.get(pk=status.pk).value == "Active"


def test_value_is_required():
    with pytest.raises(ValidationFailed, match="Value is required"):
        ProposalCommand().save({"title": "t", "value": ""})
    assert not Proposal.objects.exists() and not Status.objects.exists()


def test_status_cannot_be_changed_through_save(make_proposal):
    proposal = make_proposal()
    with pytest.raises(ValidationFailed, match="Status cannot be changed through save"):
        ProposalCommand().save({"value": "v", "status_id": proposal.status_id + 100}, proposal.pk)


def test_package_id_is_never_written_by_save(make_proposal):
    proposal = make_proposal()
    ProposalCommand().save({"value": "v", "package_id": 42}, proposal.pk)
    assert Proposal.objects.get(pk=proposal.pk).package_id is None


def test_a_client_cannot_choose_the_status_of_a_new_proposal():
    proposal = ProposalCommand().save({"value": "v", "status_id": 999, "package_id": 5}).data
    assert proposal.package_id is None
    assert proposal.status_id != 999 and Status.objects.get(pk=proposal.status_id).state == "Created"


def test_remove_without_an_active_package(make_proposal, workflows):
    proposal = make_proposal()
    assert ProposalCommand().remove(proposal.pk).data == proposal.pk
    assert not Proposal.objects.exists() and not Status.objects.exists()
    assert workflows.calls == [f"GET /getActivePackage/{proposal.pk}/Proposal"]


def test_remove_withdraws_the_active_package(make_proposal, workflows):
    proposal = make_proposal()
    package = workflows.add(proposal.pk)
    ProposalCommand().remove(proposal.pk)
    assert package["id"] not in workflows.packages
    assert workflows.calls[-1] == "POST /withdrawPackage"


def test_a_package_submitted_during_the_removal_is_withdrawn_after_the_commit(
    make_proposal, workflows, django_capture_on_commit_callbacks
):
    from distributed_core import signals

    proposal = make_proposal()

    def submit_meanwhile(sender, entity, **kwargs):  # after prepare_remove's withdrawal, before the delete
        workflows.add(entity.pk)

    signals.on_remove.connect(submit_meanwhile, sender=Proposal, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ProposalCommand().remove(proposal.pk)
    finally:
        signals.on_remove.disconnect(submit_meanwhile, sender=Proposal)
    assert workflows.packages == {} and workflows.calls[-1] == "POST /withdrawPackage"


def test_remove_changes_nothing_when_workflows_is_down(make_proposal, workflows):
    proposal = make_proposal()
    workflows.down = True
    with pytest.raises(HookFailed, match="prepare_remove failed: The workflows node cannot be reached") as failed:
        ProposalCommand().remove(proposal.pk)
    assert failed.value.status_code == 503
    assert Proposal.objects.filter(pk=proposal.pk).exists()
    assert Status.objects.filter(pk=proposal.status_id).exists()


def test_remove_changes_nothing_when_workflows_refuses(make_proposal, workflows):
    proposal = make_proposal()
    workflows.add(proposal.pk)
    workflows.refuse_withdraw = True
    with pytest.raises(HookFailed, match="only an active package can be withdrawn"):
        ProposalCommand().remove(proposal.pk)
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def test_seed_adds_the_documentation_proposal_once():
    from proposals.seed import seed

    assert seed().title == "Documentation Proposal"
    assert seed() is None
    proposal = Proposal.objects.get()
    assert Status.objects.get(pk=proposal.status_id).state == "Created"
