from distributed_core.serializers import EntitySerializer

from .models import Package


class PackageSerializer(EntitySerializer):
    class Meta(EntitySerializer.Meta):
        model = Package
        # who submitted and decided it, and when: recorded by the PackageCommand, never sent by a client
        read_only_fields = (*EntitySerializer.Meta.read_only_fields, "submitted_by", "decided_by", "decided_at")
