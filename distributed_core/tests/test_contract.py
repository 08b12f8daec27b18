"""A contract declared once, as an abstract model: its data class and its wire serializer are derived from it."""

from __future__ import annotations

import dataclasses
import inspect
import typing

import pytest
from django.core.validators import MinValueValidator
from django.db import models

from distributed_core.contract import ContractData
from distributed_core.models import Entity
from distributed_core.serializers import VALUE_REQUIRED, ContractSerializer
from distributed_core.tests.testapp.models import Note


class Colours(models.TextChoices):
    RED = "Red", "Red"
    BLUE = "Blue", "Blue"


class Paint(Entity):
    """An abstract contract with one field of each kind the derivation types."""

    colour = models.CharField(max_length=10, choices=Colours.choices, default=Colours.BLUE)
    litres = models.BigIntegerField(validators=[MinValueValidator(1)])
    maker = models.CharField(max_length=50)
    glossy = models.BooleanField(default=False)
    mixed_by = models.CharField(max_length=50, null=True, blank=True)
    mixed_at = models.DateTimeField(null=True, blank=True)
    tags = models.JSONField(default=list)

    class Meta(Entity.Meta):
        abstract = True

    @property
    def is_red(self) -> bool:
        return self.colour == Colours.RED


class PaintData(ContractData, model=Paint):
    """Paint as another node sees it."""


class PaintSerializer(ContractSerializer):
    """Paint on the wire."""

    class Meta:
        model = Paint
        read_only_fields = ("mixed_by", "mixed_at")


def test_the_data_class_has_the_models_fields_in_its_order_keyword_only():
    names = [field.name for field in dataclasses.fields(PaintData)]
    assert names == [field.name for field in Paint._meta.fields]
    parameters = inspect.signature(PaintData).parameters.values()
    assert {parameter.kind for parameter in parameters} == {inspect.Parameter.KEYWORD_ONLY}
    with pytest.raises(TypeError):
        PaintData(3, "Acme")  # no positions: a new field cannot shift them


def test_the_data_class_types_the_fields_as_the_wire_carries_them():
    assert typing.get_type_hints(PaintData) == {
        "id": int,
        "type": str,
        "value": str,
        "date_created": str | None,
        "date_modified": str | None,
        "colour": str,
        "litres": int,
        "maker": str,
        "glossy": bool,
        "mixed_by": str | None,
        "mixed_at": str | None,
        "tags": typing.Any,
    }


def test_the_data_class_defaults_come_from_the_model():
    paint = PaintData(litres=2, maker="Acme")
    assert (paint.id, paint.type, paint.value, paint.date_created) == (0, "Paint", "", None)
    assert paint.colour == "Blue" and type(paint.colour) is str  # the enum's name, as the wire carries it
    assert (paint.glossy, paint.mixed_by, paint.tags) == (False, None, [])
    assert PaintData(litres=1, maker="A").tags is not paint.tags  # a callable default makes one per instance
    with pytest.raises(TypeError, match="litres"):
        PaintData(maker="Acme")  # no default and not nullable: required


def test_the_contract_models_properties_come_along():
    assert PaintData(litres=1, maker="A", colour="Red").is_red
    assert not PaintData(litres=1, maker="A").is_red


def test_from_wire_reads_camel_case_and_ignores_unknown_keys():
    paint = PaintData.from_wire({"litres": 4, "maker": "Acme", "mixedBy": "ann", "unknownKey": 1, "id": 7})
    assert (paint.id, paint.litres, paint.maker, paint.mixed_by) == (7, 4, "Acme", "ann")


def test_to_wire_writes_camel_case_and_omits_nulls():
    wire = PaintData(litres=4, maker="Acme", mixed_by="ann").to_wire()
    assert wire == {
        "id": 0,
        "type": "Paint",
        "value": "",
        "colour": "Blue",
        "litres": 4,
        "maker": "Acme",
        "glossy": False,
        "mixedBy": "ann",
        "tags": [],
    }
    assert PaintData.from_wire(wire) == PaintData(litres=4, maker="Acme", mixed_by="ann")


def test_a_concrete_model_or_a_relation_is_no_contract():
    with pytest.raises(TypeError, match="abstract"):
        type("NoteData", (ContractData,), {}, model=Note)

    class Owned(Entity):
        owner = models.ForeignKey(Note, on_delete=models.CASCADE)

        class Meta(Entity.Meta):
            abstract = True

    with pytest.raises(TypeError, match="no relation"):
        type("OwnedData", (ContractData,), {}, model=Owned)
    with pytest.raises(TypeError, match="no relation"):
        type("OwnedSerializer", (ContractSerializer,), {"Meta": type("Meta", (), {"model": Owned})})


def test_the_serializer_has_the_models_fields_required_and_read_only_as_declared():
    fields = PaintSerializer().fields
    assert list(fields) == [field.name for field in Paint._meta.fields]
    assert {name for name, field in fields.items() if field.required} == {"value", "litres", "maker"}
    read_only = {name for name, field in fields.items() if field.read_only}
    assert read_only == {"type", "date_created", "date_modified", "mixed_by", "mixed_at"}
    assert fields["litres"].min_value == 1 and fields["maker"].max_length == 50


def test_the_serializer_checks_types_and_refuses_unknown_fields():
    valid = PaintSerializer(data={"value": "v", "litres": 2, "maker": "Acme", "mixedBy": "x", "mixed_by": "x"})
    assert not valid.is_valid()  # mixedBy is unknown: the parser snake-cases keys before a serializer sees them
    valid = PaintSerializer(data={"value": "v", "litres": 2, "maker": "Acme", "mixed_by": "x", "colour": "Red"})
    assert valid.is_valid(), valid.errors
    assert "mixed_by" not in valid.validated_data and valid.validated_data["colour"] == "Red"
    invalid = PaintSerializer(data={"litres": 0, "maker": 5, "colour": "Green"})
    assert not invalid.is_valid()
    assert set(invalid.errors) == {"value", "litres", "maker", "colour"}
    assert invalid.errors["value"] == [VALUE_REQUIRED]


def test_a_misspelt_read_only_field_is_refused():
    with pytest.raises(TypeError, match="mixed_byy"):
        type(
            "Misspelt",
            (ContractSerializer,),
            {"Meta": type("Meta", (), {"model": Paint, "read_only_fields": ("mixed_byy",)})},
        )
