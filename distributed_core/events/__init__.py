"""Events that are never lost.

log.py        record an event in the caller's transaction; publish it after commit
protocol.py   the ASP.NET Core SignalR JSON hub protocol, version 1
hub.py        EventHubConsumer: a Channels consumer speaking that protocol at /events/<hub>
methods.py    what its clients may invoke: Ping, Replay, Sync
fanout.py     one channel-layer feed per hub and process, copied into each connection's outbox
capacity.py   HubConnectionCap: at most DD_HUB_MAX_CONNECTIONS connections per process
rates.py      token buckets: invocations per connection, Ping broadcasts per hub
negotiate.py  POST /events/<hub>/negotiate
listener.py   EventListener: follows a remote hub, replays from its cursor, feeds a Saga
runner.py     runs a node's listeners (inside the ASGI process, or `manage.py listen`)
"""
