"""Events that are never lost.

log.py           record an event in the caller's transaction; publish it after commit
publisher.py     hand committed events to the channel layer without making the committer wait
protocol.py      the ASP.NET Core SignalR JSON hub protocol, version 1
hub.py           EventHubConsumer: a Channels consumer speaking that protocol at /events/<hub>
methods.py       what its clients may invoke: Ping, Replay, Sync
fanout.py        one channel-layer feed per hub and process, copied into each connection's outbox
capacity.py      HubConnectionCap: at most DD_HUB_MAX_CONNECTIONS connections per process
rates.py         token buckets: invocations per connection, Ping broadcasts per hub
admission.py     HubAdmission: Host, Origin and the caller checked before the consumer
negotiate.py     POST /events/<hub>/negotiate
positions.py     the hub's record of how far each listener got (pruning stays behind it)
listener.py      EventListener: follows a remote hub, replays from its cursor, feeds a Saga in batches
connection.py    the listener's connection to a hub: an interface, and the real one (pysignalr)
apply.py         apply a batch of events through a saga in one transaction, each exactly once
cursor.py        a listener's row: cursor, hub seq, connected, last error, needs resync
dead_letters.py  retry or skip the events a saga kept failing on
runner.py        runs a node's listeners (inside the ASGI process, or `manage.py listen`)
status.py        GET /events/status
"""
