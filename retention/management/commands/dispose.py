"""`manage.py dispose [--dry-run]`: what the scheduled task does, now; with --dry-run, only what
would go, per partnership and rule, changing nothing."""

from django.core.management.base import BaseCommand

from partners.models import Partnership
from retention import services


class Command(BaseCommand):
    help = "Dispose of records due under each partnership's retention schedule (--dry-run: only list them)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would go; change nothing")

    def handle(self, *args, dry_run: bool, **options):
        for partnership in Partnership.objects.order_by("pk"):
            for result in services.dispose(partnership, dry_run=dry_run, by_task="manage.py dispose"):
                verb = "would" if dry_run else "did"
                self.stdout.write(
                    f"{partnership.slug}: {result.rule.kind}: {verb} {result.rule.action} {len(result.items)}"
                    f" ({len(result.held)} held, {len(result.blocked)} waiting for their action plans"
                    f"{', everything held' if result.everything_held else ''})"
                )
                for item in result.items:
                    self.stdout.write(f"  {item}")
