"""Settings of the proposals node: the shared node settings plus the proposals app."""

from pathlib import Path

from distributed_core.node_settings import node_settings

BASE_DIR = Path(__file__).resolve().parent.parent

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
