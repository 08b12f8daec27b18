from distributed_core.api.serializers import EntitySerializer

from .models import Package


class PackageSerializer(EntitySerializer):
    class Meta(EntitySerializer.Meta):
        model = Package
