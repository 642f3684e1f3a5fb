"""The deadline engine's two small additions for action plans: clocks due on a date the record
sets (`due_on`), and a ladder that starts again when a clock's due date moves after some of its
steps were decided. (The action-plan clock itself is exercised in test_action_plan_clocks.py.)"""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from lscp import deadlines
from lscp.deadlines import ClockKind, ClockRule, StartOption, compute
from lscp.deadlines.workdays import WorkingCalendar
from lscp.models import Escalation
from tests.support.clients import signed_in
from tests.support.makers_reviews import notify_panel, submit
from tests.support.world import make_world


def fixed_kind(**overrides) -> ClockKind:
    values = dict(
        key="test_fixed",
        label="Do the thing",
        model="reviews.Notification",
        length=0,
        unit="working",
        starts=(StartOption("live", "the date the plan went live"),),
        start_date=lambda s, start: s.live_on,
        met_date=lambda s: s.done_on,
        met_label="it is done",
        task="do the thing",
        subject_label=lambda s: "the thing",
        url=lambda s: "/",
        actors=lambda s, d: [],
        due_on=lambda s: s.due,
        due_on_label="the due date agreed in the plan",
        editable=False,
    )
    values.update(overrides)
    return ClockKind(**values)


def test_a_clock_due_on_a_fixed_date_is_not_counted():
    kind = fixed_kind()
    rule = ClockRule(0, "working", "live")
    calendar = WorkingCalendar()
    # Due on a Saturday, the day the plan says: a fixed date is not moved or counted.
    subject = SimpleNamespace(live_on=dt.date(2026, 11, 2), due=dt.date(2026, 12, 26), done_on=None)
    assert compute(subject, kind, rule=rule, calendar=calendar) == {
        "starts_on": dt.date(2026, 11, 2),
        "due_date": dt.date(2026, 12, 26),
        "met_on": None,
        "explanation": "due Sat 26 Dec 2026: the due date agreed in the plan (not a working day)",
    }
    waiting = SimpleNamespace(live_on=None, due=dt.date(2026, 12, 26), done_on=None)
    assert compute(waiting, kind, rule=rule, calendar=calendar)["explanation"] == (
        "starts when the date the plan went live is recorded"
    )
    no_date = SimpleNamespace(live_on=dt.date(2026, 11, 2), due=None, done_on=None)
    assert compute(no_date, kind, rule=rule, calendar=calendar)["explanation"] == (
        "starts when the due date agreed in the plan is set"
    )


def test_a_fixed_date_clock_cannot_be_edited_or_counted_back():
    with pytest.raises(ValueError, match="editable=False"):
        fixed_kind(editable=True)
    with pytest.raises(ValueError, match="neither counted back"):
        fixed_kind(counts_back_from=lambda s: s.due)


def at(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, 0), tick=False)


@pytest.mark.django_db
def test_a_due_date_that_moves_after_steps_were_decided_starts_a_new_ladder():
    """The notification's Panel clock, moved by a local policy after its due step was sent."""
    from lscp.deadlines import services as deadline_services

    with at(dt.date(2026, 11, 19)):
        world = make_world("ladders", with_objects=False)
        notification = submit(world, aware_date=dt.date(2026, 11, 19))  # due Thu 26 Nov
    with at(dt.date(2026, 11, 26)):
        deadlines.sweep(dispatch=lambda ids: deadlines.escalate(ids))
        deadline_services.set_clock_rules(
            world.ctx(),
            {"panel_notification": {"length": 10, "unit": "working", "start": "aware"}},
            reason="Local policy",
        )
    clock = deadlines.clocks_for(notification)[0]
    assert clock.due_date == dt.date(2026, 12, 3)
    assert clock.ladder_base == 1  # reminder 0 and due 0 belong to the first ladder
    assert clock.next_escalation_on == dt.date(2026, 12, 1)  # the new date's own reminder
    for day in (dt.date(2026, 12, 1), dt.date(2026, 12, 3), dt.date(2026, 12, 4)):
        with at(day):
            deadlines.sweep(dispatch=lambda ids: deadlines.escalate(ids))
            deadlines.sweep(dispatch=lambda ids: deadlines.escalate(ids))  # twice: nothing more
    steps = list(
        Escalation.objects.for_partnership(world.partnership)
        .filter(deadline=clock)
        .order_by("decided_at", "id")
        .values_list("step", "repetition", "step_date")
    )
    assert steps == [
        ("reminder", 0, dt.date(2026, 11, 24)),
        ("due", 0, dt.date(2026, 11, 26)),
        ("reminder", 1, dt.date(2026, 12, 1)),
        ("due", 1, dt.date(2026, 12, 3)),
        ("overdue", 1, dt.date(2026, 12, 4)),
    ]
    # Each step is numbered within its own due date's ladder: none of them is a repeat.
    escalations = Escalation.objects.for_partnership(world.partnership).filter(deadline=clock)
    assert [e.repeat for e in escalations] == [0, 0, 0, 0, 0]
    from lscp.outbox import emails_about

    subjects = [e.subject for e in emails_about(world.partnership, notification).order_by("created_at", "id")]
    reference = notification.reference
    assert [s for s in subjects if "National Panel for" in s] == [
        # The first sweep came on the due date: its reminder was superseded, not sent.
        f"[Ladders LSCP] Due today: notify the National Panel for {reference}",
        f"[Ladders LSCP] Reminder: notify the National Panel for {reference} by Thu 3 Dec 2026",
        f"[Ladders LSCP] Due today: notify the National Panel for {reference}",
        # The first overdue email of the new ladder, not "reminder 2".
        f"[Ladders LSCP] Overdue: notify the National Panel for {reference} was due Thu 3 Dec 2026",
    ]
    with at(dt.date(2026, 12, 11)):  # a week later, the first repeat of the new ladder
        deadlines.sweep(dispatch=lambda ids: deadlines.escalate(ids))
        page = signed_in(world.people["business"]).get(
            reverse("notification-detail", args=[world.slug, notification.pk])
        )
    listed = re.findall(r"<li>[^<]*?: (overdue[^,]*), due", page.content.decode())
    assert listed == ["overdue", "overdue (repeat 1)"]
    # Met: nothing further is decided.
    with at(dt.date(2026, 12, 4)):
        notify_panel(world.ctx(), notification, on=dt.date(2026, 12, 4), panel_reference="P-1")
    assert deadlines.clocks_for(notification)[0].next_escalation_on is None
