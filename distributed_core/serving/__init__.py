"""How a node is served: one uvicorn port for REST and the event hubs, health answers, a supervisor.

bridge.WsgiBridge       HTTP requests to Django's WSGI handler on a pool of long-lived threads
protocol.NodeHttpProtocol   uvicorn's HTTP protocol with a head deadline and a socket cap
server.serve            what `manage.py serve` runs (settings: `DD_SERVER_*`)
health                  `GET /health/` (liveness) and `GET /ready/` (database, channel layer, migrations)
supervisor.Supervisor   what `manage_all.py up` runs the nodes under: restarts with backoff
"""
