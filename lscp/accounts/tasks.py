"""Celery tasks of signing in."""

from celery import shared_task
from django.core import management


@shared_task(name="lscp.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete expired sessions (signed-in data should not linger). Idempotent."""
    management.call_command("clearsessions")
