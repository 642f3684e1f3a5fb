"""The email outbox and the Celery plumbing, against a real SMTP server and the real Redis."""

import time

import pytest
from django.db import transaction

from lscp import outbox
from lscp.models import OutboxDelivery, OutboxEmail
from tests.support.world import make_world


def test_celery_uses_this_test_processs_own_broker_database(settings):
    """Each xdist worker has its own broker database; Celery, which prefers the environment's
    CELERY_BROKER_URL to its settings, must agree, or one worker consumes another's tasks."""
    import os

    from lscp.celery import app

    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw"):
        assert settings.CELERY_BROKER_URL.endswith(f"/{int(worker[2:]) + 1}")


def enqueue(world, key, subject="Reminder"):
    return outbox.enqueue(
        partnership=world.partnership, key=key, to=[world.person("business").email], subject=subject, body="Body"
    )


@pytest.mark.django_db
def test_the_same_key_is_one_email(world_a):
    first, created = enqueue(world_a, "deadline:1:due:0")
    second, created_again = enqueue(world_a, "deadline:1:due:0")
    assert created and not created_again and first.pk == second.pk
    assert OutboxEmail.objects.for_partnership(world_a.partnership).filter(key="deadline:1:due:0").count() == 1


@pytest.mark.django_db
def test_an_email_decided_in_a_rolled_back_transaction_is_not_sent(world_a, smtp):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(world_a, "rolled-back", subject="Never decided")
        raise RuntimeError("the business change failed")
    assert not OutboxEmail.objects.for_partnership(world_a.partnership).filter(key="rolled-back").exists()
    outbox.flush()
    assert smtp.messages, "the other pending emails were sent"
    assert "Never decided" not in smtp.subjects()


@pytest.mark.django_db
def test_mail_server_down_then_up_loses_nothing_and_sends_once(world_a, smtp):
    smtp.stop()
    email, _ = enqueue(world_a, "down-then-up", subject="Due today")
    assert outbox.deliver(email.pk) is False
    email.refresh_from_db()
    assert email.status == "pending" and email.attempts == 1 and "Connection refused" in email.last_error
    [copy] = email.deliveries.all()
    assert copy.next_attempt_at > email.created_at  # it waits its back-off
    OutboxDelivery.dangerously_unscoped.filter(pk=copy.pk).update(next_attempt_at=email.created_at)
    smtp.start()
    assert outbox.flush() >= 1
    assert outbox.flush() == 0
    assert outbox.deliver(email.pk) is False
    assert smtp.subjects().count("Due today") == 1
    received = next(message for _, message in smtp.messages if message["Subject"] == "Due today")
    email.refresh_from_db()
    assert received["Message-ID"] == email.message_id and email.status == "sent" and email.sent_at


@pytest.mark.django_db(transaction=True)
def test_worker_delivers_over_the_real_broker(smtp):
    """Commit -> on_commit queues the task on Redis -> a real worker sends it over SMTP."""
    from celery.contrib.testing.worker import start_worker

    from lscp.celery import app

    world = make_world("worker-test", with_objects=False)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with transaction.atomic():
            email, _ = enqueue(world, "via-worker", subject="Sent by the worker")
        deadline = time.time() + 20
        while time.time() < deadline and "Sent by the worker" not in smtp.subjects():
            time.sleep(0.1)
    assert smtp.subjects().count("Sent by the worker") == 1
    email.refresh_from_db()
    assert email.status == "sent"


@pytest.mark.django_db
def test_schedules_are_declared_once_in_the_database():
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    call_command("setup_schedules")
    call_command("setup_schedules")
    tasks = dict(PeriodicTask.objects.values_list("name", "task"))
    assert tasks["Deliver pending emails"] == "lscp.flush_outbox"
    assert PeriodicTask.objects.filter(name="Deliver pending emails").count() == 1


@pytest.mark.django_db(transaction=True)
def test_beat_sweep_escalates_through_the_real_broker(smtp):
    """sweep_deadlines (what beat runs) -> escalate_deadlines -> deliver_email, all over Redis."""
    import datetime as dt

    from celery.contrib.testing.worker import start_worker

    from lscp import deadlines
    from lscp.celery import app
    from lscp.deadlines.tasks import sweep_deadlines
    from lscp.deadlines.workdays import format_day
    from tests.support.makers_reviews import submit

    world = make_world("beat-test", with_objects=False)
    notification = submit(world, aware_date=dt.date.today() - dt.timedelta(days=30))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        sweep_deadlines.delay()
        deadline = time.time() + 30
        due = format_day(deadlines.clocks_for(notification)[0].due_date)
        wanted = f"[Beat Test LSCP] Overdue: notify the National Panel for {notification.reference} was due {due}"
        expected = sorted(world.person(who).email for who in ("business", "council", "police", "health"))

        def arrived():
            return [(subject, to) for subject, to in smtp.by_subject().items() if subject.startswith(wanted)]

        while time.time() < deadline and sum(len(to) for _, to in arrived()) < len(expected):
            time.sleep(0.1)
        time.sleep(0.5)  # long enough for a second copy to show, were one sent
    # The latest overdue step's email (one email) reached the business unit and the three leads,
    # each once.
    [(_, to)] = arrived()
    assert to == expected
