from django.core.management.base import BaseCommand
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from lscp.schedules import SCHEDULES


class Command(BaseCommand):
    help = "Create the periodic tasks declared in lscp/schedules.py (existing ones are left as edited)."

    def handle(self, *args, **options):
        for name, task, seconds in SCHEDULES:
            interval, _ = IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)
            _, created = PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": interval})
            if created:
                self.stdout.write(f"Scheduled {task} every {seconds}s")
