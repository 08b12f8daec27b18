"""The HTTP side of a node: JSON conventions, viewsets, routes and error answers.

The serializers that make an entity's wire shape live below it, in `distributed_core.serializers`,
since the event log makes its payloads with them too.
"""
