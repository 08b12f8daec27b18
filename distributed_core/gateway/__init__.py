"""Gateways: a node's public node-to-node API (server side) and the typed clients other nodes use.

The service credentials they present and check live with the rest of who-may-call-what, in
`distributed_core.auth.credentials`.
"""
