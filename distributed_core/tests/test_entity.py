"""Entity.save(): `on_saving()` stamps the type and dates, and a save of named fields writes what it stamped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .testapp.models import Note

pytestmark = pytest.mark.django_db


def test_a_new_entity_is_stamped():
    note = Note.objects.create(title="t", value="v")
    stored = Note.objects.get(pk=note.pk)
    assert stored.type == "Note" and stored.date_created is not None and stored.date_modified == stored.date_created


def test_a_save_of_named_fields_writes_the_stamped_ones_too():
    note = Note.objects.create(title="t", value="v")
    long_ago = note.date_modified - timedelta(days=1)
    Note.objects.filter(pk=note.pk).update(date_modified=long_ago)
    note.title = "renamed"
    with CaptureQueriesContext(connection) as queries:
        note.save(update_fields=["title"])
    (update,) = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert '"date_modified"' in update and '"value"' not in update  # only the named fields and `saving_fields`
    stored = Note.objects.get(pk=note.pk)
    assert stored.title == "renamed" and stored.date_modified > long_ago


def test_a_save_of_no_field_writes_nothing():
    note = Note.objects.create(title="t", value="v")
    with CaptureQueriesContext(connection) as queries:
        note.save(update_fields=[])
    assert not queries.captured_queries
