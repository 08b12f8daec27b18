"""`manage.py prune_events`: delete old events from the log (listeners must be past them)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from distributed_core.models import Event


class Command(BaseCommand):
    """`manage.py prune_events`: deletes events older than `--days` from the log."""

    help = (
        "Delete events older than --days (default 30) from the event log. A listener whose cursor is "
        "older than the pruned events can no longer catch up by replay, so keep a margin."
    )

    def add_arguments(self, parser) -> None:
        """`--days` (default 30), `--hub` to prune one hub only, `--dry-run` to count without deleting."""
        parser.add_argument("--days", type=int, default=30, help="keep events younger than this many days")
        parser.add_argument("--hub", help="prune only this hub")
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, days: int, hub: str | None, dry_run: bool, **options) -> None:
        """Delete (or, with `--dry-run`, count) the events older than `--days`, of one hub or all."""
        if days < 0:
            raise CommandError("--days must be 0 or more")
        events = Event.objects.filter(date_created__lt=timezone.now() - timedelta(days=days))
        if hub:
            events = events.filter(hub=hub)
        count = events.count()
        if not dry_run:
            events.delete()
        self.stdout.write(f"{'Would delete' if dry_run else 'Deleted'} {count} event(s) older than {days} day(s)")
