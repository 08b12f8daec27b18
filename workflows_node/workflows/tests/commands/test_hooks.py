import pytest

from distributed_core import signals
from distributed_core.exceptions import HookFailed
from workflows.commands import PackageCommand
from workflows.models import Package

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_receiver():
    connected = []

    def connect(signal):
        def receiver(sender, entity, **kwargs):
            raise RuntimeError("refused by a test receiver")

        signal.connect(receiver, sender=Package, weak=False)
        connected.append((signal, receiver))

    yield connect
    for signal, receiver in connected:
        signal.disconnect(receiver, sender=Package)


@pytest.mark.parametrize("hook", ["on_save", "on_add", "after_add", "after_save"])
def test_a_raising_hook_aborts_an_add_and_names_the_step(failing_receiver, hook):
    failing_receiver(getattr(signals, hook))
    with pytest.raises(HookFailed, match=f"{hook} failed: refused by a test receiver"):
        PackageCommand().save(Package(entity_id=1, entity_type="Proposal", value="v"))
    assert Package.objects.count() == 0


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
    names = ["on_save", "on_add", "after_add", "after_save"]
    receivers = []
    for name in names:

        def receiver(sender, entity, _name=name, **kwargs):
            seen.append(_name)

        getattr(signals, name).connect(receiver, sender=Package, weak=False)
        receivers.append((getattr(signals, name), receiver))
    try:
        PackageCommand().save(Package(entity_id=1, entity_type="Proposal", value="v"))
    finally:
        for signal, receiver in receivers:
            signal.disconnect(receiver, sender=Package)
    assert seen == names
