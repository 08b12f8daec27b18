"""The image's HEALTHCHECK: `GET /health/` of this container's server, 0 when it answers 200.

    python deploy/healthcheck.py [port]     (else HEALTHCHECK_PORT, else WEB_PORT, else 8000)

The node answers probes for any Host over plain HTTP (distributed_core.serving.probes), so the
check asks 127.0.0.1 whatever ALLOWED_HOSTS and SECURE_SSL_REDIRECT say.
"""

from __future__ import annotations

import os
import sys
import urllib.request


def main() -> int:
    configured = os.environ.get("HEALTHCHECK_PORT") or os.environ.get("WEB_PORT", "8000")
    port = sys.argv[1] if len(sys.argv) > 1 else configured
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=4) as answer:
            return 0 if answer.status == 200 else 1
    except OSError as error:
        print(f"health check on port {port}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
