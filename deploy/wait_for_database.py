"""Wait until the node's database accepts a connection (run in the node's folder; DATABASE_WAIT seconds, 60).

The image's entrypoint runs it before any process of a node: the database may start after the
node (compose) or be moving (a failover); a clear wait beats a crash loop of tracebacks.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> int:
    node = Path.cwd().name.removesuffix("_node")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"{node}_project.settings")
    sys.path.insert(0, str(Path.cwd()))
    import django

    django.setup()
    from django.db import connection

    deadline = time.monotonic() + float(os.environ.get("DATABASE_WAIT", "60"))
    while True:
        try:
            connection.ensure_connection()
            return 0
        except Exception as error:  # any failure to connect: wait and try again, until the deadline
            if time.monotonic() > deadline:
                print(f"{node}: the database did not answer: {error}", file=sys.stderr)
                return 1
            print(f"{node}: waiting for the database ...", file=sys.stderr, flush=True)
            time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
