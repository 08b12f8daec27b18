"""`manage.py prune_idempotency_keys`: delete the stored answers of idempotent commands once they have expired."""

from django.core.management.base import BaseCommand

from distributed_core.idempotency import expired_before
from distributed_core.models import IdempotencyKey


class Command(BaseCommand):
    """`manage.py prune_idempotency_keys`: deletes answers older than `DD_IDEMPOTENCY_TTL` (`--dry-run` counts them)."""

    help = (
        "Delete the stored answers of commands sent with an Idempotency-Key once they are older than "
        "DD_IDEMPOTENCY_TTL (24 hours by default): a retry with such a key acts again anyway."
    )

    def add_arguments(self, parser) -> None:
        """`--dry-run` to count, deleting nothing."""
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, dry_run: bool, **options) -> None:
        """Delete (or count) the expired answers."""
        expired = IdempotencyKey.objects.filter(date_created__lt=expired_before())
        count = expired.count() if dry_run else expired.delete()[0]
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {count} expired idempotency key(s)")
