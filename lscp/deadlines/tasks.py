"""Celery tasks of the deadline engine. Each takes ids and calls one function."""

from celery import shared_task

from lscp import deadlines


@shared_task(name="lscp.sweep_deadlines")
def sweep_deadlines() -> int:
    """Queue the clocks whose next escalation step is due. Running it twice queues the same
    clocks twice; `escalate` then decides each step once (locks and unique keys)."""
    return deadlines.sweep()


@shared_task(name="lscp.escalate_deadlines", acks_late=True)
def escalate_deadlines(deadline_ids: list[int]) -> int:
    """Decide the due escalation steps of these clocks. Safe to run twice: nothing is decided twice."""
    return deadlines.escalate(deadline_ids)
