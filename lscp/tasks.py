"""Celery tasks of the platform mechanisms. Each takes ids and calls one function."""

from celery import shared_task
from django.core import management

from lscp import outbox


@shared_task(name="lscp.deliver_email")
def deliver_email(email_id: int) -> bool:
    """Send one outbox email. Running it twice sends nothing the second time (the row is sent)."""
    return outbox.deliver(email_id)


@shared_task(name="lscp.flush_outbox")
def flush_outbox() -> int:
    """Send every pending email that is due. Safe to overlap with itself (rows are locked)."""
    return outbox.flush()


@shared_task(name="lscp.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete expired sessions (signed-in data should not linger). Idempotent."""
    management.call_command("clearsessions")


@shared_task(name="lscp.sweep_deadlines")
def sweep_deadlines() -> int:
    """Queue the clocks whose next escalation step is due. Running it twice queues the same
    clocks twice; `escalate` then decides each step once (locks and unique keys)."""
    from lscp import deadlines

    return deadlines.sweep()


@shared_task(name="lscp.escalate_deadlines", acks_late=True)
def escalate_deadlines(deadline_ids: list[int]) -> int:
    """Decide the due escalation steps of these clocks. Safe to run twice: nothing is decided twice."""
    from lscp import deadlines

    return deadlines.escalate(deadline_ids)
