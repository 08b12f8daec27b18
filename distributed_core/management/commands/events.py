"""`manage.py events`: the parked events of this node's listeners, and what an operator does about them."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from distributed_core.events.listeners import resync, retry_dead_letter, skip_dead_letter
from distributed_core.exceptions import ApplicationError
from distributed_core.models import DeadLetter, ListenerCursor


class Command(BaseCommand):
    """`manage.py events list | retry ID... | skip ID... | resync SOURCE --to SEQ`."""

    help = (
        "Dead letters (events a saga kept failing on, parked so the listener could move on) and listener cursors. "
        "list: the parked events; retry: apply them now through their saga; skip: close them unapplied; "
        "resync: move a listener's cursor after the hub's log lost events it needed (its status says 'needs resync')."
    )

    def add_arguments(self, parser) -> None:
        """The four subcommands and their arguments."""
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="parked events (with --all: resolved ones too)")
        listing.add_argument("--all", action="store_true", help="include retried and skipped dead letters")
        for name, text in (("retry", "apply parked events now, through their saga"), ("skip", "close them unapplied")):
            action = actions.add_parser(name, help=text)
            action.add_argument("ids", nargs="+", type=int, metavar="ID", help="dead letter id (see `events list`)")
        moving = actions.add_parser("resync", help="set a listener's cursor and clear 'needs resync'")
        moving.add_argument("source", help="the listener's source: <node>/<hub>, as `events list` shows it")
        moving.add_argument("--to", type=int, required=True, dest="seq", help="the seq this node is now in step with")

    def handle(self, *args, action: str, **options) -> None:
        """Run the chosen subcommand; a refused one (unknown id, resolved already) exits with its reason."""
        if action == "list":
            self.list(options["all"])
        elif action == "resync":
            self.resync(options["source"], options["seq"])
        else:
            self.resolve(action, options["ids"])

    def list(self, everything: bool) -> None:
        """One line per dead letter: id, source, seq, target, attempts, state, the error's summary."""
        letters = DeadLetter.objects.all() if everything else DeadLetter.objects.filter(state=DeadLetter.States.PARKED)
        for letter in letters:
            reason = letter.error.strip().splitlines()[0] if letter.error.strip() else ""
            self.stdout.write(
                f"{letter.pk:>6}  {letter.source}  seq {letter.seq}  {letter.target}  "
                f"{letter.attempts} attempt(s)  {letter.state}  {reason}"
            )
        if not letters:
            self.stdout.write("No parked events." if not everything else "No dead letters.")

    def resolve(self, action: str, ids: list[int]) -> None:
        """Retry or skip each id; report each, and fail (exit 1) if any could not be resolved."""
        resolve = retry_dead_letter if action == "retry" else skip_dead_letter
        problems = []
        for letter_id in ids:
            try:
                letter = resolve(letter_id)
            except ApplicationError as error:
                problems.append(error.message)
                self.stderr.write(error.message)
            else:
                self.stdout.write(f"Dead letter {letter.pk} ({letter.source} seq {letter.seq}) {letter.state}")
        if problems:
            done = {"retry": "retried", "skip": "skipped"}[action]
            raise CommandError(f"{len(problems)} of {len(ids)} dead letter(s) not {done}")

    def resync(self, source: str, seq: int) -> None:
        """Move the cursor of `source` to `seq` (the running listener resumes at its next Sync)."""
        if seq < 0:
            raise CommandError("--to must be 0 or more")
        if not ListenerCursor.objects.filter(source=source).exists():
            known = ", ".join(ListenerCursor.objects.values_list("source", flat=True)) or "none"
            raise CommandError(f"No listener cursor for {source} (known: {known})")
        resync(source, seq)
        self.stdout.write(f"{source}: cursor at {seq}; replaying from there")
