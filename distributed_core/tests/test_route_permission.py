"""What a route's `permission` resolves to (RoutePermission enforces it; the nodes' tests show that end to end)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from rest_framework import serializers

from distributed_core.api.permissions import required_permission
from distributed_core.api.routes import route


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = "__all__"


class GroupEntitySerializer(GroupSerializer):
    id = serializers.IntegerField(required=False, min_value=0)  # writable, as an EntitySerializer's


class View:
    serializer_class = GroupEntitySerializer

    def get_serializer_class(self):
        return self.serializer_class

    def get_serializer(self, *args, **kwargs):
        return self.serializer_class(*args, **kwargs)


class Request:
    def __init__(self, data=None):
        self.data = data or {}


@pytest.mark.parametrize(
    ("declared", "body", "needed"),
    [
        (route.get("get"), {}, "auth.view_group"),  # GET: view, by default
        (route.delete("remove"), {}, "auth.delete_group"),  # DELETE: delete
        (route.post("archive"), {}, "auth.change_group"),  # any other method: change
        (route.post("save", permission="save"), {}, "auth.add_group"),  # no id: add
        (route.post("save", permission="save"), {"id": 0}, "auth.add_group"),
        (route.post("save", permission="save"), {"id": 3}, "auth.change_group"),  # an id: change
        (route.post("save", permission="save"), {"id": "0"}, "auth.add_group"),  # 0 to the serializer: an add
        (route.post("save", permission="save"), {"id": "00"}, "auth.add_group"),
        (route.post("save", permission="save"), {"id": "3"}, "auth.change_group"),
        (route.post("save", permission="save"), {"id": "x"}, "auth.change_group"),  # not an add: 400 to whom may
        (route.post("approve", permission="workflows.decide_package"), {}, "workflows.decide_package"),
        (route.get("get").requiring("auth.view_permission"), {}, "auth.view_permission"),
    ],
)
def test_required_permission(declared, body, needed):
    assert required_permission(declared, View(), Request(body)) == needed


def test_an_unknown_kind_fails_when_declared():
    with pytest.raises(ValueError, match="Unknown permission 'approve'"):
        route.post("approve", permission="approve")


def test_a_view_without_a_model_needs_explicit_codenames():
    class Bare:
        serializer_class = None

    with pytest.raises(TypeError, match="Bare has no model to take permissions from"):
        required_permission(route.get("get"), Bare(), Request())
