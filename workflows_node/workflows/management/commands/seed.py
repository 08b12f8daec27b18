from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Seed the workflows node (it starts empty: packages come from other nodes)."

    def handle(self, *args, **options) -> None:
        self.stdout.write("workflows: nothing to seed")
