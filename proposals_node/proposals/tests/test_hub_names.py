"""The node's hubs are declared once: a misspelt hub in a command or a listener fails `manage.py check`."""

from __future__ import annotations

import gc

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from distributed_core.commands import EntityCommand
from distributed_core.events.log import hubs

from ..commands import ProposalCommand
from ..models import Proposal
from ..sagas import PackageSaga


def check_errors() -> str:
    with pytest.raises(SystemCheckError) as failed:
        call_command("check")
    return str(failed.value)


def test_the_node_serves_its_proposal_hub_and_knows_the_package_hub_it_follows():
    call_command("check")
    assert hubs.served_names() == {"proposal"}  # the package hub is the workflows node's, from its contract
    assert hubs.get("package") is not None and not hubs.serves("package")
    assert (
        ProposalCommand().get_hub() is Proposal.hub and hubs.for_model(Proposal).permission == "proposals.view_proposal"
    )


def test_a_misspelt_hub_in_a_command_fails_the_check():
    class MisspeltCommand(EntityCommand[Proposal]):
        model = Proposal
        hub = "proposl"

    errors = check_errors()
    assert "distributed_core.E004" in errors
    assert "MisspeltCommand announces on hub 'proposl', which this node does not serve" in errors
    del MisspeltCommand
    gc.collect()  # gone from EntityCommand.__subclasses__(), so later checks in this process pass
    call_command("check")


def test_a_misspelt_hub_in_a_listener_fails_the_check(settings):
    settings.DD_LISTENERS = [{"source": "workflows", "hub": "pakage", "saga": "proposals.sagas.PackageSaga"}]
    errors = check_errors()
    assert "distributed_core.E005" in errors and "follows hub 'pakage', which no declaration names" in errors


def test_announcing_the_package_hub_here_fails_the_check(settings):
    class Wrong(PackageSaga):
        hub = "package"  # declared (by the workflows contract), but served by the workflows node, not here

    errors = check_errors()
    assert "Wrong announces on hub 'package', which this node does not serve" in errors
    del Wrong
    gc.collect()
