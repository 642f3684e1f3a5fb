"""The email outbox: decide an email inside a transaction, deliver it after the commit.

Public entry points:
- `enqueue(partnership=..., key=..., to=..., subject=..., body=..., about=...)` (and `decide_many`
  for many at once, the sweep's hot path): called inside the
  business transaction. `key` names the email uniquely (e.g. "deadline:41:due:0"); enqueuing a key
  that already exists returns the existing row, so deciding twice never sends twice. An email with
  nobody to send it to is recorded as such (shown on its record), never an error that undoes the
  business change. A delivery task is queued on commit; if the broker or worker is down, the
  periodic flush picks it up.
- `deliver(email_id)`: send one email's pending copies now.
- `flush()`: send every pending copy that is due, until none is left (beat runs it every minute,
  and each sweep chunk queues one). Any number of flushes run side by side, each claiming
  different copies; the Celery task's flush, once it is sending with more copies waiting, queues
  one more beside it (`spread`), which a free worker takes and does the same, so every free
  worker joins in and more workers deliver faster (issue 15: a sweep's thousands, or the backlog
  of a mail outage, drain at the speed of all the workers, not one).

Each recipient's copy is recorded on its own (`OutboxDelivery`). Over SMTP the copies of one
email a flush holds go in one transaction (one MAIL, a RCPT per recipient, one DATA): the server
answers each RCPT on its own, so a server that refuses one recipient for a while (4xx) delays only
that copy, which is retried with a back-off until accepted; a permanent refusal (5xx) is recorded
and shown on the record. (Other email backends, the tests' and the demo's, take a message per
copy.) A flush claims a batch of copies (CLAIM_BATCH) in one commit before the SMTP conversation
starts (their attempts counted and their back-off set, so a crashed attempt is visible and waits),
sends them over one connection (each copy's claim renewed before it is sent if the batch has
taken half its back-off, and skipped if another worker has claimed it since), and marks the
copies of each transaction sent, with their email's summary, in a commit of its own before
sending the next. When the server fails, the copies of the batch not yet tried are given back as
they were (due, their attempt not counted). Delivery is at-least-once at the SMTP boundary only:
a worker killed after the server accepted a transaction but before its sent marks committed sends
that transaction's copies (one email's) again, after the back-off, with the same Message-ID, so
mail systems can discard them. A server slower than EMAIL_TIMEOUT is the same case. Everything
else (two sweeps, a retried task, the server down) sends each copy once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address
from django.db import models, transaction
from django.utils import timezone

from lscp import bulk
from lscp.models import OutboxDelivery, OutboxEmail

log = logging.getLogger(__name__)

MAX_BACKOFF = dt.timedelta(hours=1)
# Copies one flush claims at a time (one commit), then sends one by one over one connection.
CLAIM_BATCH = 50


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
    [(pk, created)] = decide_many(
        [{"partnership": partnership, "key": key, "to": to, "subject": subject, "body": body, "about": about}]
    ).values()
    return OutboxEmail.dangerously_unscoped.get(pk=pk), created


def addresses(to) -> list[str]:
    """The distinct recipients, as they will be stored: trimmed, lower case, sorted."""
    return sorted({address.strip().lower() for address in to if address and address.strip()})


def decide_many(rows: list[dict]) -> dict[str, tuple[int, bool]]:
    """Record many emails (the deadline sweep's hot path): {key: (email id, created)}.

    The unique key decides: a row already there (decided before, or by a concurrent transaction)
    is kept and ours is dropped. Each new email gets one delivery per recipient; one with nobody
    to send it to is recorded as such."""
    if not rows:
        return {}
    domain = _domain()
    types: dict[type, int] = {}
    records = []
    for row in rows:
        recipients = addresses(row["to"])
        about = row.get("about")
        if about is not None and type(about) not in types:
            types[type(about)] = ContentType.objects.get_for_model(about, for_concrete_model=True).pk
        if not recipients:
            log.warning("Outbox email %s has nobody to send it to; recorded on its record", row["key"])
        records.append(
            {
                "partnership_id": row["partnership"].pk,
                "key": row["key"],
                "to": recipients,
                "subject": row["subject"][:250],
                "body": row["body"],
                "status": OutboxEmail.Status.PENDING if recipients else OutboxEmail.Status.NO_RECIPIENTS,
                "message_id": f"<{uuid.uuid4()}@{domain}>",
                "about_type_id": types[type(about)] if about is not None else None,
                "about_id": str(about.pk) if about is not None else "",
            }
        )
    inserted = bulk.insert(OutboxEmail, records, ignore_conflicts=True, returning=("id", "key"))
    if inserted is None:  # not PostgreSQL: tell ours from a row already there by its Message-ID
        ours = {record["key"]: record["message_id"] for record in records}
        inserted = [
            (pk, key)
            for pk, key, message_id in OutboxEmail.dangerously_unscoped.filter(key__in=list(ours)).values_list(
                "pk", "key", "message_id"
            )
            if ours[key] == message_id
        ]
    created = {key: pk for pk, key in inserted}
    result = {key: (pk, True) for key, pk in created.items()}
    missing = [record["key"] for record in records if record["key"] not in created]
    if missing:
        result.update(
            (key, (pk, False))
            for pk, key in OutboxEmail.dangerously_unscoped.filter(key__in=missing).values_list("pk", "key")
        )
    new = [record for record in records if record["key"] in created]
    bulk.insert(
        OutboxDelivery,
        [
            {"partnership_id": record["partnership_id"], "email_id": created[record["key"]], "recipient": recipient}
            for record in new
            for recipient in record["to"]
        ],
        ignore_conflicts=True,
    )
    to_send = [created[record["key"]] for record in new if record["to"]]
    if to_send:
        transaction.on_commit(lambda: _queue_delivery(to_send))
    return result


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ")


def new_message_id() -> str:
    return f"<{uuid.uuid4()}@{_domain()}>"


def _queue_delivery(email_ids: list[int]) -> None:
    from lscp.outbox.tasks import deliver_email, flush_outbox

    try:
        if len(email_ids) > 20:  # many at once (a sweep): one flush, not thousands of tasks
            flush_outbox.delay()
        else:
            for email_id in email_ids:
                deliver_email.delay(email_id)
    except Exception:  # broker down: the periodic flush delivers them later
        log.warning("Could not queue delivery of outbox emails %s; the flush will send them", email_ids, exc_info=True)


def _backoff(attempts: int) -> dt.timedelta:
    """After the nth attempt: the first retry after LSCP_OUTBOX_RETRY_SECONDS (2 minutes), then
    doubling, never more than an hour."""
    first = dt.timedelta(seconds=settings.LSCP_OUTBOX_RETRY_SECONDS)
    return min(first * 2 ** min(max(attempts - 1, 0), 10), MAX_BACKOFF)


# ----------------------------------------------------------------------------------------------
# Delivery


class ServerUnavailable(Exception):
    """The mail server could not be reached or stopped answering: stop this run, retry later."""


@dataclass(frozen=True)
class Outcome:
    sent: bool = False
    permanent: bool = False  # refused for good (5xx): recorded, not retried
    error: str = ""


def _claim(*, email_id: int | None = None, limit: int = CLAIM_BATCH) -> list[OutboxDelivery]:
    """Take up to `limit` due copies for this worker and count their attempts, in one commit, in
    the order to send them (each email's copies together).

    SKIP LOCKED lets concurrent flushes take different copies; only the copies' rows are locked,
    never their emails', so two workers never wait on one email. The conditional update makes the
    claim safe where row locks do nothing (SQLite in the demo)."""
    now = timezone.now()
    with transaction.atomic():
        due = OutboxDelivery.dangerously_unscoped.select_for_update(skip_locked=True, of=("self",)).filter(
            status=OutboxDelivery.Status.PENDING, next_attempt_at__lte=now
        )
        if email_id is not None:
            due = due.filter(email_id=email_id)
        found = list(due.order_by("next_attempt_at", "id").select_related("email")[:limit])
        by_attempts: dict[int, list[OutboxDelivery]] = defaultdict(list)
        for delivery in found:
            by_attempts[delivery.attempts].append(delivery)
        claimed = []
        for attempts, group in by_attempts.items():
            ids = [delivery.pk for delivery in group]
            fields = {"attempts": attempts + 1, "last_attempt_at": now, "next_attempt_at": now + _backoff(attempts + 1)}
            updated = OutboxDelivery.dangerously_unscoped.filter(
                pk__in=ids, attempts=attempts, status=OutboxDelivery.Status.PENDING
            ).update(**fields)
            if updated != len(ids):  # another worker took some first (only where rows are not locked)
                ours = set(
                    OutboxDelivery.dangerously_unscoped.filter(pk__in=ids, **fields).values_list("pk", flat=True)
                )
                group = [delivery for delivery in group if delivery.pk in ours]
            for delivery in group:
                delivery._before = (delivery.attempts, delivery.last_attempt_at, delivery.next_attempt_at)
                for name, value in fields.items():
                    setattr(delivery, name, value)
            claimed += group
    return sorted(claimed, key=lambda delivery: (delivery.email_id, delivery.pk))


def _still_mine(delivery: OutboxDelivery) -> bool:
    """Just before sending a claimed copy: if the batch has taken long enough that its back-off
    could have run out (half of it, with room for the workers' clocks), renew it, in one
    conditional UPDATE; False when another worker has claimed the copy since (it sends it)."""
    now = timezone.now()
    if now - delivery.last_attempt_at < _backoff(delivery.attempts) / 2:
        return True
    renewed = OutboxDelivery.dangerously_unscoped.filter(
        pk=delivery.pk,
        status=OutboxDelivery.Status.PENDING,
        attempts=delivery.attempts,
        last_attempt_at=delivery.last_attempt_at,
    ).update(last_attempt_at=now, next_attempt_at=now + _backoff(delivery.attempts))
    delivery.last_attempt_at = now
    return bool(renewed)


def _give_back(deliveries: list[OutboxDelivery]) -> None:
    """Claimed copies this run did not try (the server failed first): due again as they were,
    their attempt not counted (each only if still this run's)."""
    with transaction.atomic():
        for delivery in deliveries:
            attempts, last_attempt_at, next_attempt_at = delivery._before
            OutboxDelivery.dangerously_unscoped.filter(
                pk=delivery.pk,
                status=OutboxDelivery.Status.PENDING,
                attempts=delivery.attempts,
                last_attempt_at=delivery.last_attempt_at,
            ).update(attempts=attempts, last_attempt_at=last_attempt_at, next_attempt_at=next_attempt_at)


def _message(email: OutboxEmail, recipients: list[str], connection) -> EmailMessage:
    return EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        headers={"Message-ID": email.message_id, "Auto-Submitted": "auto-generated", "X-LSCP-Email": email.key},
        connection=connection,
    )


def _send(delivery: OutboxDelivery, connection) -> Outcome:
    """One message for one recipient, through any email backend. Raises ServerUnavailable when
    the server, not the recipient, is the problem."""
    message = _message(delivery.email, [delivery.recipient], connection)
    try:
        # Opened here, not by send(): a connection send() opens it also closes after one message.
        if getattr(connection, "connection", True) is None:
            connection.open()
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        code, text = next(iter(error.recipients.values()), (0, b""))
        return _refusal(code, text)
    except smtplib.SMTPSenderRefused as error:  # our own address refused: the server's setup, not this email
        raise ServerUnavailable(f"SMTPSenderRefused: {error.smtp_code} {_text(error.smtp_error)}") from error
    except smtplib.SMTPServerDisconnected as error:
        raise ServerUnavailable(f"SMTPServerDisconnected: {error}") from error
    except smtplib.SMTPResponseException as error:  # DATA refused for this message (e.g. 554)
        return _refusal(error.smtp_code, error.smtp_error)
    except (OSError, smtplib.SMTPException) as error:  # refused connection, timeout, TLS
        raise ServerUnavailable(f"{type(error).__name__}: {error}") from error
    return Outcome(sent=True)


def _send_together(deliveries: list[OutboxDelivery], connection) -> dict[int, Outcome]:
    """The copies of one email in one SMTP transaction (one MAIL, a RCPT per recipient, one DATA):
    each recipient's answer to its RCPT is its own outcome (smtplib reports the refused ones), so
    a recipient refused for a while delays only its copy, as when each copy had a transaction of
    its own, for half the round trips. Raises ServerUnavailable as `_send` does."""
    message = _message(deliveries[0].email, [delivery.recipient for delivery in deliveries], connection)
    encoding = message.encoding or settings.DEFAULT_CHARSET
    by_address = {sanitize_address(delivery.recipient, encoding): delivery for delivery in deliveries}
    try:
        if connection.connection is None:
            connection.open()
        refused = connection.connection.sendmail(
            sanitize_address(message.from_email, encoding),
            list(by_address),
            message.message().as_bytes(linesep="\r\n"),
        )
    except smtplib.SMTPRecipientsRefused as error:  # every recipient refused
        refused = error.recipients
    except smtplib.SMTPSenderRefused as error:
        raise ServerUnavailable(f"SMTPSenderRefused: {error.smtp_code} {_text(error.smtp_error)}") from error
    except smtplib.SMTPServerDisconnected as error:
        raise ServerUnavailable(f"SMTPServerDisconnected: {error}") from error
    except smtplib.SMTPResponseException as error:  # DATA refused: the message, for every recipient
        return {delivery.pk: _refusal(error.smtp_code, error.smtp_error) for delivery in deliveries}
    except (OSError, smtplib.SMTPException) as error:
        raise ServerUnavailable(f"{type(error).__name__}: {error}") from error
    return {
        delivery.pk: _refusal(*refused[address]) if address in refused else Outcome(sent=True)
        for address, delivery in by_address.items()
    }


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _refusal(code: int, text) -> Outcome:
    permanent = 500 <= code < 600
    return Outcome(permanent=permanent, error=f"{code} {_text(text)}"[:2000])


def _record(delivery: OutboxDelivery, outcome: Outcome, *, summarise: bool = True) -> None:
    """The copy's result, committed before the next copy is sent (so a worker killed later sends
    none of its sent copies again). With `summarise` (the last of its email's copies in this
    batch, or any copy not simply sent) the email's summary is recomputed in the same commit; a
    sent copy followed by another of the same email is one UPDATE, its email summed up with the
    last one."""
    now = timezone.now()
    if outcome.sent:
        fields = {"status": OutboxDelivery.Status.SENT, "sent_at": now, "last_error": ""}
    elif outcome.permanent:
        fields = {"status": OutboxDelivery.Status.REFUSED, "last_error": outcome.error}
    else:  # tried again after the back-off set when it was claimed
        fields = {"last_error": outcome.error}
    if outcome.sent and not summarise:
        OutboxDelivery.dangerously_unscoped.filter(pk=delivery.pk).update(**fields)
        return
    with transaction.atomic():
        _lock_email(delivery.email_id)
        OutboxDelivery.dangerously_unscoped.filter(pk=delivery.pk).update(**fields)
        _summarise(delivery.email_id, error=outcome.error, now=now)
    if outcome.error:
        _log_undelivered(delivery, outcome.error)


def _record_together(deliveries: list[OutboxDelivery], outcomes: dict[int, Outcome]) -> None:
    """The results of one email's copies sent in one transaction, and the email's summary, in one
    commit before the next transaction starts."""
    now = timezone.now()
    sent = [delivery.pk for delivery in deliveries if outcomes[delivery.pk].sent]
    errors = [(delivery, outcomes[delivery.pk]) for delivery in deliveries if not outcomes[delivery.pk].sent]
    with transaction.atomic():
        _lock_email(deliveries[0].email_id)
        if sent:
            OutboxDelivery.dangerously_unscoped.filter(pk__in=sent).update(
                status=OutboxDelivery.Status.SENT, sent_at=now, last_error=""
            )
        for delivery, outcome in errors:
            fields = {"last_error": outcome.error}
            if outcome.permanent:
                fields["status"] = OutboxDelivery.Status.REFUSED
            OutboxDelivery.dangerously_unscoped.filter(pk=delivery.pk).update(**fields)
        _summarise(deliveries[0].email_id, error=errors[-1][1].error if errors else "", now=now)
    for delivery, outcome in errors:
        _log_undelivered(delivery, outcome.error)


def _log_undelivered(delivery: OutboxDelivery, error: str) -> None:
    log.warning(
        "Outbox email %s to %s not delivered (attempt %s): %s",
        delivery.email_id,
        delivery.recipient,
        delivery.attempts,
        error,
    )


def _release(delivery: OutboxDelivery, error: str) -> None:
    """The server failed this attempt: it stays counted, with its error, and waits its back-off."""
    with transaction.atomic():
        _lock_email(delivery.email_id)
        OutboxDelivery.dangerously_unscoped.filter(pk=delivery.pk).update(last_error=error[:2000])
        _summarise(delivery.email_id, error=error, now=timezone.now())
    log.warning(
        "Outbox email %s to %s: %s (attempt %s)", delivery.email_id, delivery.recipient, error, delivery.attempts
    )


def _lock_email(email_id: int) -> None:
    """Copies of one email finishing at once on two workers sum up one after the other."""
    list(OutboxEmail.dangerously_unscoped.select_for_update().filter(pk=email_id).values_list("pk"))


def _summarise(email_id: int, *, error: str, now) -> None:
    states = list(OutboxDelivery.dangerously_unscoped.filter(email_id=email_id).values_list("status", "attempts"))
    update: dict = {"attempts": max((attempts for _, attempts in states), default=0)}
    if error:
        update["last_error"] = error[:2000]
    statuses = {status for status, _ in states}
    if OutboxDelivery.Status.PENDING not in statuses:
        refused = OutboxDelivery.Status.REFUSED in statuses
        update.update(status=OutboxEmail.Status.REFUSED if refused else OutboxEmail.Status.SENT, sent_at=now)
        if not refused:
            update["last_error"] = ""
    OutboxEmail.dangerously_unscoped.filter(pk=email_id).update(**update)


def _run(*, email_id: int | None = None, max_seconds: float | None = None, spread: Callable | None = None) -> int:
    """Claim due copies a batch at a time and send them over one SMTP connection until none is
    left, the time is up, or the server fails (then the rest wait for the next run). Returns how
    many copies were accepted.

    `spread()` asks for one more run beside this one (a Celery task an idle worker takes): called
    once, when this run has had a copy accepted (the server is up) from a full batch (more are
    waiting), so that every free worker joins in, each run asking for the next; and once more
    if the time ran out with copies left."""
    started = time.monotonic()
    budget = settings.LSCP_OUTBOX_FLUSH_SECONDS if max_seconds is None else max_seconds
    sent = 0
    connection = None
    spread_asked = False
    try:
        while time.monotonic() - started < budget:
            batch = _claim(email_id=email_id)
            if not batch:
                return sent
            if connection is None:
                connection = get_connection()
            together = isinstance(connection, SmtpBackend)  # else one message per copy (see _send)
            for index, group in _groups(batch, together=together):
                mine = [delivery for delivery in group if _still_mine(delivery)]
                if not mine:
                    continue
                try:
                    if together:
                        outcomes = _send_together(mine, connection)
                    else:
                        outcomes = {mine[0].pk: _send(mine[0], connection)}
                except ServerUnavailable as error:  # one copy carries the attempt; the rest are due again
                    _release(mine[0], str(error))
                    _give_back(mine[1:] + batch[index + len(group) :])
                    return sent
                if together:
                    _record_together(mine, outcomes)
                else:
                    following = batch[index + 1] if index + 1 < len(batch) else None
                    _record(
                        mine[0],
                        outcomes[mine[0].pk],
                        summarise=following is None or following.email_id != mine[0].email_id,
                    )
                accepted = sum(outcome.sent for outcome in outcomes.values())
                sent += accepted
                if accepted and spread is not None and not spread_asked and len(batch) == CLAIM_BATCH:
                    spread_asked = True
                    _ask(spread)
        if spread is not None:  # time is up and copies may be left: a run to go on after the queue
            _ask(spread)
    finally:
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.close()
    return sent


def _groups(batch: list[OutboxDelivery], *, together: bool):
    """(index in the batch, copies) to send at once: each email's copies together over SMTP
    (the batch is in email order), else one copy at a time."""
    index = 0
    while index < len(batch):
        end = index + 1
        if together:
            while end < len(batch) and batch[end].email_id == batch[index].email_id:
                end += 1
        yield index, batch[index:end]
        index = end


def _ask(spread: Callable) -> None:
    try:
        spread()
    except Exception:  # broker down: this run goes on alone, beat's flush comes next
        log.warning("Could not queue another outbox flush", exc_info=True)


def deliver(email_id: int) -> bool:
    """Send one email's due copies now. True when this call sent at least one.

    Safe to run twice or concurrently: each copy is claimed by one worker (SKIP LOCKED) and a
    sent copy is never sent again."""
    return _run(email_id=email_id) > 0


def flush(*, max_seconds: float | None = None, spread: Callable | None = None) -> int:
    """Deliver every due copy until none is left (or LSCP_OUTBOX_FLUSH_SECONDS pass, or the
    server fails). Returns how many copies were accepted. Safe to run side by side with itself:
    `spread` (see _run) is how the Celery task brings every free worker in."""
    return _run(max_seconds=max_seconds, spread=spread)


def emails_about(partnership, obj: models.Model):
    """The emails decided about one record, with each recipient's copy (for its page)."""
    return (
        OutboxEmail.objects.for_partnership(partnership)
        .filter(about_type=ContentType.objects.get_for_model(obj, for_concrete_model=True), about_id=str(obj.pk))
        .prefetch_related(
            models.Prefetch("deliveries", queryset=OutboxDelivery.dangerously_unscoped.order_by("recipient"))
        )
    )
