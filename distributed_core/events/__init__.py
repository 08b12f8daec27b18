"""Events that are never lost.

log.py        record an event in the caller's transaction; publish it after commit
protocol.py   the ASP.NET Core SignalR JSON hub protocol, version 1
hub.py        EventHubConsumer: a Channels consumer speaking that protocol at /events/<hub>
negotiate.py  POST /events/<hub>/negotiate
listener.py   EventListener: follows a remote hub, replays from its cursor, feeds a Saga
runner.py     runs a node's listeners (inside the ASGI process, or `manage.py listen`)
"""
