"""The package hub in-process, through Channels' WebsocketClient."""

import json

import pytest

from distributed_core.testing import WebsocketClient
from workflows.commands import PackageCommand
from workflows_project.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.anyio]


@pytest.fixture
def anyio_backend():
    return "asyncio"


RS = "\x1e"


async def connected(path: str = "/events/package") -> WebsocketClient:
    communicator = WebsocketClient(application, path)
    assert await communicator.connect()
    await communicator.send_text(json.dumps({"protocol": "json", "version": 1}) + RS)
    assert await communicator.receive_text() == "{}" + RS
    return communicator


async def next_record(communicator) -> dict:
    while True:
        record = json.loads((await communicator.receive_text()).rstrip(RS))
        if record.get("type") != 6:
            return record


def save_package():
    from asgiref.sync import sync_to_async

    return sync_to_async(lambda: PackageCommand().save({"entity_id": 1, "entity_type": "Proposal", "value": "v"}))()


async def test_an_event_reaches_a_connected_client():
    client = await connected()
    await save_package()
    record = await next_record(client)
    assert record["type"] == 1 and record["target"] == "OnAdd"
    assert record["arguments"][0]["seq"] == 1 and record["arguments"][0]["data"]["state"] == "Pending"
    await client.disconnect()


async def test_replay_sends_the_log_after_since_then_completes():
    await save_package()
    client = await connected()
    await client.send_text(json.dumps({"type": 1, "invocationId": "1", "target": "Replay", "arguments": [0]}) + RS)
    replayed = await next_record(client)
    assert replayed["target"] == "OnAdd" and replayed["arguments"][0]["seq"] == 1
    assert await next_record(client) == {"type": 3, "invocationId": "1", "result": 1}
    await client.disconnect()


@pytest.mark.parametrize("argument", ["x", None, -1, True])
async def test_replay_with_a_bad_argument_completes_with_an_error(argument):
    client = await connected()
    invocation = {"type": 1, "invocationId": "7", "target": "Replay", "arguments": [argument]}
    await client.send_text(json.dumps(invocation) + RS)
    completion = await next_record(client)
    assert completion["invocationId"] == "7" and "Replay" in completion["error"]
    await client.disconnect()


async def test_unknown_method_completes_with_an_error():
    client = await connected()
    await client.send_text(json.dumps({"type": 1, "invocationId": "2", "target": "Nope", "arguments": []}) + RS)
    assert (await next_record(client))["error"] == "Unknown hub method 'Nope'"
    await client.disconnect()


async def test_unknown_hub_is_refused():
    communicator = WebsocketClient(application, "/events/nothing")
    assert not await communicator.connect()


async def test_a_listener_with_a_wrong_credential_is_refused(settings):
    settings.DD_SERVICE_TOKENS = ["proposals:secret"]
    wrong = WebsocketClient(application, "/events/package?access_token=nope")
    assert not await wrong.connect()
    bare = WebsocketClient(application, "/events/package?access_token=secret")  # the secret without its name
    assert not await bare.connect()
    right = WebsocketClient(application, "/events/package?access_token=proposals:secret")
    assert await right.connect()
    await right.disconnect()


async def test_a_wrong_number_of_arguments_completes_with_an_error():
    client = await connected()
    invocation = {"type": 1, "invocationId": "3", "target": "Replay", "arguments": [1, 2]}
    await client.send_text(json.dumps(invocation) + RS)
    assert (await next_record(client))["error"] == "Replay: wrong number of arguments"
    await client.disconnect()


def records(frame: str) -> list[dict]:
    return [json.loads(raw) for raw in frame.split(RS) if raw]


async def test_keepalive_sends_only_a_ping_to_a_connection_that_did_not_ask_for_sync(settings):
    settings.DD_HUB_KEEPALIVE_INTERVAL = 0.05
    await save_package()
    client = await connected()
    for _ in range(3):  # three keep-alive intervals
        assert records(await client.receive_text()) == [{"type": 6}]
    await client.disconnect()


async def test_sync_answers_the_last_seq_then_comes_after_every_keepalive_ping(settings):
    settings.DD_HUB_KEEPALIVE_INTERVAL = 0.05
    await save_package()
    client = await connected()
    await client.send_text(json.dumps({"type": 1, "invocationId": "s", "target": "Sync", "arguments": []}) + RS)
    received: list[dict] = []
    while len([record for record in received if record.get("target") == "Sync"]) < 2:
        received += records(await client.receive_text())
    assert {"type": 3, "invocationId": "s", "result": 1} in received
    keepalives = [record for record in received if record["type"] != 3]
    assert keepalives[:2] == [{"type": 6}, {"type": 1, "target": "Sync", "arguments": [{"seq": 1, "message": "Sync"}]}]
    await client.disconnect()


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        (None, True),  # a listener or a script: not a browser
        ("http://testserver", True),  # the node's own pages
        ("http://127.0.0.1:5001", True),  # in CORS_ALLOWED_ORIGINS (the proposals app)
        ("http://evil.example", False),  # any other site's page
    ],
)
async def test_browser_origins_are_checked(origin, accepted):
    headers = [(b"host", b"testserver")] + ([(b"origin", origin.encode())] if origin else [])
    client = WebsocketClient(application, "/events/package", headers=headers)
    assert await client.connect() is accepted
    if accepted:
        await client.disconnect()
