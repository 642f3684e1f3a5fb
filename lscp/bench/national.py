"""The national design point for `make bench` (issue 15): all of England for ten years, ten times
over, with one busy partnership at a realistic share.

    design point: 150 partnerships, 50,000 notifications with their clocks, 500,000 actions,
    5,000,000 activity-log rows; the busy partnership 2,000 notifications, 20,000 actions (one plan
    of 1,000), 200,000 activity rows.

`load(scale=...)` loads the busy partnership at full size and `scale` of the other 149 (each at the
average size of the rest); `tiny=True` loads a few rows of each for the test suite. Records are
inserted in bulk (bulk_create, INSERT ... SELECT), but nothing derived is written by hand:

- the clocks are the engine's: `deadlines.compute` and `deadlines.next_step` with the
  partnership's rules, calendar and ladder, for every loaded notification and action (what
  `deadlines.refresh` does for one record, without its per-record queries), then a sample of
  records is refreshed by `deadlines.refresh` itself and must change nothing;
- the escalations are the engine's: the sweep, then `deadlines.escalate` on its chunks;
- the activity rows go through the log's own triggers (`at` and the hash chains, migration 0010),
  so every row's `at` is the load's time (the trigger sets it), not spread over the ten years.

Dates (awareness, plans, due dates, completions) are spread over the ten years ending today, from a
fixed seed, so two runs load the same records.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from lscp import database, deadlines
from lscp.deadlines.engine import _settings as ladder_of
from lscp.deadlines.workdays import calendar_for
from lscp.models import ActivityEvent, Deadline, Escalation

YEARS = 10
DESIGN = {"partnerships": 150, "notifications": 50_000, "actions": 500_000, "activity": 5_000_000}
BUSY = {"notifications": 2_000, "actions": 20_000, "plan": 1_000, "activity": 200_000}
TINY_BUSY = {"notifications": 24, "actions": 120, "plan": 40, "activity": 600}
TINY_REST = {"notifications": 6, "actions": 30, "activity": 100}
ACTIONS_PER_PLAN = 20
ACTIONS_PER_RECOMMENDATION = 5
BATCH = 5000
STEP_DATES = (
    "panel_notified_on",
    "rapid_review_started_on",
    "rapid_review_completed_on",
    "outcome_sent_on",
    "panel_response_received_on",
)


def rest_per_partnership() -> dict[str, int]:
    """The average size of one of the other 149 partnerships."""
    others = DESIGN["partnerships"] - 1
    return {kind: (DESIGN[kind] - BUSY[kind]) // others for kind in ("notifications", "actions", "activity")}


@dataclass
class Loaded:
    busy: object  # the busy partnership's World
    others: int = 0
    notifications: int = 0
    actions: int = 0
    clocks: int = 0
    escalations: int = 0
    activity: int = 0
    big_plan_id: int | None = None
    busy_seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


def load(*, scale: float, tiny: bool = False, say: Callable[[str], None] = print) -> Loaded:
    """Load the design point (busy partnership + `scale` of the rest). Returns what was loaded."""
    from tests.support.world import make_world

    rng = random.Random(15)  # noqa: S311 (test data, not secrets)
    today = timezone.localdate()
    others = 1 if tiny else max(1, round((DESIGN["partnerships"] - 1) * scale))
    rest = TINY_REST if tiny else rest_per_partnership()
    busy_size = TINY_BUSY if tiny else BUSY
    timings: dict[str, float] = {}

    def timed(name):
        class Timer:
            def __enter__(self):
                self.start = time.perf_counter()

            def __exit__(self, *exc):
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - self.start

        return Timer()

    loaded = Loaded(busy=None, others=others)
    specs = [("national-busy", "Busytown", busy_size)] + [
        (f"national-{i:03d}", f"Area {i:03d}", rest) for i in range(1, others + 1)
    ]
    for index, (slug, area, size) in enumerate(specs):
        started = time.perf_counter()
        with timed("partnerships"):
            world = make_world(slug, area=area)
        if index == 0:
            loaded.busy = world
        with timed("notifications"):
            notifications = _notifications(world, size["notifications"], today=today, rng=rng)
        with timed("actions"):
            plans, actions = _actions(
                world, size["actions"], big_plan=size.get("plan"), today=today, rng=rng, first=index == 0
            )
        if index == 0:
            loaded.big_plan_id = plans[0].pk
        with timed("clocks"):
            loaded.clocks += _clocks(world.partnership, notifications, today=today)
            loaded.clocks += _clocks(world.partnership, actions, today=today)
        with timed("activity"):
            loaded.activity += _activity(world, size["activity"])
        loaded.notifications += len(notifications)
        loaded.actions += len(actions)
        if index == 0:
            loaded.busy_seconds = time.perf_counter() - started
        if not tiny and (index % 10 == 0 or index == len(specs) - 1):
            say(f"  loading: {index + 1} of {len(specs)} partnerships ({_elapsed(timings)})")
    with timed("escalations"):
        before = Escalation.dangerously_unscoped.count()
        deadlines.sweep(today=today, dispatch=lambda ids: deadlines.escalate(ids, today=today))
        loaded.escalations = Escalation.dangerously_unscoped.count() - before
    with timed("analyze"):
        analyze()
    loaded.timings = timings
    return loaded


def _elapsed(timings: dict[str, float]) -> str:
    return ", ".join(f"{name} {seconds:.0f} s" for name, seconds in timings.items())


def analyze() -> None:
    """Fresh planner statistics (and, outside a transaction, the visibility map: VACUUM), as the
    table owner. Outside a transaction the clocks' indexes are rebuilt first: `make bench`'s sweep
    figure writes a million clocks and rolls them back, and VACUUM frees their rows but not the
    index pages they filled, which the dashboards then read through (scrutineer dashboard p50
    62-76 ms in `make bench` without the rebuild, 43.8 ms with it; 46.9 ms on an empty database)."""
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with database.login_role(), connection.cursor() as cursor:
        if command.startswith("VACUUM"):
            cursor.execute("REINDEX TABLE lscp_deadline")
        cursor.execute(command)


def _day(today: dt.date, rng: random.Random, *, recent_share: float = 0.0) -> dt.date:
    """A day in the ten years ending today (more of them recent when asked)."""
    span = 365 * YEARS
    if rng.random() < recent_share:
        return today - dt.timedelta(days=rng.randrange(90))
    return today - dt.timedelta(days=rng.randrange(span))


def _copy(model, template, **values):
    row = model(
        **{
            f.attname: getattr(template, f.attname)
            for f in model._meta.concrete_fields
            if not f.primary_key and f.attname not in values
        },
        **values,
    )
    return row


def _notifications(world, count: int, *, today: dt.date, rng: random.Random) -> list:
    """`count` notifications copied from one submitted through the service, aware on days spread
    over ten years; the older ones through the Panel's steps (a few late, one in fifty stuck), the
    last months' part way."""
    from reviews.notifications.models import Child, Notification
    from tests.support.makers_reviews import submit

    template = submit(world, aware_date=today)
    child = template.children.get()
    rows = []
    for i in range(count):
        aware = _day(today, rng, recent_share=0.02)
        steps = {}
        if rng.random() > 0.02:  # one in fifty never goes further: its clocks stay overdue
            stages = [
                ("panel_notified_on", rng.choice([2, 3, 4, 5, 6, 9])),
                ("rapid_review_completed_on", rng.randint(14, 30)),
                ("outcome_sent_on", rng.randint(3, 9)),
                ("panel_response_received_on", rng.randint(12, 30)),
            ]
            day = aware
            for name, gap in stages:
                day = day + dt.timedelta(days=gap)
                if day > today:
                    break
                steps[name] = day
        if "panel_notified_on" in steps:
            steps["rapid_review_started_on"] = steps["panel_notified_on"]
        rows.append(
            _copy(
                Notification,
                template,
                reference=f"NAT-{i + 1:06d}",
                submission_key=f"national-{world.slug}-{i}",
                incident_date=aware,
                aware_date=aware,
                received_on=aware,
                **{name: steps.get(name) for name in STEP_DATES},
            )
        )
    created = []
    for start in range(0, len(rows), BATCH):
        created += Notification.dangerously_unscoped.bulk_create(rows[start : start + BATCH])
    Child.dangerously_unscoped.bulk_create(
        [_copy(Child, child, notification_id=n.pk) for n in created], batch_size=BATCH
    )
    for n in created:
        n.partnership = world.partnership
        n._prefetched_objects_cache = {"children": [_copy(Child, child, notification_id=n.pk)]}
    return created


def _actions(world, count: int, *, big_plan: int | None, today: dt.date, rng: random.Random, first: bool):
    """Live plans drawn up over ten years (the busy partnership's first plan has `big_plan`
    actions), each recommendation with a few actions due within a year of going live; nine in ten
    of those due more than a month ago are complete, the rest overdue."""
    from reviews.action_plans.models import Action, ActionPlan, ActionStatus, PlanStatus, Recommendation, SourceKind

    person = world.person("business")
    members = [None, *world.members.values()]
    sizes = []
    left = count
    if big_plan:
        sizes.append(min(big_plan, left))
        left -= sizes[0]
    while left > 0:
        sizes.append(min(ACTIONS_PER_PLAN, left))
        left -= sizes[-1]
    plans = []
    for i in range(len(sizes)):
        created = today - dt.timedelta(days=200) if (first and i == 0) else _day(today, rng, recent_share=0.05)
        plans.append(
            ActionPlan(
                partnership=world.partnership,
                title=f"Plan {i + 1}" if not (first and i == 0) else "The thousand-action plan",
                source_kind=SourceKind.STANDALONE,
                created_on=created,
                created_by=person,
                status=PlanStatus.LIVE,
                live_on=created + dt.timedelta(days=30) if created + dt.timedelta(days=30) <= today else today,
            )
        )
    plans = ActionPlan.dangerously_unscoped.bulk_create(plans, batch_size=BATCH)
    recommendations, shape = [], []
    for plan, size in zip(plans, sizes, strict=True):
        for number in range(1, (size - 1) // ACTIONS_PER_RECOMMENDATION + 2):
            recommendations.append(
                Recommendation(partnership=world.partnership, plan=plan, number=number, text=f"Recommendation {number}")
            )
            shape.append((plan, min(ACTIONS_PER_RECOMMENDATION, size - (number - 1) * ACTIONS_PER_RECOMMENDATION)))
    recommendations = Recommendation.dangerously_unscoped.bulk_create(recommendations, batch_size=BATCH)
    actions = []
    for recommendation, (plan, size) in zip(recommendations, shape, strict=True):
        for position in range(1, size + 1):
            due = plan.live_on + dt.timedelta(days=rng.randint(20, 400))
            action = Action(
                partnership=world.partnership,
                plan=plan,
                recommendation=recommendation,
                position=position,
                description=f"Action {position} of recommendation {recommendation.number}",
                owner_member=rng.choice(members),
                due_date=due,
                created_on=plan.created_on,
            )
            if due < today - dt.timedelta(days=30) and rng.random() < 0.9:
                action.status = ActionStatus.COMPLETE
                action.completed_on = min(today, due + dt.timedelta(days=rng.randint(-30, 20)))
                action.completion_evidence = "Done."
                action.accepted_on = action.completed_on
                action.accepted_by = person
            else:
                action.status = rng.choice([ActionStatus.NOT_STARTED, ActionStatus.ON_TRACK, ActionStatus.AT_RISK])
            actions.append(action)
    created = []
    for start in range(0, len(actions), BATCH):
        created += Action.dangerously_unscoped.bulk_create(actions[start : start + BATCH])
    for action in created:
        action.partnership = world.partnership
    return plans, created


def _clocks(partnership, subjects: list, *, today: dt.date) -> int:
    """Every clock of these new records, as `deadlines.refresh` makes a record's clocks when it has
    none: the engine's `compute` with the partnership's rule, and its `next_step` on the ladder."""
    if not subjects:
        return 0
    calendar = calendar_for(partnership)
    rules = deadlines.rules_of(partnership)
    ladder = ladder_of(partnership)
    subject_type = ContentType.objects.get_for_model(subjects[0], for_concrete_model=True)
    kinds = [(kind, deadlines.rule_for(partnership, kind, rules)) for kind in deadlines.kinds_for(type(subjects[0]))]
    rows = []
    for subject in subjects:
        for kind, rule in kinds:
            fields = deadlines.compute(subject, kind, rule=rule, calendar=calendar)
            fields.update(length=rule.length, unit=rule.unit)
            deadline = Deadline(
                partnership=partnership, subject_type=subject_type, subject_id=subject.pk, kind=kind.key, **fields
            )
            upcoming = deadlines.next_step(deadline, ladder, calendar, reached=None)
            deadline.next_escalation_on = upcoming.date if upcoming else None
            rows.append(deadline)
    Deadline.dangerously_unscoped.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def refresh_sample(busy, *, size: int = 50) -> tuple[int, int]:
    """`deadlines.refresh` on `size` of the busy partnership's loaded records (notifications and
    actions, escalated or not): how many records, and how many of their clocks it changed."""
    from reviews.action_plans.models import Action
    from reviews.notifications.models import Notification

    fields = [f.attname for f in Deadline._meta.concrete_fields if f.attname not in ("updated_at",)]
    changed = 0
    records = list(Notification.objects.for_partnership(busy.partnership).order_by("aware_date")[: size // 2]) + list(
        Action.objects.for_partnership(busy.partnership).order_by("due_date")[: size - size // 2]
    )
    for record in records:
        before = {d.pk: [getattr(d, name) for name in fields] for d in deadlines.clocks_for(record)}
        for deadline in deadlines.refresh(record):
            if before.get(deadline.pk) != [getattr(deadline, name) for name in fields]:
                changed += 1
    return len(records), changed


def _activity(world, count: int) -> int:
    """`count` activity rows through the log's triggers (each row's `at`, `seq` and `hash` set by
    the database), in INSERT ... SELECT batches: copies, in turn, of the rows the partnership's
    set-up wrote through the services (so every row is one the product writes, about a real record)."""
    if count <= 0:
        return 0
    table = connection.ops.quote_name(ActivityEvent._meta.db_table)
    columns = "actor_id, kind, event, object_type_id, object_id, object_repr, changes, details"
    sql = f"""
        WITH sample AS (
            SELECT row_number() OVER (ORDER BY id) - 1 AS n, {columns} FROM {table}
            WHERE partnership_id = %s AND id <= %s
        )
        INSERT INTO {table} (partnership_id, at, {columns}, hash)
        SELECT %s, now(), {columns}, ''
        FROM generate_series(0, %s - 1) AS g JOIN sample ON sample.n = g %% %s
    """  # noqa: S608 (the model's table name and column names; values as parameters)
    first = ActivityEvent.objects.for_partnership(world.partnership).order_by("id")
    last_id = first.values_list("id", flat=True).last()
    size = first.count()
    with connection.cursor() as cursor:
        # In batches, with fresh statistics after the first: the trigger's read of the chain's last
        # row is planned on them (an empty table's plan sorts the whole chain on every insert).
        done = 0
        while done < count:
            batch = min(count - done, 1000 if done == 0 else 100_000)
            cursor.execute(sql, [world.partnership.pk, last_id, world.partnership.pk, batch, size])
            if done == 0:
                with database.login_role(), connection.cursor() as owner:
                    owner.execute(f"ANALYZE {table}")
            done += batch
    return count
