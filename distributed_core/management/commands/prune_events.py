"""`manage.py prune_events`: delete old events from the log, never one a known listener still needs."""

from django.core.management.base import BaseCommand, CommandError

from distributed_core.events.log import prune_events


class Command(BaseCommand):
    """`manage.py prune_events`: deletes events older than `--days`, keeping what listeners have not replayed past."""

    help = (
        "Delete events older than --days (default 30) from the event log. Every event after the lowest position "
        "a listener of its hub reported (at its last Replay; see /events/status) is kept, unless --force: a "
        "listener whose events were pruned can no longer catch up by replay and reports 'needs resync'."
    )

    def add_arguments(self, parser) -> None:
        """`--days` (default 30), `--hub` to prune one hub only, `--dry-run` to count, `--force` to ignore listeners."""
        parser.add_argument("--days", type=int, default=30, help="keep events younger than this many days")
        parser.add_argument("--hub", help="prune only this hub")
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")
        parser.add_argument(
            "--force", action="store_true", help="delete old events even if a listener has not replayed past them"
        )

    def handle(self, *args, days: int, hub: str | None, dry_run: bool, force: bool, **options) -> None:
        """Delete (or, with `--dry-run`, count) the old events of one hub or all, hub by hub."""
        if days < 0:
            raise CommandError("--days must be 0 or more")
        pruned = prune_events(days, hub, dry_run=dry_run, force=force)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {pruned.deleted} event(s) older than {days} day(s)")
        if pruned.kept:
            kept = f"Kept {pruned.kept} old event(s) that listeners have not applied yet (--force deletes them)"
            self.stdout.write(kept)
