"""`manage.py listen`: run this node's event listeners in their own process (several-worker deployments)."""

import asyncio
import contextlib
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from distributed_core.conf import dd_settings
from distributed_core.events.listeners import listener_source, run_listeners


class Command(BaseCommand):
    """`manage.py listen`: runs this node's listeners in this process until interrupted."""

    help = "Run the node's EventListeners (DD_LISTENERS) until interrupted. Needs REDIS_URL to reach the hubs."

    def handle(self, *args, **options) -> None:
        """Run the listeners until Ctrl-C; refuse when there are none, warn on an in-memory channel layer."""
        if not dd_settings.listeners:
            raise CommandError("This node has no listeners (DD_LISTENERS is empty).")
        if "InMemory" in settings.CHANNEL_LAYERS["default"]["BACKEND"]:
            self.stderr.write(
                "Warning: in-memory channel layer: saga changes reach this node's hubs only by replay. Set REDIS_URL."
            )
        sources = ", ".join(listener_source(config) for config in dd_settings.listeners)
        self.stdout.write(f"Listening to {sources} (Ctrl-C stops)")
        try:
            asyncio.run(listen_until_stopped())
        except KeyboardInterrupt:
            pass
        self.stdout.write("Stopped.")


async def listen_until_stopped() -> None:
    """Run the listeners; SIGTERM (and SIGINT) stops them cleanly: each lets go of its lease for a standby."""
    listening = asyncio.create_task(run_listeners())
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, listening.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await listening
