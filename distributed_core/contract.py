"""A contract's data class, derived from its abstract model: the model is the one declaration of its fields.

A contract (an Entity other nodes exchange) is declared once, as an abstract model in
`contracts/`. The node that stores it makes it concrete; every other node reads it from the
gateway and from events as plain data, without a table:

    class PaymentData(ContractData, model=Payment):
        \"\"\"A Payment as another node sees it.\"\"\"

`PaymentData` is then a keyword-only dataclass with one attribute per field of `Payment`, in the
model's order, typed and defaulted as the wire carries them (see `python_type()`): a nullable
field defaults to None, a field with a default to it (an enum's to its name), `id` to 0 (an add)
and `type` to the model's type name; a field without either is required. The properties the
contract model declares (`Package.is_active`) come along, since they read only its fields.
`from_wire()` and `to_wire()` convert from and to the wire's camelCase objects. The wire
serializer is derived the same way (`serializers.ContractSerializer`), so a new contract
field is one edit of the model.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import TYPE_CHECKING, Any, Self

from django.db import models

from .wire import to_snake, to_wire

__all__ = ["ContractData", "python_type"]

# model field class -> the type of its value in a contract's data (the first match wins: subclasses first)
PYTHON_TYPES: tuple[tuple[type[models.Field], type], ...] = (
    (models.BooleanField, bool),
    (models.IntegerField, int),  # every integer field: big, small, positive, and the auto ids
    (models.FloatField, float),
    (models.DecimalField, str),  # DRF writes a decimal as a string, so exactly
    (models.DateField, str),  # dates and datetimes: the ISO-8601 text the wire carries
    (models.TimeField, str),
    (models.CharField, str),
    (models.TextField, str),
    (models.UUIDField, str),
)


def python_type(field: models.Field) -> Any:
    """The type of `field`'s value in a contract's data (`T | None` when nullable; Any when unknown)."""
    found = next((kind for model_type, kind in PYTHON_TYPES if isinstance(field, model_type)), Any)
    return found | None if field.null and found is not Any else found


def _default(model: type[models.Model], field: models.Field) -> Any:
    """The dataclass default of `field`: a `dataclasses.field()`, or MISSING when the field is required."""
    if field.primary_key:
        return 0  # id 0 (or absent) adds
    if field.name == "type" and hasattr(model, "type_name"):
        return model.type_name()
    if field.has_default():
        default = field.default
        if callable(default):
            return dataclasses.field(default_factory=default)
        return default.value if isinstance(default, enum.Enum) else default
    if field.null:
        return None
    return dataclasses.MISSING


class ContractData:
    """Base of a contract's data class: `class XData(ContractData, model=X)` makes it a dataclass of X's fields.

    Instances are keyword-only dataclasses (snake_case attributes); compare, print and copy
    them as any dataclass (`dataclasses.replace`, `asdict`).
    """

    _field_names = frozenset()  # the dataclass fields, for from_wire() (not annotated: it is no field)

    if TYPE_CHECKING:  # the fields are made from the model at import: a type checker sees them as Any

        def __init__(self, **fields: Any) -> None: ...

        def __getattr__(self, name: str) -> Any: ...

    def __init_subclass__(cls, model: type[models.Model] | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if model is None:
            return
        if not model._meta.abstract:
            raise TypeError(f"{cls.__name__}: a contract is an abstract model, and {model.__name__} is not")
        annotations: dict[str, Any] = {}
        for field in model._meta.fields:
            if field.is_relation:  # another node's table cannot be named in a contract
                raise TypeError(f"{model.__name__}.{field.name}: a contract holds no relation; send the id")
            annotations[field.name] = python_type(field)
            default = _default(model, field)
            if default is not dataclasses.MISSING:
                setattr(cls, field.name, default)
        for name, attribute in vars(model).items():
            if isinstance(attribute, property) and name not in vars(cls):
                setattr(cls, name, attribute)
        cls.__annotations__ = annotations
        dataclasses.dataclass(cls, kw_only=True)
        cls._field_names = frozenset(annotations)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Self:
        """An instance from the wire's camelCase object; keys it has no field for are ignored."""
        names = cls._field_names
        return cls(**{to_snake(key): value for key, value in data.items() if to_snake(key) in names})

    def to_wire(self) -> dict[str, Any]:
        """The contract as the wire carries it: camelCase, nulls omitted."""
        return to_wire(dataclasses.asdict(self))
