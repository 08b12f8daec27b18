"""Serializers of entities: one per model makes its wire shape, for HTTP answers and events alike.

`EntitySerializer` checks types only (strict: no number taken for a string, unknown fields
refused); which fields a client may write, and which are required, is the Command's business
(its `WritePolicy` and rules, with readable messages), so every field is optional here. A
foreign key travels as its id under the attribute name (`status` -> `statusId`).

`ContractSerializer` is the wire shape of a contract (an abstract model, see `contract.py`) for
nodes that hold no table of it, such as a proxy of another node's gateway: its fields are built
from the model's as EntitySerializer builds them, so a new contract field is one edit of the model.

`serializer_for(model)` is the serializer that makes an entity's wire shape: the class named by
the model's `wire_serializer` attribute (as django-cqrs' `CQRS_SERIALIZER`), else a plain
EntitySerializer of the model. The event log uses it, so an event carries exactly what the
HTTP API answers; that is why they sit here, beside the models and `wire`, below both the log and
the API.
"""

from __future__ import annotations

import copy
import functools

from django.core.validators import RegexValidator
from django.db import models
from django.utils.module_loading import import_string
from rest_framework import serializers
from rest_framework.settings import api_settings

from .wire import to_camel

__all__ = [
    "MAX_ID",
    "VALUE_REQUIRED",
    "ContractSerializer",
    "EntitySerializer",
    "IdSerializer",
    "StrictCharField",
    "UnknownFieldsRefused",
    "copy_field",
    "serializer_for",
    "value_field",
]

VALUE_REQUIRED = "Value is required"
# At least one character that is not whitespace as Python's str.isspace() sees it (the commands' rule
# strips values): written out, because `\S` means other things to other regex engines.
NOT_BLANK = "[^\x00\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
NO_NULLS = "\\A[^\x00]+\\Z"  # "+": a blank value is allowed separately (the schema's oneOf must not match it twice)
MAX_ID = 2**63 - 1  # a bigint: a larger id is refused as input instead of overflowing the database driver


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers, booleans, lists and objects instead of coercing them.

    DRF refuses NUL characters in every CharField; a pattern says so in the OpenAPI schema too,
    unless the field has a pattern of its own (which then excludes NUL itself). Text is kept as
    sent (no trimming), so its length is what the schema's maxLength counts.
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        if not any(isinstance(validator, RegexValidator) for validator in self.validators):
            self.validators.append(RegexValidator(NO_NULLS, "Null characters are not allowed."))

    def to_internal_value(self, data):
        """Refuse anything but a string, where CharField would coerce it."""
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def value_field() -> StrictCharField:
    """An entity's `value` in a request: required on every save and never blank, with the wire's message.

    The original's clients always send the whole entity, and the original refuses one without
    a value; the NOT_BLANK pattern puts "not blank" in the OpenAPI schema too.
    """
    messages = {"required": VALUE_REQUIRED, "blank": VALUE_REQUIRED, "null": VALUE_REQUIRED}
    not_blank = RegexValidator(f"\\A[^\x00]*{NOT_BLANK}[^\x00]*\\Z", VALUE_REQUIRED)
    return StrictCharField(max_length=2000, error_messages=messages, validators=[not_blank])


class UnknownFieldsRefused(serializers.Serializer):
    """A request body with a field the serializer does not know is refused, not silently trimmed.

    Every serializer of an entity's wire shape mixes this in (the entity's own and a contract's,
    such as a proxy's), so a route and its proxy accept exactly the same bodies; the OpenAPI
    schema says `additionalProperties: false` for them (`schema.ClosedRequestSchema`).
    """

    def to_internal_value(self, data):
        """Refuse unknown fields (named in camelCase) before the usual validation."""
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                names = ", ".join(to_camel(name) for name in unknown)
                raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [f"Unknown field(s): {names}"]})
        return super().to_internal_value(data)


class EntitySerializer(UnknownFieldsRefused, serializers.ModelSerializer):
    """ModelSerializer for an Entity: types only, every field but `value` optional; `id` absent or 0 adds."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.BigIntegerField: serializers.IntegerField,  # DRF's own says "a valid biginteger"
    }

    id = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID)

    class Meta:
        fields = "__all__"
        read_only_fields = ("type", "date_created", "date_modified")
        validators = []  # commands and the database enforce constraints, with readable messages

    def get_fields(self):
        """The model's fields, every one optional; a foreign key as its id (`status_id`).

        Deriving them from the model takes three times as long as DRF's deep copy of them, and
        the deep copy (which makes each field anew from its arguments) most of what is left of
        making a serializer: each class derives its fields once (`model_fields`), and every
        serializer gets its own copy of each (`copy_field`).
        """
        return {name: copy_field(field) for name, field in _model_fields(type(self)).items()}

    def model_fields(self):
        """The fields as derived from the model, for `get_fields()` to copy; they depend on the class alone."""
        fields = super().get_fields()
        for field in self.Meta.model._meta.concrete_fields:
            if field.is_relation and field.name in fields:
                del fields[field.name]
                fields[field.attname] = serializers.IntegerField(allow_null=field.null)
        for field in fields.values():
            field.required = False  # what is required is a Command's rule, with its message
        if "value" in fields:
            fields["value"] = value_field()
        return fields


class _FieldBuilder(serializers.ModelSerializer):
    """Builds a serializer field from a model field as EntitySerializer does (its mapping, DRF's rules)."""

    serializer_field_mapping = EntitySerializer.serializer_field_mapping


class ContractSerializer(UnknownFieldsRefused):
    """The wire shape of a contract for a node without its table: `Meta.model` is the abstract contract model.

    Each field of the model becomes a field built as a ModelSerializer builds it (DRF refuses
    abstract models, so this is made once, when the subclass is declared): required when the
    model requires it, read-only when it is not editable or listed in `Meta.read_only_fields`.
    `id` and `value` are the entity's, as in EntitySerializer; a field declared on the subclass
    replaces the built one.
    """

    id = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID)
    value = value_field()

    class Meta:
        model: type[models.Model] | None = None
        read_only_fields: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        model = getattr(cls.Meta, "model", None)
        if model is None:
            return
        builder = _FieldBuilder()
        read_only = set(getattr(cls.Meta, "read_only_fields", ()))
        unknown = read_only - {field.name for field in model._meta.fields}
        if unknown:  # a misspelt name would leave a field writable
            raise TypeError(
                f"{cls.__name__}.Meta.read_only_fields: {model.__name__} has no {', '.join(sorted(unknown))}"
            )
        built = {}
        for model_field in model._meta.fields:
            name = model_field.name
            if model_field.is_relation:  # another node's table cannot be named in a contract
                raise TypeError(f"{model.__name__}.{name}: a contract holds no relation; send the id")
            if name in cls._declared_fields:
                built[name] = cls._declared_fields[name]
                continue
            field_class, field_kwargs = builder.build_standard_field(name, model_field)
            if name in read_only:
                field_kwargs = builder.include_extra_kwargs(field_kwargs, {"read_only": True})
            built[name] = field_class(**field_kwargs)
        cls._declared_fields = {**built, **cls._declared_fields}  # the model's order, then any other declared


def copy_field(field: serializers.Field) -> serializers.Field:
    """A new, unbound field like `field` (an unbound one, never used itself), for one serializer.

    A field that holds others (a nested serializer, a list's child) is deep-copied as DRF
    copies declared fields. Any other gets a copy of its attributes: what binding it to a
    serializer sets (name, parent, label, source) is its own, and what it shares with the
    original (its validators, messages, choices) is only read once the field is made.
    """
    if isinstance(field, serializers.BaseSerializer) or hasattr(field, "child") or hasattr(field, "child_relation"):
        return copy.deepcopy(field)
    copied = object.__new__(type(field))
    copied.__dict__.update(field.__dict__)
    return copied


@functools.cache
def _model_fields(serializer_class: type[EntitySerializer]) -> dict[str, serializers.Field]:
    # a serializer made only to derive its class's fields: copies of them are handed out, never these
    return serializer_class().model_fields()


class IdSerializer(serializers.Serializer):
    """The body of an action on a stored entity: only its id is read, other fields are ignored."""

    id = serializers.IntegerField(min_value=1, max_value=MAX_ID)


@functools.cache
def serializer_for(model: type[models.Model]) -> type[serializers.Serializer]:
    """The serializer of `model`'s wire shape: its `wire_serializer` (a dotted path), else a plain EntitySerializer."""
    path = getattr(model, "wire_serializer", None)
    if path:
        return import_string(path)
    meta = type("Meta", (EntitySerializer.Meta,), {"model": model})
    return type(f"{model.__name__}Serializer", (EntitySerializer,), {"Meta": meta})
