"""Serializer base for entities: strict types, unknown fields refused, system fields read-only."""

from __future__ import annotations

from django.db import models
from rest_framework import serializers
from rest_framework.settings import api_settings

__all__ = ["EntitySerializer", "IdSerializer", "StrictCharField"]


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers, booleans, lists and objects instead of coercing them."""

    def to_internal_value(self, data):
        """Refuse anything but a string, where CharField would coerce it."""
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class EntitySerializer(serializers.ModelSerializer):
    """ModelSerializer for an Entity. `id` is optional (absent or 0 adds); dates are read-only."""

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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False  # what is required is a Command's rule, with its message

    def to_internal_value(self, data):
        """Refuse unknown fields (named in camelCase) before the usual validation."""
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                from .json import to_camel

                names = ", ".join(to_camel(name) for name in unknown)
                raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [f"Unknown field(s): {names}"]})
        return super().to_internal_value(data)


class IdSerializer(serializers.Serializer):
    """The body of an action on a stored entity: only its id is read, other fields are ignored."""

    id = serializers.IntegerField(min_value=1)
