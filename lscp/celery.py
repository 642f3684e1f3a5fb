"""The Celery app. Broker and schedules come from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lscp.settings.local")

app = Celery("lscp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()  # each app's tasks.py
app.autodiscover_tasks(["lscp.outbox", "lscp.deadlines", "lscp.accounts"])  # the mechanisms' own
