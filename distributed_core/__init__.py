"""Distributed Design for Django: the reusable core every node is built on.

A node is a Django project that owns one domain. `distributed_core` gives it the building
blocks named in the design brief: the `Entity` model base, the `ApiMessage` and
`ValidationMessage` envelopes, `EntityCommand` / `EntityQuery` / `EntitySaga` services,
hook signals, viewset bases that speak the wire contract, and the gateway server and client.

Models live in submodules (import them after Django is set up); this package itself imports
nothing from Django so that settings modules can import `distributed_core.base_settings`.
"""
