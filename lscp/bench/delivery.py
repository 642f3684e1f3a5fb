"""`make bench`'s delivery figure: does scaling out the workers deliver faster?

`clocks` notification clocks fall due at once in one partnership; for 1, then 2, then 4 real Celery
worker processes (`celery -A lscp worker --pool=solo`, as tests/support/workers.py starts them, on
the real Redis broker and this database), the sweep is run and the time is taken until the last
copy reached a real SMTP server on loopback (aiosmtpd), which counts every copy by (Message-ID,
recipient): each must arrive exactly once. Between rounds the same clocks are made due again (their
escalations and emails deleted, their next step restored).

Workers see only committed rows, so this figure runs outside the bench's rolled-back transaction,
on a partnership of its own: afterwards its clocks, notifications, escalations and emails are
deleted; the partnership and its people stay (their activity-log rows are append-only by design),
under a slug of this run's own.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import socket
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from lscp import deadlines, outbox
from lscp.models import Deadline, Escalation, OutboxDelivery, OutboxEmail

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class CountingServer:
    """A real SMTP server on loopback that keeps only what the figure needs: each accepted copy's
    (Message-ID, recipient), and when the last one arrived."""

    def __init__(self):
        self.copies: Counter = Counter()
        self.last_at = 0.0
        self._lock = threading.Lock()
        self.controller = None

    def start(self) -> int:
        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per command: noise here

        server = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):
                head = envelope.content.split(b"\r\n\r\n", 1)[0]
                found = MESSAGE_ID.search(head)
                message_id = found.group(1).decode() if found else ""
                with server._lock:
                    for recipient in envelope.rcpt_tos:
                        server.copies[(message_id, recipient.lower())] += 1
                    server.last_at = time.perf_counter()
                return "250 OK"

        probe = socket.socket()  # a free port (the controller cannot be given port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        self.controller.start()
        return port

    def received(self) -> int:
        with self._lock:
            return sum(self.copies.values())

    def clear(self) -> None:
        with self._lock:
            self.copies.clear()
            self.last_at = 0.0

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class DeliveryBench:
    def __init__(self, *, clocks: int, worker_counts: tuple[int, ...], timeout: float, write):
        self.clocks, self.worker_counts, self.timeout, self.write = clocks, worker_counts, timeout, write

    def run(self) -> None:
        server = CountingServer()
        port = server.start()
        try:
            world, clock_ids, due_on = self.load()
            try:
                for count in self.worker_counts:
                    self.reset(world, clock_ids, due_on)
                    server.clear()
                    self.round(server, port, world, clock_ids, count)
            finally:
                self.clean_up(world, clock_ids)
        finally:
            server.stop()

    # ------------------------------------------------------------------------------------------

    def load(self):
        """One notification through the services, its due clocks as the engine computed them, and
        `clocks` copies of both (the same dates: every clock falls due today)."""
        from reviews.models import Notification
        from tests.support.makers_reviews import submit
        from tests.support.world import make_world

        started = time.perf_counter()
        today = timezone.localdate()
        world = make_world(f"bench-delivery-{int(time.time())}", with_objects=False)
        template = submit(world, aware_date=today - dt.timedelta(days=10))
        outbox.flush()  # the invitations and the "new notification" email: only escalations are left
        due = list(
            Deadline.objects.for_partnership(world.partnership).filter(
                subject_id=template.pk, met_on__isnull=True, next_escalation_on__lte=today
            )
        )
        assert due, "the bench's notification has no clock due"
        prototype = due[0]
        copies = []
        for i in range(self.clocks - 1):
            copy = Notification(
                **{
                    field.attname: getattr(template, field.attname)
                    for field in Notification._meta.concrete_fields
                    if not field.primary_key
                }
            )
            copy.reference = f"BDL-{i:06d}"
            copy.submission_key = f"bench-delivery-{i}"
            copies.append(copy)
        with transaction.atomic():
            created = Notification.dangerously_unscoped.bulk_create(copies, batch_size=2000)
            fields = {
                field.attname: getattr(prototype, field.attname)
                for field in Deadline._meta.concrete_fields
                if not field.primary_key
            }
            Deadline.dangerously_unscoped.bulk_create(
                [Deadline(**(fields | {"subject_id": subject.pk})) for subject in created], batch_size=2000
            )
        clock_ids = list(
            Deadline.objects.for_partnership(world.partnership)
            .filter(kind=prototype.kind, met_on__isnull=True, next_escalation_on__lte=today)
            .values_list("pk", flat=True)
        )
        self.write(
            "bench delivery: loaded",
            f"{len(clock_ids):,} clocks due at once ({prototype.kind}) in {time.perf_counter() - started:.1f} s",
        )
        return world, clock_ids, prototype.next_escalation_on

    def reset(self, world, clock_ids, due_on) -> None:
        """The same clocks due again: no escalation, no email, their next step today."""
        with transaction.atomic():
            Escalation.dangerously_unscoped.filter(deadline_id__in=clock_ids).delete()
            emails = OutboxEmail.dangerously_unscoped.filter(partnership=world.partnership, key__startswith="deadline:")
            OutboxDelivery.dangerously_unscoped.filter(email__in=emails).delete()
            emails.delete()
            Deadline.dangerously_unscoped.filter(pk__in=clock_ids).update(next_escalation_on=due_on)

    def clean_up(self, world, clock_ids) -> None:
        from reviews.models import Notification

        with transaction.atomic():
            Escalation.dangerously_unscoped.filter(deadline_id__in=clock_ids).delete()
            emails = OutboxEmail.dangerously_unscoped.filter(partnership=world.partnership)
            OutboxDelivery.dangerously_unscoped.filter(email__in=emails).delete()
            subject_ids = list(
                Deadline.dangerously_unscoped.filter(pk__in=clock_ids).values_list("subject_id", flat=True)
            )
            Deadline.dangerously_unscoped.filter(partnership=world.partnership, subject_id__in=subject_ids).delete()
            Notification.dangerously_unscoped.filter(
                partnership=world.partnership, reference__startswith="BDL-"
            ).delete()

    # ------------------------------------------------------------------------------------------

    def round(self, server: CountingServer, port: int, world, clock_ids, count: int) -> None:
        from tests.support.workers import Workers

        with tempfile.TemporaryDirectory() as logs:
            workers = Workers(smtp_port=port, logs=Path(logs))
            try:
                for _ in range(count):
                    workers.start()
                self._wait_until_ready(workers, count)
                started = time.perf_counter()
                deadlines.sweep()
                drained = self._wait_until_drained(server, world, clock_ids, started)
            finally:
                workers.stop()
            tracebacks = workers.log_text().count("Traceback")
        emails = OutboxEmail.dangerously_unscoped.filter(partnership=world.partnership, key__startswith="deadline:")
        sent = OutboxDelivery.dangerously_unscoped.filter(email__in=emails, status=OutboxDelivery.Status.SENT).count()
        email_count = emails.count()
        received = server.received()
        duplicates = sum(n - 1 for n in server.copies.values() if n > 1)
        name = f"bench delivery: {count} worker{'s' if count > 1 else ''},"
        if not drained:
            self.write(
                name,
                f"did NOT drain within {self.timeout:.0f} s: {received:,} copies received of {sent:,} sent "
                f"({email_count:,} emails), duplicates {duplicates}",
            )
            return
        elapsed = max(server.last_at - started, 1e-6)
        exact = "" if received == sent and len(server.copies) == sent else f" (MISMATCH: {sent:,} sent in the database)"
        self.write(
            name,
            f"{email_count:,} emails ({received:,} copies) in {elapsed:.1f} s, "
            f"{email_count / elapsed:,.0f} emails/s ({received / elapsed:,.0f} copies/s), "
            f"duplicates {duplicates}{exact}"
            + (f", {tracebacks} tracebacks in the workers' logs" if tracebacks else ""),
        )

    def _wait_until_ready(self, workers, count: int) -> None:
        limit = time.monotonic() + 60
        while workers.log_text().count(" ready.") < count:
            if time.monotonic() > limit:
                raise AssertionError("The bench's workers did not start: " + workers.log_text()[-2000:])
            time.sleep(0.1)

    def _wait_until_drained(self, server, world, clock_ids, started) -> bool:
        """Every clock escalated and no copy left to send (checked in the database once a second)."""
        today = timezone.localdate()
        while time.perf_counter() - started < self.timeout:
            time.sleep(0.5)
            if Deadline.dangerously_unscoped.filter(pk__in=clock_ids, next_escalation_on__lte=today).exists():
                continue
            if not OutboxDelivery.dangerously_unscoped.filter(
                email__partnership=world.partnership, status=OutboxDelivery.Status.PENDING
            ).exists():
                return True
        return False
