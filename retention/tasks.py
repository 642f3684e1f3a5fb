"""Celery task of retention: the scheduled disposal (lscp/schedules.py)."""

from celery import shared_task

from retention import services


@shared_task(name=services.TASK_NAME)
def dispose_due_records() -> int:
    """Dispose of what each partnership's retention schedule says is due. Safe to run twice:
    what was disposed of is no longer due."""
    return services.dispose_all()
