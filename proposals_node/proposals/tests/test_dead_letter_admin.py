"""The admin's Dead letters page: a parked package event retried (applied once) or skipped."""

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from distributed_core.models import DeadLetter
from proposals.models import Proposal

pytestmark = pytest.mark.django_db

PAGE = "/admin/distributed_core/deadletter/"


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    return client


def park(proposal: Proposal, seq: int = 1) -> DeadLetter:
    data = {"id": 10, "entityId": proposal.pk, "entityType": "Proposal", "state": "Pending", "result": "Active"}
    event = {"id": 10, "seq": seq, "data": data, "message": ""}
    return DeadLetter.objects.create(
        source="workflows/package", seq=seq, target="OnAdd", event=event, error="boom", attempts=5
    )


def test_the_retry_action_applies_the_parked_event_once(admin_client, make_proposal):
    proposal = make_proposal()
    letter = park(proposal)
    page = admin_client.get(PAGE)
    assert page.status_code == 200 and "Retry the selected parked events" in page.content.decode()
    done = admin_client.post(PAGE, {"action": "retry", "_selected_action": [letter.pk]}, follow=True)
    assert f"Dead letter {letter.pk} (seq 1) retried" in done.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).package_id == 10
    again = admin_client.post(PAGE, {"action": "retry", "_selected_action": [letter.pk]}, follow=True)
    assert "already retried" in again.content.decode()


def test_the_skip_action_closes_it_unapplied(admin_client, make_proposal):
    proposal = make_proposal()
    letter = park(proposal)
    admin_client.post(PAGE, {"action": "skip", "_selected_action": [letter.pk]}, follow=True)
    assert DeadLetter.objects.get(pk=letter.pk).state == "skipped"
    assert Proposal.objects.get(pk=proposal.pk).package_id is None


def test_a_user_who_may_only_view_gets_no_actions(make_proposal):
    viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_deadletter"))
    client = Client()
    client.force_login(viewer)
    letter = park(make_proposal())
    page = client.get(PAGE)
    assert page.status_code == 200 and "Retry the selected parked events" not in page.content.decode()
    client.post(PAGE, {"action": "retry", "_selected_action": [letter.pk]})
    assert DeadLetter.objects.get(pk=letter.pk).state == "parked"


def test_a_retried_event_is_the_cause_of_its_effect_and_the_entity_page_shows_the_timeline(admin_client, make_proposal):
    from distributed_core.models import Event

    proposal = make_proposal()
    letter = park(proposal, seq=1)
    letter.event = {**letter.event, "traceId": "c" * 32}
    letter.save(update_fields=["event"])
    admin_client.post(PAGE, {"action": "retry", "_selected_action": [letter.pk]}, follow=True)
    linked = Event.objects.filter(hub="proposal", entity_id=proposal.pk).order_by("seq").last()
    assert linked.trace_id == "c" * 32
    assert {key: linked.cause["event"][key] for key in ("node", "hub", "seq")} == {
        "node": "workflows",
        "hub": "package",
        "seq": 1,
    }
    page = admin_client.get(f"/admin/proposals/proposal/{proposal.pk}/change/").content.decode()
    assert "History (timeline)" in page and "c" * 32 in page and "caused by" in page
