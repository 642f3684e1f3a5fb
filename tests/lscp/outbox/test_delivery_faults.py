"""Every escalation reaches every recipient exactly once, whatever fails: real Celery workers (each
its own process), the real Redis broker and PostgreSQL, and a real SMTP server on loopback that
goes down, refuses a recipient for a while, or stalls while a worker is killed. Each test counts
the copies received per (email, recipient) — an email being one (clock, step) — against what the
database says was decided."""

from __future__ import annotations

import datetime as dt
import re
import time
import warnings
from collections import Counter

import pytest
import time_machine

from lscp import outbox
from lscp.deadlines.tasks import sweep_deadlines
from lscp.models import Escalation, OutboxDelivery, OutboxEmail
from lscp.outbox.tasks import flush_outbox
from tests.support.makers_reviews import submit
from tests.support.workers import Workers, wait_for
from tests.support.world import make_world

CLOCK = "2026-11-26T09:00:00+00:00"
TODAY = dt.date(2026, 11, 26)
# How long `settle` waits with nothing arriving before it plays beat (see there).
BEAT = 10

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clock():
    """This process's clock and the workers' (LSCP_WORKER_CLOCK) on the same morning."""
    with time_machine.travel(CLOCK, tick=True):
        yield


@pytest.fixture
def workers(smtp, tmp_path, clock):
    pool = Workers(smtp_port=smtp.port, logs=tmp_path)
    yield pool
    pool.stop()
    assert "Traceback" not in pool.log_text(), pool.log_text()[-4000:]


def overdue_cases(slug: str, count: int):
    """A partnership with `count` notifications whose Panel clocks are overdue today: each
    escalation goes to the business unit and the three partners' leads (4 recipients)."""
    world = make_world(slug, with_objects=False)
    cases = [submit(world, aware_date=TODAY - dt.timedelta(days=10)) for _ in range(count)]
    outbox.flush()  # the invitations and "new notification" emails go now: only escalations are left
    return world, cases


def expected_copies(*, refused: set[str] = frozenset()) -> Counter:
    """What the database says was decided: one copy per (escalation email, recipient), less the
    recipients the server refuses for good."""
    expected: Counter = Counter()
    for key, to in OutboxEmail.dangerously_unscoped.filter(key__startswith="deadline:").values_list("key", "to"):
        for recipient in to:
            if recipient not in refused:
                expected[(key, recipient)] = 1
    return expected


def escalation_copies(smtp) -> Counter:
    return Counter({pair: n for pair, n in smtp.copies().items() if pair[0].startswith("deadline:")})


def settle(smtp, expected: Counter, *, timeout: float = 120, workers: Workers | None = None) -> None:
    """Wait until every expected copy arrived, then a little longer for any extra one to show.

    With `workers`, this plays beat's part too, as production has it: when nothing new has
    arrived for BEAT seconds, one flush is queued (beat queues one every minute, whatever
    happens). A copy that needed it is not lost, but it waited: the test says so in a warning,
    with what the database said of the copies then. When they do not all arrive, the failure
    says which are missing and what the database says of them."""
    deadline = time.monotonic() + timeout
    arrived, since = -1, time.monotonic()
    while not set(expected) <= set(copies := escalation_copies(smtp)):
        if time.monotonic() > deadline:
            raise AssertionError(
                f"Timed out after {timeout} s waiting for every expected copy to arrive\n"
                f"{missing_copies(smtp, expected, workers)}"
            )
        if len(copies) != arrived:
            arrived, since = len(copies), time.monotonic()
        elif workers is not None and time.monotonic() - since > BEAT:
            warnings.warn(
                f"Copies waited {BEAT} s for beat's flush: {missing_copies(smtp, expected, None)}", stacklevel=2
            )
            flush_outbox.delay()
            since = time.monotonic()
        time.sleep(0.1)
    time.sleep(1.0)


def missing_copies(smtp, expected: Counter, workers: Workers | None) -> str:
    arrived = set(escalation_copies(smtp))
    missing = sorted(set(expected) - arrived)
    rows = OutboxDelivery.dangerously_unscoped.filter(
        email__key__in={key for key, _ in missing}, recipient__in={to for _, to in missing}
    ).values_list("email__key", "recipient", "status", "attempts", "next_attempt_at", "last_error")
    states = [row for row in rows.order_by("email__key", "recipient") if (row[0], row[1]) in set(missing)]
    lines = [f"{len(missing)} of {len(expected)} copies missing; {len(arrived)} arrived; now {dt.datetime.now(dt.UTC)}"]
    lines += [f"  {row}" for row in states[:20]]
    if workers is not None:  # what the workers did: their tasks, warnings and errors, the last 60
        logged = [line for line in workers.log_text().splitlines() if re.search(r"Task |WARNING|ERROR", line)]
        lines += logged[-60:]
    return "\n".join(lines)


def decided(count: int) -> bool:
    return Escalation.dangerously_unscoped.filter(superseded=False).count() >= count


def test_two_beats_at_once_send_each_copy_once(smtp, workers):
    _, cases = overdue_cases("twobeats", 40)
    workers.start()
    workers.start()
    sweep_deadlines.delay()
    sweep_deadlines.delay()  # a second beat, at the same moment
    wait_for(lambda: decided(len(cases)), what="every clock escalated")
    expected = expected_copies()
    assert len(expected) == 4 * len(cases)
    settle(smtp, expected, workers=workers)
    assert escalation_copies(smtp) == expected
    # Each email's copies went together, one SMTP transaction with a RCPT each (a batch's edge
    # may split one email's copies in two): far fewer transactions than copies.
    transactions = [to for to, message in smtp.messages if message["X-LSCP-Email"].startswith("deadline:")]
    assert len(transactions) <= len(expected) / 2, len(transactions)


def test_the_mail_server_down_then_up_loses_nothing_and_sends_once(smtp, workers):
    _, cases = overdue_cases("serverdown", 10)
    smtp.stop()
    workers.start()
    sweep_deadlines.delay()
    wait_for(lambda: decided(len(cases)), what="every clock escalated")
    wait_for(
        lambda: OutboxDelivery.dangerously_unscoped.filter(last_error__contains="refused").exists(),
        what="a delivery attempt refused by the stopped server",
    )
    assert not escalation_copies(smtp)
    smtp.start()  # back after the outage; the next flush (beat's, every minute) sends everything
    time.sleep(1.5)  # the first back-off (a second under these settings)
    flush_outbox.delay()
    expected = expected_copies()
    settle(smtp, expected, workers=workers)
    assert escalation_copies(smtp) == expected
    assert not OutboxDelivery.dangerously_unscoped.exclude(status="sent").exists()


def test_one_recipient_refused_for_a_while_gets_their_copy_once(smtp, workers):
    world, cases = overdue_cases("greylist", 5)
    council = world.person("council").email
    smtp.refuse(council, code=451, times=2 * len(cases))  # each copy to the council: "try later", twice
    workers.start()
    sweep_deadlines.delay()
    wait_for(lambda: decided(len(cases)), what="every clock escalated")
    expected = expected_copies()
    others = Counter({pair: n for pair, n in expected.items() if pair[1] != council})
    settle(smtp, others)
    assert escalation_copies(smtp) == others  # the council's copies wait; nobody else's do
    for _ in range(6):  # beat's flushes, after each back-off (1 s, then 2 s)
        time.sleep(1.1)
        flush_outbox.delay()
        if set(expected) <= set(escalation_copies(smtp)):
            break
    settle(smtp, expected, workers=workers)
    assert escalation_copies(smtp) == expected
    attempts = OutboxDelivery.dangerously_unscoped.filter(recipient=council).values_list("attempts", flat=True)
    assert sorted(attempts) == [3] * len(cases)  # refused twice, accepted the third time
    assert smtp.rcpt_attempts[council] == 3 * len(cases)


def test_a_worker_killed_mid_send_resends_at_most_the_copies_in_flight(smtp, workers):
    """The worst moment: the server has taken the message but the worker dies before it hears so
    (and before the copy's sent mark commits). Killed three times, each time mid-send."""
    overdue_cases("killed", 10)
    kills = 3
    for _ in range(kills):
        smtp.stall(after_accepting=True)
        worker = workers.start()
        if workers.count == 1:
            sweep_deadlines.delay()
        else:
            flush_outbox.delay()
        assert smtp.wait_until_stalled(60), workers.log_text()
        workers.kill(worker)
        smtp.release()
    workers.start()
    sweep_deadlines.delay()  # beat's next sweep (a task a killed worker held is not acknowledged)
    wait_for(lambda: decided(10), what="every clock escalated")
    expected = expected_copies()
    assert len(expected) == 4 * 10
    for _ in range(10):  # beat's flushes until the copies claimed by the dead workers are due again
        flush_outbox.delay()
        time.sleep(1.5)
        if set(expected) <= set(escalation_copies(smtp)):
            break
    settle(smtp, expected, workers=workers)
    received = escalation_copies(smtp)
    assert set(received) == set(expected)  # nothing lost
    duplicated = {pair: n for pair, n in received.items() if n > 1}
    # One SMTP transaction in flight per kill: the copies of one email, sent once more.
    assert len({key for key, _ in duplicated}) <= kills and set(duplicated.values()) <= {2}, duplicated
    for key, recipient in duplicated:  # sent again as the same message, so mail systems drop the copy
        ids = {m["Message-ID"] for to, m in smtp.messages if m["X-LSCP-Email"] == key and recipient in to}
        assert len(ids) == 1


def test_a_clock_with_nobody_to_email_is_recorded_and_stops_nothing(smtp, workers):
    from partners import services as partner_services

    nobody, lost = overdue_cases("nobody", 3)
    for who in ("business", "council", "police", "health"):
        partner_services.person_deactivate(ctx=nobody.admin_ctx(), membership=nobody.people[who])
    _, cases = overdue_cases("somebody", 3)
    workers.start()
    sweep_deadlines.delay()
    wait_for(lambda: decided(len(lost) + len(cases)), what="every clock escalated")
    expected = expected_copies()
    assert len(expected) == 4 * len(cases)  # the other partnership's copies, all of them
    settle(smtp, expected, workers=workers)
    assert escalation_copies(smtp) == expected
    unsent = OutboxEmail.objects.for_partnership(nobody.partnership).filter(key__startswith="deadline:")
    assert sorted(unsent.values_list("status", flat=True)) == ["no_recipients"] * len(lost)


# ----------------------------------------------------------------------------------------------
# Scaling out (issue 15): more worker processes deliver faster, still exactly once.


def test_one_flush_brings_every_free_worker_in_and_sends_each_copy_once(smtp, workers):
    """One flush queued for many copies (one sweep chunk queues one): the flush asks for another
    beside it once it is sending, so both workers deliver, side by side, each copy once."""
    _, cases = overdue_cases("spread", 40)  # 160 copies: more than one claim's batch
    smtp.connections.clear()  # only the escalations' connections count below
    workers.start()
    workers.start()
    sweep_deadlines.delay()
    wait_for(lambda: decided(len(cases)), what="every clock escalated")
    expected = expected_copies()
    assert len(expected) == 4 * len(cases)
    settle(smtp, expected, workers=workers)
    assert escalation_copies(smtp) == expected
    assert len(smtp.connections) >= 2, smtp.connections  # two workers, each on its own connection


def test_two_flushes_at_once_send_each_copy_once(smtp, workers):
    _, cases = overdue_cases("twoflushes", 30)
    smtp.stop()  # the sweep's own flush finds the server down: every copy waits for the two below
    workers.start()
    workers.start()
    sweep_deadlines.delay()
    wait_for(lambda: decided(len(cases)), what="every clock escalated")
    wait_for(
        lambda: OutboxDelivery.dangerously_unscoped.filter(last_error__contains="refused").exists(),
        what="a delivery attempt refused by the stopped server",
    )
    time.sleep(0.5)  # the sweep's flush has given back what it had claimed
    smtp.start()
    time.sleep(1.5)  # the tried copies' back-off (a second under these settings): all due to both flushes
    flush_outbox.delay()
    flush_outbox.delay()
    expected = expected_copies()
    settle(smtp, expected, workers=workers)
    assert escalation_copies(smtp) == expected
    assert not OutboxDelivery.dangerously_unscoped.exclude(status="sent").exists()
    assert set(
        OutboxEmail.dangerously_unscoped.filter(key__startswith="deadline:").values_list("status", flat=True)
    ) == {"sent"}


def test_after_an_outage_one_beat_flush_drains_everything_with_every_worker(smtp, workers):
    """The server down while the sweep decides: the copies wait (only the one each failed flush
    tried waits its back-off; the rest are due at once, their attempts not counted). The server
    back, beat's next flush alone drains them all, on both workers, each copy once."""
    _, cases = overdue_cases("outage", 40)
    smtp.connections.clear()  # only the escalations' connections count below
    smtp.stop()
    workers.start()
    workers.start()
    sweep_deadlines.delay()
    wait_for(lambda: decided(len(cases)), what="every clock escalated")
    wait_for(
        lambda: OutboxDelivery.dangerously_unscoped.filter(last_error__contains="refused").exists(),
        what="a delivery attempt refused by the stopped server",
    )
    time.sleep(0.5)  # the sweep's flush has given back what it had claimed
    tried = OutboxDelivery.dangerously_unscoped.filter(email__key__startswith="deadline:", attempts__gt=0).count()
    assert tried <= 2, tried  # one copy per flush that found the server down
    smtp.start()
    time.sleep(1.5)  # the tried copies' back-off (a second under these settings)
    started = time.monotonic()
    flush_outbox.delay()  # beat's, once
    expected = expected_copies()
    assert len(expected) == 4 * len(cases)
    settle(smtp, expected)  # no beat here: the one flush above is beat's
    assert time.monotonic() - started < 30
    assert escalation_copies(smtp) == expected
    assert not OutboxDelivery.dangerously_unscoped.exclude(status="sent").exists()
    assert len(smtp.connections) >= 2, smtp.connections
