from rest_framework import serializers

from contracts.core import Statuses
from contracts.workflows import PackageStates
from distributed_core.api.serializers import EntitySerializer

from .models import Proposal, Status


class ProposalSerializer(EntitySerializer):
    class Meta(EntitySerializer.Meta):
        model = Proposal


class StatusSerializer(EntitySerializer):
    class Meta(EntitySerializer.Meta):
        model = Status


class PackageContractSerializer(serializers.Serializer):
    """The Package contract as the workflows gateway carries it (documents the /api/workflows proxy)."""

    id = serializers.IntegerField(required=False)
    type = serializers.CharField(read_only=True)
    value = serializers.CharField()
    title = serializers.CharField(required=False)
    state = serializers.ChoiceField(choices=PackageStates.choices, read_only=True)
    result = serializers.ChoiceField(choices=Statuses.choices, required=False)
    entity_id = serializers.IntegerField()
    entity_type = serializers.CharField()
    date_created = serializers.DateTimeField(read_only=True)
    date_modified = serializers.DateTimeField(read_only=True)
