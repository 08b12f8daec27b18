import pytest

from distributed_core import signals
from distributed_core.exceptions import GatewayUnavailable, HookFailed, ValidationFailed
from workflows.commands import PackageCommand
from workflows.models import Package

pytestmark = pytest.mark.django_db


NEW = {"entity_id": 1, "entity_type": "Proposal", "value": "v"}


@pytest.fixture
def failing_receiver():
    connected = []

    def connect(signal, error=None):
        def receiver(sender, entity, **kwargs):
            raise error or ValidationFailed(["refused by a test receiver"])

        signal.connect(receiver, sender=Package, weak=False)
        connected.append((signal, receiver))

    yield connect
    for signal, receiver in connected:
        signal.disconnect(receiver, sender=Package)


@pytest.mark.parametrize("hook", ["prepare_save", "on_save", "on_add", "after_add", "after_save"])
def test_a_raising_hook_aborts_an_add_and_names_the_step(failing_receiver, hook):
    failing_receiver(getattr(signals, hook))
    with pytest.raises(HookFailed, match=f"{hook} failed: refused by a test receiver"):
        PackageCommand().save(NEW)
    assert Package.objects.count() == 0


def test_a_receiver_s_bug_is_not_a_refusal_it_propagates_and_rolls_back(failing_receiver):
    failing_receiver(signals.after_add, RuntimeError("a bug in a receiver"))
    with pytest.raises(RuntimeError, match="a bug in a receiver"):
        PackageCommand().save(NEW)
    assert Package.objects.count() == 0


def test_a_hook_keeps_the_status_of_what_it_raised(failing_receiver, make_package):
    package = make_package()
    failing_receiver(signals.prepare_remove, GatewayUnavailable("The other node cannot be reached"))
    with pytest.raises(HookFailed, match="prepare_remove failed: The other node cannot be reached") as failed:
        PackageCommand().remove(package.pk)
    assert failed.value.status_code == 503
    assert Package.objects.filter(pk=package.pk).exists()


def test_a_raising_after_update_hook_rolls_back_an_approval(failing_receiver, make_package):
    package = make_package()
    failing_receiver(signals.after_update)
    with pytest.raises(HookFailed):
        PackageCommand().approve(package.pk)
    assert Package.objects.get(pk=package.pk).state == "Pending"


def test_a_raising_after_remove_hook_rolls_back_the_removal(failing_receiver, make_package):
    package = make_package()
    failing_receiver(signals.after_remove)
    with pytest.raises(HookFailed, match="after_remove failed"):
        PackageCommand().remove(package.pk)
    assert Package.objects.filter(pk=package.pk).exists()


def test_hooks_fire_in_order(make_package):
    seen = []
    names = ["prepare_save", "on_save", "on_add", "after_add", "after_save"]
    receivers = []
    for name in names:

        def receiver(sender, entity, _name=name, **kwargs):
            seen.append(_name)

        getattr(signals, name).connect(receiver, sender=Package, weak=False)
        receivers.append((getattr(signals, name), receiver))
    try:
        PackageCommand().save(NEW)
    finally:
        for signal, receiver in receivers:
            signal.disconnect(receiver, sender=Package)
    assert seen == names
