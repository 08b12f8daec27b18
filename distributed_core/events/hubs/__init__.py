"""Event hubs: the SignalR JSON hub protocol at `/events/<hub>`, serving this node's event log.

    consumer.py   EventHubConsumer: a Channels consumer speaking the protocol (handshake, records,
                  keep-alive, close)
    methods.py    what its clients may invoke: Ping, Replay(since), Sync
    fanout.py     one channel-layer feed per hub and process, copied into each connection's outbox
    admission.py  HubAdmission: Host, Origin and the caller checked around the consumer
    access.py     what admitted a connection, checked again by every Replay/Sync and periodically
    negotiate.py  POST /events/<hub>/negotiate, checked by the same rules
    capacity.py   HubConnectionCap: at most DD_HUB_MAX_CONNECTIONS connections per process
    shutdown.py   close_hubs: every connection told to reconnect (a restart), new ones refused
    rates.py      token buckets: invocations per connection, Ping broadcasts per hub
    positions.py  how far each remote listener got, as its Replay said (the log's pruning stays behind it)

A hub reads the log (events after a seq, the last seq, the group its events are published to)
and writes nothing to it. Connection checks are middleware around the consumer, as Channels'
`security` package does them.
"""

from .admission import HubAdmission
from .capacity import HubConnectionCap
from .consumer import EventHubConsumer, HubMethodError
from .shutdown import close_hubs, hubs_closed

__all__ = ["EventHubConsumer", "HubAdmission", "HubConnectionCap", "HubMethodError", "close_hubs", "hubs_closed"]
