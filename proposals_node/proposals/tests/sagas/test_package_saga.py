"""PackageSaga through apply_event: each event applied once, in seq order, announced on the proposal hub."""

import re

import pytest

from distributed_core.events.listeners import Outcome, apply_batch, apply_event
from distributed_core.models import Event, ListenerCursor
from proposals.models import Proposal, Status
from proposals.sagas import PackageSaga

pytestmark = pytest.mark.django_db

SOURCE = "workflows/package"


def package_event(seq: int, proposal: Proposal, package_id: int = 10, **data) -> dict:
    body = {"id": package_id, "entityId": proposal.pk, "entityType": "Proposal", "state": "Pending", "result": "Active"}
    return {"id": package_id, "seq": seq, "data": {**body, **data}, "message": ""}


def apply(target: str, event: dict) -> Outcome:
    return apply_event(SOURCE, target, event, PackageSaga())


def stored_status(proposal: Proposal) -> Status:
    return Status.objects.get(pk=Proposal.objects.get(pk=proposal.pk).status_id)


def status(proposal: Proposal) -> str:
    return stored_status(proposal).state


def test_on_add_links_the_package(make_proposal):
    proposal = make_proposal()
    assert apply("OnAdd", package_event(1, proposal)) is Outcome.APPLIED
    assert Proposal.objects.get(pk=proposal.pk).package_id == 10
    assert ListenerCursor.objects.get(source=SOURCE).seq == 1


def test_an_event_delivered_twice_has_one_effect(make_proposal):
    proposal = make_proposal()
    apply("OnAdd", package_event(1, proposal))
    approved = package_event(2, proposal, state="Approved", result="Inactive")
    assert apply("OnStateChanged", approved) is Outcome.APPLIED
    Status.objects.filter(pk=proposal.status_id).update(state="Created")  # would be overwritten by a 2nd effect
    assert apply("OnStateChanged", approved) is Outcome.DUPLICATE
    assert status(proposal) == "Created"
    saga_events = Event.objects.filter(hub="proposal", message__contains="approved")
    assert saga_events.count() == 1


def test_a_gap_is_reported_and_nothing_is_applied(make_proposal):
    proposal = make_proposal()
    assert apply("OnAdd", package_event(2, proposal)) is Outcome.GAP
    assert Proposal.objects.get(pk=proposal.pk).package_id is None
    assert ListenerCursor.objects.get(source=SOURCE).seq == 0


def test_approved_sets_the_result_and_unlinks(make_proposal):
    proposal = make_proposal()
    apply("OnAdd", package_event(1, proposal))
    apply("OnStateChanged", package_event(2, proposal, state="Approved", result="Active"))
    assert status(proposal) == "Active"
    assert Proposal.objects.get(pk=proposal.pk).package_id is None


def test_rejected_sets_rejected(make_proposal):
    proposal = make_proposal()
    apply("OnAdd", package_event(1, proposal))
    apply("OnStateChanged", package_event(2, proposal, state="Rejected"))
    assert status(proposal) == "Rejected"


@pytest.mark.parametrize(
    ("decision", "result", "name"), [("Approved", "Inactive", "Inactive"), ("Rejected", "Active", "Rejected")]
)
@pytest.mark.parametrize("batched", [False, True])
def test_a_decision_writes_the_states_name_as_the_status_value(make_proposal, decision, result, name, batched):
    proposal = make_proposal()
    assert stored_status(proposal).value == "Created"
    events = [
        ("OnAdd", package_event(1, proposal)),
        ("OnStateChanged", package_event(2, proposal, state=decision, result=result)),
    ]
    if batched:
        apply_batch(SOURCE, events, PackageSaga())
    else:
        for target, event in events:
            apply(target, event)
    assert (stored_status(proposal).state, stored_status(proposal).value) == (name, name)


@pytest.mark.parametrize("state", ["Returned", "Pending"])
def test_returned_and_resubmitted_packages_stay_linked(make_proposal, state):
    proposal = make_proposal()
    apply("OnAdd", package_event(1, proposal))
    apply("OnStateChanged", package_event(2, proposal, state=state))
    assert Proposal.objects.get(pk=proposal.pk).package_id == 10 and status(proposal) == "Created"


def test_on_remove_unlinks(make_proposal):
    proposal = make_proposal()
    apply("OnAdd", package_event(1, proposal))
    apply("OnRemove", package_event(2, proposal))
    assert Proposal.objects.get(pk=proposal.pk).package_id is None


def test_events_for_other_entity_types_or_missing_proposals_only_move_the_cursor(make_proposal):
    proposal = make_proposal()
    assert apply("OnAdd", package_event(1, proposal, entityType="Invoice")) is Outcome.APPLIED
    assert apply("OnAdd", package_event(2, proposal, entityId=9999)) is Outcome.APPLIED
    assert Proposal.objects.get(pk=proposal.pk).package_id is None
    assert ListenerCursor.objects.get(source=SOURCE).seq == 2


def test_every_saga_change_is_announced_on_the_proposal_hub(make_proposal):
    proposal = make_proposal()
    apply("OnAdd", package_event(1, proposal))
    apply("OnStateChanged", package_event(2, proposal, state="Approved"))
    messages = list(Event.objects.filter(hub="proposal", target="OnUpdate").values_list("message", flat=True))
    assert messages == [
        f"Proposal {proposal.pk} linked to package 10",
        f"Proposal {proposal.pk}: package 10 approved, status Active",
    ]


def test_a_failing_saga_rolls_back_and_keeps_the_cursor(make_proposal, monkeypatch):
    proposal = make_proposal()

    def broken(self, event):
        Proposal.objects.filter(pk=proposal.pk).update(package_id=77)
        raise RuntimeError("saga bug")

    monkeypatch.setattr(PackageSaga, "package_added", broken)
    with pytest.raises(RuntimeError):
        apply("OnAdd", package_event(1, proposal))
    assert Proposal.objects.get(pk=proposal.pk).package_id is None
    assert ListenerCursor.objects.filter(source=SOURCE, seq__gt=0).count() == 0


def scenario(first: Proposal, second: Proposal) -> list[tuple[str, dict]]:
    """Both proposals get a package; the first is approved, the second's withdrawn, resubmitted and rejected."""
    return [
        ("OnAdd", package_event(1, first, package_id=10)),
        ("OnAdd", package_event(2, second, package_id=20)),
        ("OnStateChanged", package_event(3, first, package_id=10, state="Approved", result="Inactive")),
        ("OnRemove", package_event(4, second, package_id=20)),
        ("OnAdd", package_event(5, second, package_id=21)),
        ("OnAdd", package_event(6, first, package_id=99, entityType="Invoice")),
        ("OnStateChanged", package_event(7, second, package_id=21, state="Rejected")),
    ]


def outcome(first: Proposal, second: Proposal) -> tuple:
    rows = [Proposal.objects.get(pk=p.pk) for p in (first, second)]
    names = {f"Proposal {first.pk}": "Proposal <1>", f"Proposal {second.pk}": "Proposal <2>"}
    announced = [
        (re.sub(r"Proposal \d+", lambda m: names[m.group()], event.message), event.data.get("packageId"))
        for event in Event.objects.filter(hub="proposal", target="OnUpdate").order_by("seq")
    ]
    return [(row.package_id, stored_status(row).state, stored_status(row).value) for row in rows], announced


def test_a_batch_has_the_effect_of_its_events_one_by_one(make_proposal):
    batched = make_proposal(), make_proposal()
    result = apply_batch("a/package", scenario(*batched), PackageSaga())
    assert (result.applied, result.cursor) == (7, 7)
    batch_outcome = outcome(*batched)
    Event.objects.filter(hub="proposal", target="OnUpdate").delete()
    alone = make_proposal(), make_proposal()
    for target, event in scenario(*alone):
        apply_event("b/package", target, event, PackageSaga())
    assert outcome(*alone) == batch_outcome
    assert batch_outcome[0] == [(None, "Inactive", "Inactive"), (None, "Rejected", "Rejected")]
