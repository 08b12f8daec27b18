"""A hub's channel-layer group names its node and its hub: nodes sharing one Redis never hear each other's events."""

from __future__ import annotations

import re

import pytest
from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer

from distributed_core.events.log import group_name

VALID = re.compile(r"^[a-zA-Z\d\-_.]+$")  # what channels accepts in a group name (below 100 characters)


def test_the_group_is_named_by_node_and_hub(settings):
    settings.DD_NODE_NAME = "workflows"
    assert group_name("package") == "events.workflows.package"
    assert group_name("package", node="other") == "events.other.package"


def test_two_nodes_with_a_hub_of_the_same_name_have_different_groups():
    assert group_name("package", node="workflows") != group_name("package", node="archive")


@pytest.mark.parametrize(
    ("node", "hub"),
    [("wörk flows", "package"), ("a.b", "c"), ("a", "b.c"), ("n" * 120, "package"), ("workflows", "pack/age")],
)
def test_any_node_name_gives_a_valid_group_and_unlike_names_stay_apart(node, hub):
    name = group_name(hub, node=node)
    assert VALID.match(name) and len(name) < 100, name
    # "a.b" + "c" must not meet "a" + "b.c"; a name made plain must not meet the plain name it resembles
    others = {group_name("c", node="a.b"), group_name("b.c", node="a"), group_name("package", node="w-rk-flows")}
    assert name not in others - {name}
    assert len({group_name("c", node="a.b"), group_name("b.c", node="a")}) == 2


def test_a_message_to_one_nodes_group_reaches_only_that_node():
    """What channels-redis does with two nodes' groups on one Redis, with the in-memory layer's same rules."""
    layer = InMemoryChannelLayer()

    async def exchange() -> tuple[list, list]:
        workflows, archive = await layer.new_channel(), await layer.new_channel()
        await layer.group_add(group_name("package", node="workflows"), workflows)
        await layer.group_add(group_name("package", node="archive"), archive)
        await layer.group_send(group_name("package", node="workflows"), {"type": "hub.event", "record": "r"})
        got_workflows = [await layer.receive(workflows)]
        await layer.group_send(group_name("package", node="archive"), {"type": "hub.event", "record": "s"})
        got_archive = [await layer.receive(archive)]
        return got_workflows, got_archive

    got_workflows, got_archive = async_to_sync(exchange)()
    assert [m["record"] for m in got_workflows] == ["r"] and [m["record"] for m in got_archive] == ["s"]
