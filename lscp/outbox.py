"""The email outbox: decide an email inside a transaction, deliver it after the commit.

Public entry points:
- `enqueue(partnership=..., key=..., to=..., subject=..., body=..., about=...)`: called inside the
  business transaction. `key` names the email uniquely (e.g. "deadline:41:due:0"); enqueuing a key
  that already exists returns the existing row, so deciding twice never sends twice. A delivery
  task is queued on commit; if the broker or worker is down, the periodic flush picks it up.
- `deliver(email_id)`: send one pending email, at most one worker at a time (row lock); on
  failure it stays pending with a back-off, so a mail server that is down for a day gets every
  email when it comes back.
- `flush()`: deliver every pending email that is due (beat runs it every minute).

Delivery is at-least-once at the SMTP boundary: a worker killed after the server accepted a
message but before the commit would send it again, with the same Message-ID, so mail systems can
discard the copy. Every other failure mode (two sweeps, a retried task, server down) sends once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.utils import timezone

from lscp.models import OutboxEmail

log = logging.getLogger(__name__)

MAX_BACKOFF = dt.timedelta(hours=1)


def enqueue(
    *,
    partnership,
    key: str,
    to: list[str],
    subject: str,
    body: str,
    about: models.Model | None = None,
) -> tuple[OutboxEmail, bool]:
    """Record an email to send once this transaction commits. Returns (email, created)."""
    [(email, created)] = _enqueue(
        [{"partnership": partnership, "key": key, "to": to, "subject": subject, "body": body, "about": about}]
    )
    return email, created


def enqueue_many(rows: list[dict]) -> list[OutboxEmail]:
    """`enqueue` for many emails at once (the deadline sweep): a few queries, not a few per email."""
    return [email for email, _ in _enqueue(rows)]


def _enqueue(rows: list[dict]) -> list[tuple[OutboxEmail, bool]]:
    prepared = []
    for row in rows:
        recipients = sorted({address.strip().lower() for address in row["to"] if address and address.strip()})
        if not recipients:
            raise ValueError(f"Email {row['key']!r} has no recipients")
        email = OutboxEmail(
            partnership=row["partnership"],
            key=row["key"],
            to=recipients,
            subject=row["subject"][:250],
            body=row["body"],
        )
        about = row.get("about")
        if about is not None:
            email.about_type = ContentType.objects.get_for_model(about, for_concrete_model=True)
            email.about_id = str(about.pk)
        email.message_id = _message_id()
        prepared.append(email)
    # The unique key decides: a row already there (decided before, or by a concurrent
    # transaction) is kept and ours is dropped.
    OutboxEmail.dangerously_unscoped.bulk_create(prepared, ignore_conflicts=True)
    ours = {email.key: email.message_id for email in prepared}
    stored = {email.key: email for email in OutboxEmail.dangerously_unscoped.filter(key__in=list(ours))}
    result = [(stored[email.key], stored[email.key].message_id == ours[email.key]) for email in prepared]
    created_ids = [email.pk for email, created in result if created]
    if created_ids:
        transaction.on_commit(lambda: _queue_delivery(created_ids))
    return result


def _message_id() -> str:
    import uuid

    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ")
    return f"<{uuid.uuid4()}@{domain}>"


def _queue_delivery(email_ids: list[int]) -> None:
    from lscp.tasks import deliver_email, flush_outbox

    try:
        if len(email_ids) > 20:  # many at once (a sweep): one flush, not thousands of tasks
            flush_outbox.delay()
        else:
            for email_id in email_ids:
                deliver_email.delay(email_id)
    except Exception:  # broker down: the periodic flush delivers them later
        log.warning("Could not queue delivery of outbox emails %s; the flush will send them", email_ids, exc_info=True)


def _backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=2 ** min(attempts, 10)), MAX_BACKOFF)


def deliver(email_id: int, *, connection=None) -> bool:
    """Send one email if it is still pending. True when this call sent it.

    Safe to run twice or concurrently: the row is locked for the send (SKIP LOCKED, so a second
    worker moves on) and a sent email is never sent again.
    """
    with transaction.atomic():
        email = (
            OutboxEmail.dangerously_unscoped.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboxEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return False
        message = EmailMessage(
            subject=email.subject,
            body=email.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=email.to,
            headers={"Message-ID": email.message_id, "Auto-Submitted": "auto-generated"},
            connection=connection,
        )
        try:
            message.send(fail_silently=False)
        except Exception as exc:  # the mail server is down or refused: try again later
            email.attempts += 1
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            email.next_attempt_at = timezone.now() + _backoff(email.attempts)
            email.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            log.warning("Outbox email %s not sent (attempt %s): %s", email.pk, email.attempts, exc)
            return False
        email.status = OutboxEmail.Status.SENT
        email.sent_at = timezone.now()
        email.attempts += 1
        email.last_error = ""
        email.save(update_fields=["status", "sent_at", "attempts", "last_error"])
        return True


def flush(*, limit: int = 500) -> int:
    """Deliver pending emails whose next attempt is due. Returns how many were sent."""
    due = list(
        OutboxEmail.dangerously_unscoped.filter(status=OutboxEmail.Status.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    if not due:
        return 0
    sent = 0
    connection = get_connection()
    try:
        for email_id in due:
            sent += deliver(email_id, connection=connection)
    finally:
        with contextlib.suppress(Exception):
            connection.close()
    return sent


def emails_about(partnership, obj: models.Model):
    """The emails decided about one record, oldest first (for its page)."""
    return OutboxEmail.objects.for_partnership(partnership).filter(
        about_type=ContentType.objects.get_for_model(obj, for_concrete_model=True), about_id=str(obj.pk)
    )
