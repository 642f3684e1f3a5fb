"""The email outbox: decide an email inside a transaction, deliver each recipient's copy after
the commit, exactly once (delivery.py says how). One public entry point: `from lscp import outbox`,
then `outbox.enqueue(...)`, `outbox.flush()` ... The API's view of an email is in api.py, the Celery
tasks in tasks.py."""

from lscp.outbox.delivery import addresses, decide_many, deliver, emails_about, enqueue, flush, new_message_id

__all__ = ["addresses", "decide_many", "deliver", "emails_about", "enqueue", "flush", "new_message_id"]
