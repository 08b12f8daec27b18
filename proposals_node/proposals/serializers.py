from distributed_core.serializers import EntitySerializer

from .models import Proposal, Status


class ProposalSerializer(EntitySerializer):
    class Meta(EntitySerializer.Meta):
        model = Proposal


class StatusSerializer(EntitySerializer):
    class Meta(EntitySerializer.Meta):
        model = Status
