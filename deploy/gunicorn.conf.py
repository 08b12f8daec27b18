"""gunicorn's settings for a node's HTTP (`deploy/bin/web`): the limits a server keeps for you, from the environment.

    WEB_HOST / WEB_PORT         where to listen (0.0.0.0:8000)
    WEB_CONCURRENCY             worker processes (2; gunicorn's own variable)
    WEB_THREADS                 request threads per worker (4); each keeps a database connection
                                (CONN_MAX_AGE), so a node holds WEB_CONCURRENCY x WEB_THREADS of them
    WEB_GRACEFUL_TIMEOUT        seconds a worker has to finish its requests after SIGTERM (30); keep it above
                                DRAIN_SECONDS (the worker answers /ready/ 503 that long before it stops)
    WEB_TIMEOUT                 seconds a request may take before its worker is restarted (30)
    WEB_MAX_REQUESTS            requests before a worker is replaced (1000, with a 10 % jitter; 0: never)
    FORWARDED_ALLOW_IPS         the proxies whose X-Forwarded-* headers are trusted (gunicorn's own variable)

Threads, not processes alone: a gateway call waits on another node, and a waiting thread should
not hold the whole worker.
"""

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = [f"{os.environ.get('WEB_HOST', '0.0.0.0')}:{_int('WEB_PORT', 8000)}"]
workers = _int("WEB_CONCURRENCY", 2)
worker_class = "gthread"
threads = _int("WEB_THREADS", 4)
graceful_timeout = _int("WEB_GRACEFUL_TIMEOUT", 30)
timeout = _int("WEB_TIMEOUT", 30)
max_requests = _int("WEB_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10

# A request head is small: its line at most 8 KiB (gunicorn's ceiling), a header field at most
# 16 KiB, at most 50 fields. What is over is refused before Django reads it (nginx in front keeps
# the whole head under 16 KiB; these hold for a client that reaches an instance directly).
limit_request_line = 8190
limit_request_field_size = 16 * 1024
limit_request_fields = 50

# nginx in front keeps no idle connections to gunicorn (deploy/nginx.conf): a worker that stops
# can never drop a request on a kept-alive socket that nginx may not retry
keepalive = 2

# one gunicorn per instance and several on one host (the rehearsal): no shared control socket
control_socket_disable = True
# the heartbeat files on a memory filesystem where there is one (a container's /tmp may be a disk)
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def post_worker_init(worker):
    """Drain on SIGTERM: `/ready/` turns 503 at once, the worker stops DRAIN_SECONDS later (serving.drain)."""
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):  # the app loaded is not a node's (its wsgi.py sets it)
        return
    from distributed_core.serving.drain import drain_worker_on_sigterm

    drain_worker_on_sigterm()


def child_exit(server, worker):
    """A worker gone: its live gauges leave /metrics' sums (its counters stay counted: they did happen)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
