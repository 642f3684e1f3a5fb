from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lscp import demo


class Command(BaseCommand):
    help = "Load the demo partnerships (Thurrock, Southend, Essex) and one login per role. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even outside demo mode (tests)")

    def handle(self, *args, **options):
        if not settings.LSCP_DEMO_MODE and not options["force"]:
            raise CommandError("Demo data (with its well-known passwords) loads only in demo mode.")
        summary = demo.load()
        self.stdout.write(self.style.SUCCESS(summary))
