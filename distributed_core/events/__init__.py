"""Events that are never lost: a log, the hubs that serve it, the listeners that follow other nodes' hubs.

    log/        record an event in the caller's transaction, count its hub's seq, publish it after
                commit, prune what every listener has applied; and `Hub`, each hub declared once.
                The lowest room: it imports neither of the others.
    hubs/       the hub a browser or another node's listener connects to at /events/<hub>: the
                SignalR consumer, who is admitted, the fan-out of published events, Ping, Replay
                and Sync, the limits. It reads the log.
    listeners/  follow a remote hub and apply its events through a saga, each exactly once: the
                listener, its connection, its cursor, the batches it applies, the dead letters.
                It knows the log only as the place its saga's own announcements go.
    protocol.py the ASP.NET Core SignalR JSON hub protocol, version 1: the records every room
                speaks (the log publishes them, the hubs send them, the listeners' client reads them)
    status.py   GET /events/status: this node's hubs (from the log) and listeners, side by side

Imports go one way: hubs and listeners use the log, never the reverse, and neither uses the
other (a test parses the imports and keeps it so).
"""

from .log.registry import Hub

__all__ = ["Hub"]
