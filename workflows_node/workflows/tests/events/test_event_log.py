"""The event log: written in the command's transaction, published only after commit."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from distributed_core import signals
from distributed_core.events.log import group_name
from distributed_core.exceptions import HookFailed, ValidationFailed
from distributed_core.models import Event
from workflows.commands import PackageCommand
from workflows.models import Package

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hub_messages():
    """A channel subscribed to the package hub's group; returns what it received so far."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group_name("package"), channel)

    def received() -> list[dict]:
        messages = []
        while (message := async_to_sync(_receive_or_none)(layer, channel)) is not None:
            messages.append(message)
        return messages

    yield received
    async_to_sync(layer.group_discard)(group_name("package"), channel)


async def _receive_or_none(layer, channel, timeout: float = 0.3):
    try:
        return await asyncio.wait_for(layer.receive(channel), timeout)
    except TimeoutError:
        return None


def new_package(**fields) -> dict:
    return {"entity_id": 1, "entity_type": "Proposal", "value": "v", **fields}


def test_each_change_is_logged_with_increasing_seq():
    command = PackageCommand()
    package = command.save(new_package()).data
    command.approve(package.pk)
    events = list(Event.objects.filter(hub="package").order_by("seq"))
    assert [(e.seq, e.target) for e in events] == [(1, "OnAdd"), (2, "OnStateChanged")]
    assert events[1].as_argument()["data"]["state"] == "Approved"
    assert events[1].as_argument()["id"] == package.pk


def test_a_committed_event_is_published_to_the_hub(hub_messages):
    PackageCommand().save(new_package())
    messages = hub_messages()
    assert len(messages) == 1
    assert '"target":"OnAdd"' in messages[0]["record"] and '"seq":1' in messages[0]["record"]


def test_a_refused_command_logs_and_announces_nothing(hub_messages):
    with pytest.raises(ValidationFailed):
        PackageCommand().save(new_package(value=""))
    assert not Event.objects.exists() and hub_messages() == []


@pytest.mark.parametrize(
    ("error", "raised"),
    [(ValidationFailed(["no"]), HookFailed), (RuntimeError("a bug"), RuntimeError)],
    ids=["refusal", "bug"],
)
def test_a_command_whose_hook_raises_logs_and_announces_nothing(hub_messages, error, raised):
    def refuse(sender, entity, **kwargs):
        raise error

    signals.after_save.connect(refuse, sender=Package, weak=False)
    try:
        with pytest.raises(raised) as caught:  # a refusal is the command's answer; a bug stays a bug (a 500)
            PackageCommand().save(new_package())
    finally:
        signals.after_save.disconnect(refuse, sender=Package)
    assert caught.type is raised
    assert not Event.objects.exists() and not Package.objects.exists()
    assert hub_messages() == []


def test_withdraw_announces_on_remove():
    command = PackageCommand()
    package = command.save(new_package()).data
    command.withdraw(package.pk)
    assert list(Event.objects.values_list("target", flat=True)) == ["OnAdd", "OnRemove"]


def test_prune_events_command():
    from django.core.management import call_command

    PackageCommand().save(new_package())
    call_command("prune_events", "--days", "0")
    assert not Event.objects.exists()


def test_event_data_matches_the_http_answer(api):
    package = PackageCommand().save(new_package()).data
    event = Event.objects.get(hub="package", target="OnAdd")
    answer = api.get(f"/api/package/getFromId/{package.pk}").json_body
    assert event.as_argument()["data"] == answer
