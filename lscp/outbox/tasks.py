"""Celery tasks of the outbox. Each takes ids and calls one function."""

from celery import shared_task

from lscp import outbox


@shared_task(name="lscp.deliver_email")
def deliver_email(email_id: int) -> bool:
    """Send one outbox email's due copies. Running it twice sends nothing the second time."""
    return outbox.deliver(email_id)


@shared_task(name="lscp.flush_outbox")
def flush_outbox() -> int:
    """Send every copy that is due. Safe to overlap with itself (each copy is claimed by one).
    Once it is sending with more copies waiting it queues one more flush, which a free worker
    takes (and does the same): every free worker joins in (outbox.flush's `spread`)."""
    eager = flush_outbox.app.conf.task_always_eager  # "another" would run inside this one: no
    return outbox.flush(spread=None if eager else flush_outbox.delay)
