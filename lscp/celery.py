"""The Celery app. Broker and schedules come from Django settings (CELERY_*)."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lscp.settings.local")

app = Celery("lscp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()  # each app's tasks.py
app.autodiscover_tasks(["lscp.outbox", "lscp.deadlines", "lscp.accounts"])  # the mechanisms' own


# Tasks cross partnerships (the sweep, the outbox): each runs in the database's system scope
# (lscp/database.py), wherever it runs. A worker's connections start there anyway; this also
# holds for a task run in the calling process (eager).
_task_scopes: dict[str, object] = {}


@signals.task_prerun.connect
def _enter_system_scope(task_id=None, **kwargs):
    from lscp import database

    scope = database.system_scope()
    scope.__enter__()
    _task_scopes[task_id] = scope


@signals.task_postrun.connect
def _leave_system_scope(task_id=None, **kwargs):
    scope = _task_scopes.pop(task_id, None)
    if scope is not None:
        scope.__exit__(None, None, None)
