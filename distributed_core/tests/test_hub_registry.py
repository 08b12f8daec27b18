"""Hubs are declared once (name, entity, permission); a hub nobody declared fails `check` and cannot log events."""

from __future__ import annotations

import gc

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import models, transaction

from distributed_core.commands import EntityCommand
from distributed_core.events import Hub
from distributed_core.events.log import hubs, record_event
from distributed_core.models import Entity, Event
from distributed_core.sagas import EntitySaga

from .testapp.models import Note


@pytest.fixture
def registry():
    """The process's registry, put back as it was after the test (declarations made here are forgotten)."""
    declared = dict(hubs.declared)
    yield hubs
    hubs.declared.clear()
    hubs.declared.update(declared)
    hubs.changed()


def contract(name: str, **options) -> type[Entity]:
    """An abstract entity declaring its hub, as a contract does: no table here, so the hub is another node's."""
    meta = type("Meta", (), {"abstract": True, "app_label": "testapp"})
    return type(name.title(), (Entity,), {"__module__": __name__, "hub": Hub(name, **options), "Meta": meta})


@pytest.fixture
def forget_classes():
    """Classes the test defines are gone from `__subclasses__()` afterwards (the check walks them)."""
    yield
    gc.collect()


def test_a_hub_declared_on_a_model_is_that_models_served_hub():
    hub = hubs.get("note")
    assert hub is Note.hub and hub.model is Note and hub.served
    assert hubs.for_model(Note) is hub
    assert hub.permission == "testapp.view_note"  # who may follow it: who may view a note


def test_a_hub_without_an_entity_asks_for_the_event_logs_view_permission():
    assert hubs.get("a").model is None and hubs.serves("a")
    assert hubs.get("a").permission == "distributed_core.view_event"


def test_a_contracts_hub_is_known_but_served_only_where_its_model_is_stored(registry):
    invoice = contract("invoice", permission="billing.view_invoice")
    assert registry.get("invoice").model is invoice and invoice._meta.abstract
    assert not registry.serves("invoice") and "invoice" not in registry.served_names()
    assert registry.get("invoice").permission == "billing.view_invoice"


def test_a_name_is_declared_once(registry):
    with pytest.raises(ImproperlyConfigured, match="Hub 'note' is declared twice"):
        Hub("note")


@pytest.mark.parametrize("name", ["Invoice", "in voice", "", "invoice/x"])
def test_a_name_must_fit_the_hubs_url(registry, name):
    with pytest.raises(ImproperlyConfigured, match="lower-case letters"):
        Hub(name)


@pytest.mark.django_db
def test_recording_on_a_hub_this_node_does_not_serve_is_refused(registry):
    contract("invoice")
    with transaction.atomic():
        with pytest.raises(ImproperlyConfigured, match="No hub named 'notes' is served by this node"):
            record_event("notes", "OnAdd", entity_id=1)
        with pytest.raises(ImproperlyConfigured, match="No hub named 'invoice' is served"):  # another node's
            record_event("invoice", "OnAdd", entity_id=1)
        record_event(hubs.get("note"), "OnAdd", entity_id=1)
    assert list(Event.objects.values_list("hub", "seq")) == [("note", 1)]


@pytest.mark.django_db
def test_a_command_announces_on_its_models_hub_unless_it_names_another():
    class NoteCommand(EntityCommand[Note]):
        model = Note

    class OtherCommand(NoteCommand):
        hub = "other"

    NoteCommand().save({"value": "v"})
    OtherCommand().save({"value": "w"})
    assert list(Event.objects.order_by("id").values_list("hub", "target")) == [("note", "OnAdd"), ("other", "OnAdd")]


def check_errors() -> str:
    with pytest.raises(SystemCheckError) as failed:
        call_command("check")
    return str(failed.value)


def test_a_misspelt_hub_in_a_command_fails_the_check(forget_classes):
    class NoteCommand(EntityCommand[Note]):
        model = Note
        hub = "notes"

    errors = check_errors()
    assert "distributed_core.E004" in errors and "announces on hub 'notes'" in errors
    assert "NoteCommand" in errors and "name one of: a, b, note, other" in errors
    del NoteCommand
    gc.collect()
    call_command("check")  # the misspelt command gone, nothing else fails


def test_a_saga_naming_another_nodes_hub_fails_the_check(registry, forget_classes):
    contract("remote")

    class RemoteSaga(EntitySaga):
        hub = registry.get("remote")  # declared, but this node does not store its model

    errors = check_errors()
    assert "distributed_core.E004" in errors and "RemoteSaga announces on hub 'remote'" in errors


def test_a_listener_of_a_hub_nobody_declared_fails_the_check(settings):
    saga = "distributed_core.tests.testapp.sagas.NoteSaga"
    settings.DD_LISTENERS = [{"source": "remote", "hub": "notes", "saga": saga}]
    errors = check_errors()
    assert "distributed_core.E005" in errors and "remote/notes follows hub 'notes'" in errors
    settings.DD_LISTENERS = [{"source": "remote", "hub": "note", "saga": saga}]
    call_command("check")


def test_a_listener_whose_saga_cannot_be_imported_fails_the_check(settings):
    settings.DD_LISTENERS = [{"source": "remote", "hub": "note", "saga": "distributed_core.tests.testapp.sagas.Nope"}]
    errors = check_errors()
    assert "distributed_core.E005" in errors and "its saga cannot be imported" in errors


def test_a_contracts_hub_served_by_two_models_fails_the_check(registry):
    shared = contract("shared")

    class First(shared):
        class Meta:
            app_label = "testapp"

    class Second(shared):
        class Meta:
            app_label = "testapp"

    try:
        errors = check_errors()
        assert "distributed_core.E006" in errors and "served by testapp.First, testapp.Second" in errors
    finally:
        from django.apps import apps

        for model in (First, Second):
            del apps.all_models["testapp"][model._meta.model_name]
        apps.clear_cache()


def test_the_hub_field_of_a_model_is_not_a_database_field():
    assert "hub" not in {field.name for field in Note._meta.get_fields()}
    assert isinstance(Note.hub, Hub) and not isinstance(Note.hub, models.Field)
