"""Gateways: a node's public node-to-node API (server side) and the typed clients other nodes use."""
