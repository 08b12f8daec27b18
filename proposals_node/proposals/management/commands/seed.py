from django.core.management.base import BaseCommand

from proposals.seed import seed


class Command(BaseCommand):
    help = 'Seed the proposals node with a "Documentation Proposal" and its Created status (idempotent).'

    def handle(self, *args, **options) -> None:
        proposal = seed()
        self.stdout.write(f"proposals: seeded {proposal}" if proposal else "proposals: seed data already present")
