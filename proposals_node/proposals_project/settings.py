"""Settings of the proposals node: the shared node settings plus the proposals app."""

import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR.parent) not in sys.path:
    sys.path.append(str(BASE_DIR.parent))

from distributed_core.node_settings import node_settings  # noqa: E402

globals().update(
    node_settings(
        node="proposals",
        base_dir=BASE_DIR,
        apps=["proposals"],
        remotes=["workflows"],
        hubs=["proposal"],
        listeners=[{"source": "workflows", "hub": "package", "saga": "proposals.sagas.PackageSaga"}],
    )
)

ROOT_URLCONF = "proposals_project.urls"
ASGI_APPLICATION = "proposals_project.asgi.application"
