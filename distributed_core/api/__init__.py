"""The HTTP side of a node: JSON conventions, serializers, viewsets, routes and error answers."""
