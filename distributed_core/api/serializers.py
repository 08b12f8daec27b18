"""Serializers of entities: one per model makes its wire shape, for HTTP answers and events alike.

`EntitySerializer` checks types only (strict: no number taken for a string, unknown fields
refused); which fields a client may write, and which are required, is the Command's business
(its `WritePolicy` and rules, with readable messages), so every field is optional here. A
foreign key travels as its id under the attribute name (`status` -> `statusId`).

`serializer_for(model)` is the serializer that makes an entity's wire shape: the class named by
the model's `wire_serializer` attribute (as django-cqrs' `CQRS_SERIALIZER`), else a plain
EntitySerializer of the model. The event log uses it, so an event carries exactly what the
HTTP API answers.
"""

from __future__ import annotations

import functools

from django.db import models
from django.utils.module_loading import import_string
from rest_framework import serializers
from rest_framework.settings import api_settings

from ..wire import to_camel

__all__ = ["EntitySerializer", "IdSerializer", "StrictCharField", "serializer_for"]


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers, booleans, lists and objects instead of coercing them."""

    def to_internal_value(self, data):
        """Refuse anything but a string, where CharField would coerce it."""
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class EntitySerializer(serializers.ModelSerializer):
    """ModelSerializer for an Entity: types only, every field optional; `id` absent or 0 means a new one."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.BigIntegerField: serializers.IntegerField,  # DRF's own says "a valid biginteger"
    }

    id = serializers.IntegerField(required=False, min_value=0)

    class Meta:
        fields = "__all__"
        read_only_fields = ("type", "date_created", "date_modified")
        validators = []  # commands and the database enforce constraints, with readable messages

    def get_fields(self):
        """The model's fields, every one optional; a foreign key as its id (`status_id`)."""
        fields = super().get_fields()
        for field in self.Meta.model._meta.concrete_fields:
            if field.is_relation and field.name in fields:
                del fields[field.name]
                fields[field.attname] = serializers.IntegerField(allow_null=field.null)
        for field in fields.values():
            field.required = False  # what is required is a Command's rule, with its message
        return fields

    def to_internal_value(self, data):
        """Refuse unknown fields (named in camelCase) before the usual validation."""
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                names = ", ".join(to_camel(name) for name in unknown)
                raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [f"Unknown field(s): {names}"]})
        return super().to_internal_value(data)


class IdSerializer(serializers.Serializer):
    """The body of an action on a stored entity: only its id is read, other fields are ignored."""

    id = serializers.IntegerField(min_value=1)


@functools.cache
def serializer_for(model: type[models.Model]) -> type[serializers.Serializer]:
    """The serializer of `model`'s wire shape: its `wire_serializer` (a dotted path), else a plain EntitySerializer."""
    path = getattr(model, "wire_serializer", None)
    if path:
        return import_string(path)
    meta = type("Meta", (EntitySerializer.Meta,), {"model": model})
    return type(f"{model.__name__}Serializer", (EntitySerializer,), {"Meta": meta})
