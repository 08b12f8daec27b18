"""How a node is served: one uvicorn port for REST and the event hubs, health answers, a supervisor.

- `server.serve`: what `manage.py serve` runs (tuned by the `DD_SERVER_*` settings);
- `bridge.WsgiBridge`: HTTP requests to Django's WSGI handler on a pool of long-lived threads;
- `protocol.NodeHttpProtocol`: uvicorn's HTTP protocol with a deadline and a size limit on heads, a cap on sockets;
- `health`: `GET /health/` (liveness) and `GET /ready/` (database, channel layer, migrations);
- `probes.ProbesMiddleware`: answers those two for any Host over plain HTTP, ahead of Django's checks;
- `supervisor.Supervisor`: what `manage_all.py up` runs the nodes under, restarting them with backoff.
"""
