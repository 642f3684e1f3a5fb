"""Action due dates are clocks in the deadline engine: they start when the plan goes live, the
reminder goes to the owner, the due-date email to the owner and the business unit manager, and
overdue ones to the statutory partners' DSPs too, each exactly once (two sweeps a day,
over a real SMTP server). A due date moved once live starts a new ladder; "overdue" is the clock's
state, never a stored field."""

import datetime as dt

import pytest
import time_machine

from lscp import deadlines, outbox
from lscp.deadlines import services as deadline_services
from lscp.models import Escalation
from reviews.action_plans import selectors, services
from reviews.action_plans.models import Action, SourceKind, Stage
from tests.support.smtp import grouped
from tests.support.world import make_world

D = dt.date


def at(day: dt.date, hour: int = 9):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 0), tick=False)


def sweep() -> int:
    deadlines.sweep(dispatch=lambda ids: deadlines.escalate(ids))
    return outbox.flush()


def days(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def fresh(action):
    return Action.objects.for_partnership(action.partnership).select_related("plan", "recommendation").get(pk=action.pk)


NOV_2 = D(2026, 11, 2)


def live_plan(world, actions, *, created=NOV_2, live=NOV_2):
    plan = services.plan_create(
        world.ctx(),
        title="Youth violence plan",
        source_kind=SourceKind.THEMATIC_REVIEW,
        created_on=created,
        recommendations=[services.RecommendationIn(1, "", "Share intelligence", actions=actions)],
    )
    if live:
        for stage in (Stage.LPRG, Stage.MEB, Stage.PARTNERS):
            services.plan_ratify(world.ctx(), plan, stage=stage, decided_on=live, minute_reference=f"{stage} 1")
    return plan, list(
        Action.objects.for_partnership(world.partnership)
        .filter(plan=plan)
        .select_related("plan", "recommendation")
        .order_by("position")
    )


@pytest.mark.django_db
def test_reminders_and_escalations_for_action_clocks_are_sent_once(smtp):
    with at(D(2026, 11, 2)):
        world = make_world("clocks", with_objects=False)
        deadline_services.set_escalation(
            world.ctx(), reminder_days_before=2, repeat_every_days=5, business_unit_manager=world.people["business"]
        )
        _, (agency, police, unit) = live_plan(
            world,
            [
                services.ActionIn("Agency's action", world.members["agency"], D(2026, 12, 10)),
                services.ActionIn(
                    "Police action", world.members["police"], D(2026, 12, 11), owner=world.people["police"]
                ),
                services.ActionIn("Business unit's action", None, D(2026, 12, 15)),
            ],
        )
        outbox.flush()
    smtp.messages.clear()
    sent = {}
    for day in days(D(2026, 11, 3), D(2027, 1, 8)):
        with at(day):
            before = len(smtp.messages)
            sweep()
            sweep()  # a second sweep the same day decides nothing more
            sent[day] = grouped(smtp.messages[before:])
        with at(day, hour=11):
            if day == D(2026, 12, 10):  # the police finish a day early: only their reminder went
                services.action_complete(
                    world.ctx("police"), fresh(police), completed_on=day, completion_evidence="Done"
                )
            if day == D(2026, 12, 14):
                services.action_complete(world.ctx(), fresh(unit), completed_on=day, completion_evidence="Done")
            if day == D(2026, 12, 23):
                services.action_complete(
                    world.ctx("agency"), fresh(agency), completed_on=day, completion_evidence="Done at last"
                )
    mail = {day: messages for day, messages in sent.items() if messages}
    title = "action 1.{n} of Youth violence plan"
    lead = [world.person("agency").email]
    manager = [world.person("business").email]
    partners = sorted(world.person(w).email for w in ("council", "police", "health"))
    assert mail == {
        # Two working days before Thu 10 Dec, to the owner organisation's agency lead.
        D(2026, 12, 8): [
            (f"[Clocks LSCP] Reminder: complete the action for {title.format(n=1)} by Thu 10 Dec 2026", lead)
        ],
        # The police's owner person (their DSP) is reminded on Wed 9 Dec.
        D(2026, 12, 9): [
            (
                f"[Clocks LSCP] Reminder: complete the action for {title.format(n=2)} by Fri 11 Dec 2026",
                [world.person("police").email],
            )
        ],
        D(2026, 12, 10): [
            (f"[Clocks LSCP] Due today: complete the action for {title.format(n=1)}", sorted(lead + manager))
        ],
        # Overdue: the statutory partners' DSPs as well.
        D(2026, 12, 11): [
            (
                f"[Clocks LSCP] Overdue: complete the action for {title.format(n=1)} was due Thu 10 Dec 2026",
                sorted(lead + manager + partners),
            ),
            # The business unit's own action: its reminder goes to the business unit.
            (f"[Clocks LSCP] Reminder: complete the action for {title.format(n=3)} by Tue 15 Dec 2026", manager),
        ],
        # Repeated 5 working days later, until met on Wed 23 Dec.
        D(2026, 12, 18): [
            (
                f"[Clocks LSCP] Overdue: complete the action for {title.format(n=1)} was due Thu 10 Dec 2026 (reminder 2)",
                sorted(lead + manager + partners),
            )
        ],
    }
    # Each email links to the action its subject names, and to no other.
    links = {f"action 1.{n} ": f"/clocks/actions/{action.pk}/" for n, action in ((1, agency), (2, police), (3, unit))}
    for _, message in smtp.messages:
        body = message.get_payload()
        [named] = [name for name in links if name in message["Subject"] + " "]
        assert [link for link in links.values() if link in body] == [links[named]], message["Subject"]
        assert "Agency's action" not in body  # the email says which action, not what it is
    steps = list(
        Escalation.objects.for_partnership(world.partnership)
        .filter(deadline__subject_id=agency.pk, deadline__kind="action_due")
        .order_by("step_date")
        .values_list("step", "repetition", "step_date")
    )
    assert steps == [
        ("reminder", 0, D(2026, 12, 8)),
        ("due", 0, D(2026, 12, 10)),
        ("overdue", 0, D(2026, 12, 11)),
        ("overdue", 1, D(2026, 12, 18)),
    ]
    clock = fresh(agency).deadlines.get()
    assert (clock.met_on, clock.status_on(D(2027, 1, 8))) == (D(2026, 12, 23), "met_late")


@pytest.mark.django_db
def test_a_due_date_moved_once_live_gets_its_own_reminder(smtp):
    with at(D(2026, 11, 2)):
        world = make_world("moved", with_objects=False)
        _, (action,) = live_plan(
            world, [services.ActionIn("Agency's action", world.members["agency"], D(2026, 12, 10))]
        )
    for day in days(D(2026, 12, 8), D(2026, 12, 14)):
        with at(day):
            sweep()
    with at(D(2026, 12, 14), hour=11):
        services.action_update(
            world.ctx(),
            fresh(action),
            description="Agency's action",
            owner_member=world.members["agency"],
            due_date=D(2027, 1, 15),
            reason="Waiting for the SET procedures",
        )
    smtp.messages.clear()
    for day in days(D(2026, 12, 15), D(2027, 1, 18)):
        with at(day):
            sweep()
            sweep()
    assert [subject for subject, _ in grouped(smtp.messages)] == [
        "[Moved LSCP] Reminder: complete the action for action 1.1 of Youth violence plan by Fri 15 Jan 2027",
        "[Moved LSCP] Due today: complete the action for action 1.1 of Youth violence plan",
        # The new date's first overdue email, not a repeat of the old date's.
        "[Moved LSCP] Overdue: complete the action for action 1.1 of Youth violence plan was due Fri 15 Jan 2027",
    ]


@pytest.mark.django_db
def test_overdue_is_the_clocks_state_not_a_stored_field():
    with at(D(2026, 11, 2)):
        world = make_world("state", with_objects=False)
        _, (waiting,) = live_plan(
            world, [services.ActionIn("In a draft plan", world.members["agency"], D(2026, 11, 20))], live=None
        )
        _, (running,) = live_plan(
            world, [services.ActionIn("In a live plan", world.members["agency"], D(2026, 11, 20))]
        )
    with at(D(2026, 11, 26)):
        # Both are past their due date; only the live plan's clock is running, so only it is overdue.
        rows = {
            r.action.pk: r
            for r in selectors.rows_for(selectors.actions_for(world.ctx()), selectors.windows_for(world.ctx()))
        }
        assert rows[running.pk].rag.key == "overdue"
        assert rows[waiting.pk].rag.key == "at_risk"
        assert [a.pk for a in selectors.actions_for(world.ctx(), overdue=True)] == [running.pk]
        assert running.deadlines.get().status_on(D(2026, 11, 26)) == "overdue"
        assert waiting.deadlines.get().status_on(D(2026, 11, 26)) == "pending"
        # Marked complete (with evidence), the clock is met: no longer overdue, awaiting acceptance.
        services.action_complete(
            world.ctx("agency"), fresh(running), completed_on=D(2026, 11, 26), completion_evidence="Done"
        )
        assert not selectors.actions_for(world.ctx(), overdue=True).exists()
        # Returned: the clock runs again, still overdue.
        services.action_return(world.ctx(), fresh(running), reason="Not signed", status="on_track")
        assert [a.pk for a in selectors.actions_for(world.ctx(), overdue=True)] == [running.pk]


@pytest.mark.django_db
def test_an_action_added_to_a_live_plan_starts_its_clock_when_added():
    with at(D(2026, 11, 2)):
        world = make_world("added", with_objects=False)
        plan, _ = live_plan(world, [services.ActionIn("First", None, D(2026, 12, 10))])
    with at(D(2026, 11, 26)):
        rec = plan.recommendations.get()
        added = services.action_add(
            world.ctx(), rec, description="Second", owner_member=world.members["police"], due_date=D(2027, 2, 1)
        )
    clock = added.deadlines.get()
    assert (clock.starts_on, clock.due_date) == (D(2026, 11, 26), D(2027, 2, 1))
    assert added.number == "1.2"
