"""The deadline engine: clocks on records, their due dates in working days, and escalation.

Apps describe each kind of clock once (`ClockKind`, registered with `register`): how long it
runs by default, which event starts it (with the choices a partnership may pick between), when it
is met, who must act, and where the record lives. Then:

- `refresh(subject)`: (re)compute every clock of a record from the record itself, the
  partnership's clock rules and calendar. Services call it after every change to the record.
- `refresh_partnership(partnership)`: recompute every open clock (after a clock rule or calendar change).
- `sweep()`: find the clocks whose next escalation step is due (an indexed read of only those)
  and queue them, in chunks, for `escalate`.
- `escalate(ids)`: decide each due step once, inside a transaction with the clock locked: the
  step's email goes to the outbox with a unique key, the `Escalation` row is unique per
  (clock, step, repetition). Two sweeps, a retried task, a killed worker: nothing twice.

The ladder, per partnership (`EscalationSettings`): a reminder N working days before the due date
to whoever must act; on the due date to them and the business unit manager; from the first working
day overdue to the statutory partners' delegated safeguarding partners (DSPs) as well, repeated every M working days
until the clock is met. When several steps are due at once (the clock started late, or the sweep
was down), only the latest is sent and the earlier ones are recorded as superseded.

A clock is counted from its start (`length` working days, calendar days or months), counted back
from a target (`counts_back_from`), or due on a date the record itself sets (`due_on`: an action's
agreed due date). When a clock's due date moves after some of its steps were decided (a due date
re-set with a reason, a clock rule or calendar change), its ladder starts again for the new date: the
steps already decided stay in the log, and the new date gets its own reminder, due and overdue steps.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from lscp import bulk, outbox
from lscp.deadlines.workdays import Counted, WorkingCalendar, calendar_for, explain, format_day
from lscp.models import CalendarOverride, Deadline, DeadlinePolicy, Escalation, EscalationSettings
from lscp.outbox import messages
from lscp.recipients import Recipients
from lscp.roles import Role
from partners.models import Partnership

log = logging.getLogger(__name__)

MONTHS = "months"
SWEEP_CHUNK = 500


@dataclass(frozen=True)
class StartOption:
    key: str
    label: str  # "the date the Panel was notified"


@dataclass(frozen=True)
class ClockKind:
    key: str
    label: str  # "Notify the National Panel"
    model: str  # "reviews.Notification"
    length: int
    unit: str  # working | calendar | months
    starts: tuple[StartOption, ...]
    start_date: Callable[[models.Model, str], dt.date | None]
    met_date: Callable[[models.Model], dt.date | None]
    met_label: str  # "sent to the Panel"
    task: str  # "notify the National Panel": what the clock asks for (in emails)
    subject_label: Callable[[models.Model], str]
    url: Callable[[models.Model], str]
    # Who must act, as emails (the directory answers "business unit", "agency leads of X" ...).
    actors: Callable[[models.Model, Recipients], list[str]]
    applies: Callable[[models.Model], bool] = lambda subject: True
    # Why the clock does not run for this subject: words, or a function of the subject giving them.
    not_applicable_reason: str | Callable[[models.Model], str] = ""
    # For clocks counted back from a target (e.g. 7 working days before publication).
    counts_back_from: Callable[[models.Model], dt.date | None] | None = None
    counts_back_label: str = ""
    escalate_to_partners: bool = True  # overdue steps also go to the statutory partners' leads
    escalate_to_manager: bool = True  # due and overdue steps also go to the business unit manager
    editable: bool = True  # the partnership may change length, unit and start
    # For clocks due on a date the record sets (an action's agreed due date), not counted from the
    # start: the start still says when the clock runs (and when its reminder may be sent).
    due_on: Callable[[models.Model], dt.date | None] | None = None
    due_on_label: str = ""  # "the due date agreed in the action plan"
    # Relations to load with the subjects when emails are written (subject_label, url, actors).
    related: tuple[str, ...] = ()

    def __post_init__(self):
        if self.due_on is not None and (self.counts_back_from is not None or self.editable):
            raise ValueError(
                f"{self.key}: a clock due on a fixed date is neither counted back nor editable (editable=False)"
            )


REGISTRY: dict[str, ClockKind] = {}


def register(kind: ClockKind) -> ClockKind:
    REGISTRY[kind.key] = kind
    return kind


def kinds_for(model: type[models.Model]) -> list[ClockKind]:
    label = model._meta.label
    return [kind for kind in REGISTRY.values() if kind.model == label]


# ----------------------------------------------------------------------------------------------
# A clock kind's rule in a partnership (its length, unit and start; the DeadlinePolicy rows)


@dataclass(frozen=True)
class ClockRule:
    length: int
    unit: str
    start: str


def rule_for(partnership, kind: ClockKind, rows: dict[str, DeadlinePolicy] | None = None) -> ClockRule:
    if rows is None:
        row = DeadlinePolicy.objects.for_partnership(partnership).filter(kind=kind.key).first()
    else:
        row = rows.get(kind.key)
    start_keys = [option.key for option in kind.starts]
    if row is None or not kind.editable:
        return ClockRule(kind.length, kind.unit, start_keys[0])
    start = row.start if row.start in start_keys else start_keys[0]
    return ClockRule(row.length, row.unit, start)


@dataclass(frozen=True)
class RuleWords:
    """A clock's rule in words, made from its definition (anchor, length, unit, direction), for
    the deadline policy page and its forms: never written by hand beside the definition."""

    due: str  # "7 working days before planned publication"
    runs_from: str  # "the date the final report was received"


UNIT_WORDS = {"working": "working day", "calendar": "calendar day", MONTHS: "calendar month"}


def length_words(length: int, unit: str) -> str:
    """'5 working days', '1 calendar month'."""
    return f"{length} {UNIT_WORDS[unit]}{'' if length == 1 else 's'}"


def describe(kind: ClockKind, rule: ClockRule | None = None) -> RuleWords:
    """How the clock's due date is worked out, in the same terms `compute` works it out: due on a
    date the record sets, counted back from a target, or counted on from its start."""
    rule = rule or ClockRule(kind.length, kind.unit, kind.starts[0].key)
    start = next((o for o in kind.starts if o.key == rule.start), kind.starts[0]).label
    if kind.due_on is not None:
        return RuleWords(due=f"on {kind.due_on_label}", runs_from=start)
    if kind.counts_back_from is not None:
        return RuleWords(due=f"{length_words(rule.length, rule.unit)} before {kind.counts_back_label}", runs_from=start)
    return RuleWords(due=f"{length_words(rule.length, rule.unit)} after {start}", runs_from=start)


def rules_of(partnership) -> dict[str, DeadlinePolicy]:
    """The partnership's own clock rules (DeadlinePolicy rows), by clock kind (for rule_for, read once)."""
    return {row.kind: row for row in DeadlinePolicy.objects.for_partnership(partnership)}


# ----------------------------------------------------------------------------------------------
# Computing clocks


def _add(calendar: WorkingCalendar, start: dt.date, n: int, unit: str):
    if unit == MONTHS:
        return Counted(start + relativedelta(months=n))
    return calendar.add(start, n, unit)


def _explain_months(due: dt.date, start: dt.date, n: int) -> str:
    return f"due {format_day(due)}: {n} calendar month{'s' if n != 1 else ''} after {format_day(start)}"


def compute(subject, kind: ClockKind, *, rule: ClockRule, calendar: WorkingCalendar) -> dict:
    """The clock's fields for this subject now: starts_on, due_date, met_on, explanation."""
    option = next(o for o in kind.starts if o.key == rule.start)
    if not kind.applies(subject):
        reason = kind.not_applicable_reason
        return {
            "starts_on": None,
            "due_date": None,
            "met_on": None,
            "explanation": (reason(subject) if callable(reason) else reason) or "Not needed",
        }
    starts_on = kind.start_date(subject, rule.start)
    met_on = kind.met_date(subject)
    if kind.due_on is not None:
        due = kind.due_on(subject)
        if starts_on is None or due is None:
            waiting = f"{option.label} is recorded" if starts_on is None else f"{kind.due_on_label} is set"
            return {"starts_on": None, "due_date": None, "met_on": met_on, "explanation": f"starts when {waiting}"}
        text = f"due {format_day(due)}: {kind.due_on_label}"
        if not calendar.is_working_day(due):
            text += " (not a working day)"
        return {"starts_on": starts_on, "due_date": due, "met_on": met_on, "explanation": text}
    if kind.counts_back_from is not None:
        target = kind.counts_back_from(subject)
        if starts_on is None or target is None:
            waiting = option.label if starts_on is None else kind.counts_back_label
            return {
                "starts_on": None,
                "due_date": None,
                "met_on": met_on,
                "explanation": f"starts when {waiting} is known",
            }
        counted = _add(calendar, target, -rule.length, rule.unit)
        text = explain(
            due=counted.date,
            start=target,
            n=-rule.length,
            unit=rule.unit,
            skipped=counted.skipped_holidays,
            start_label=kind.counts_back_label,
        )
        return {"starts_on": starts_on, "due_date": counted.date, "met_on": met_on, "explanation": text}
    if starts_on is None:
        return {
            "starts_on": None,
            "due_date": None,
            "met_on": met_on,
            "explanation": f"starts when {option.label} is recorded",
        }
    counted = _add(calendar, starts_on, rule.length, rule.unit)
    if rule.unit == MONTHS:
        text = _explain_months(counted.date, starts_on, rule.length)
    else:
        text = explain(
            due=counted.date,
            start=starts_on,
            n=rule.length,
            unit=rule.unit,
            skipped=counted.skipped_holidays,
            start_label=option.label.removeprefix("the date ").removeprefix("the "),
        )
    return {"starts_on": starts_on, "due_date": counted.date, "met_on": met_on, "explanation": text}


@transaction.atomic
def refresh(subject, *, calendar: WorkingCalendar | None = None, rules: dict | None = None) -> list[Deadline]:
    """Bring every clock of `subject` up to date with the record. Idempotent."""
    partnership = subject.partnership
    calendar = calendar or calendar_for(partnership)
    rules = rules_of(partnership) if rules is None else rules
    ladder = _settings(partnership)
    subject_type = ContentType.objects.get_for_model(subject, for_concrete_model=True)
    existing = {
        d.kind: d
        for d in Deadline.objects.for_partnership(partnership)
        .select_for_update()
        .filter(subject_type=subject_type, subject_id=subject.pk)
    }
    decided = _decided_rows([d.pk for d in existing.values()])
    result = []
    for kind in kinds_for(type(subject)):
        rule = rule_for(partnership, kind, rules)
        fields = compute(subject, kind, rule=rule, calendar=calendar)
        fields.update(length=rule.length, unit=rule.unit)
        deadline = existing.get(kind.key)
        if deadline is None:
            deadline = Deadline(
                partnership=partnership, subject_type=subject_type, subject_id=subject.pk, kind=kind.key, **fields
            )
            reached = None
        else:
            old_due = deadline.due_date
            for name, value in fields.items():
                setattr(deadline, name, value)
            taken = decided.get(deadline.pk, [])
            reached = _reached(deadline, taken)
            if reached is not None and old_due is not None and deadline.due_date != old_due:
                # The due date moved after steps were decided: a new ladder for the new date. Its
                # repetitions are numbered after every earlier one, so each step stays unique.
                deadline.ladder_base = 1 + max(last for _, _, last in taken)
                reached = None
        upcoming = next_step(deadline, ladder, calendar, reached=reached)
        deadline.next_escalation_on = upcoming.date if upcoming else None
        deadline.save()
        result.append(deadline)
    return result


@dataclass(frozen=True)
class RuleEffect:
    """What a change of one clock kind's rule would do to the partnership's open clocks."""

    open_clocks: int  # open clocks of the kind
    moved: int  # of which their due date would move
    earliest: dt.date | None  # the earliest and latest new due date of those that move
    latest: dt.date | None


def preview_rules(partnership, rules: dict[str, ClockRule]) -> dict[str, RuleEffect]:
    """What `rules` ({kind: its new rule}) would do to the open clocks, worked out as `refresh`
    would (`compute`, the partnership's calendar) and saving nothing."""
    calendar = calendar_for(partnership)
    effects = {}
    for key, rule in rules.items():
        kind = REGISTRY[key]
        clocks = list(Deadline.objects.for_partnership(partnership).filter(kind=key, met_on__isnull=True))
        subjects = subjects_of(clocks, partnership=partnership)
        moved, new_dues = 0, []
        for clock in clocks:
            subject = subjects.get((clock.subject_type_id, clock.subject_id))
            if subject is None:
                continue
            due = compute(subject, kind, rule=rule, calendar=calendar)["due_date"]
            if due != clock.due_date:
                moved += 1
                if due is not None:
                    new_dues.append(due)
        effects[key] = RuleEffect(
            open_clocks=len(clocks),
            moved=moved,
            earliest=min(new_dues, default=None),
            latest=max(new_dues, default=None),
        )
    return effects


def refresh_partnership(partnership) -> int:
    """Recompute every open clock of the partnership (a clock rule or the calendar changed)."""
    calendar = calendar_for(partnership)
    rules = rules_of(partnership)
    count = 0
    open_clocks = Deadline.objects.for_partnership(partnership).filter(met_on__isnull=True)
    by_type = defaultdict(set)
    for subject_type_id, subject_id in open_clocks.values_list("subject_type_id", "subject_id"):
        by_type[subject_type_id].add(subject_id)
    for subject_type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(subject_type_id).model_class()
        for subject in model.objects.for_partnership(partnership).filter(pk__in=ids):
            refresh(subject, calendar=calendar, rules=rules)
            count += 1
    return count


def in_registered_order(clocks) -> list[Deadline]:
    """A record's clocks in the order their kinds were registered (the statutory order): the one
    clock order every page and the API show."""
    order = {key: index for index, key in enumerate(REGISTRY)}
    return sorted(clocks, key=lambda clock: order.get(clock.kind, len(order)))


def label_for(deadline: Deadline) -> str:
    kind = REGISTRY.get(deadline.kind)
    return kind.label if kind else deadline.kind


# ----------------------------------------------------------------------------------------------
# The escalation ladder


@dataclass(frozen=True)
class Step:
    step: str
    repetition: int  # within the clock's current ladder: 0 for the first overdue step, 1 for its repeat ...
    date: dt.date


@dataclass(frozen=True)
class Ladder:
    reminder_days_before: int = 2
    repeat_every_days: int = 5
    manager_id: int | None = None


def _settings(partnership) -> Ladder:
    row = EscalationSettings.objects.for_partnership(partnership).first()
    return _ladder_of(row)


def _ladder_of(row: EscalationSettings | None) -> Ladder:
    if row is None:
        return Ladder()
    return Ladder(row.reminder_days_before, max(1, row.repeat_every_days), row.business_unit_manager_id)


# A clock's ladder is a sequence of positions: 0 the reminder, 1 the due date, 2 + r the rth
# overdue repeat. Steps are decided in order and all at once up to today, so the highest position
# decided says everything about a ladder's progress, and any step's date is a count in the
# working-day calendar: constant work however long a clock has been overdue.
REMINDER, DUE, FIRST_OVERDUE = 0, 1, 2


def _position(step: str, repetition: int) -> int:
    if step == Escalation.Step.REMINDER:
        return REMINDER
    if step == Escalation.Step.DUE:
        return DUE
    return FIRST_OVERDUE + repetition


def _reminder_date(deadline: Deadline, ladder: Ladder, calendar: WorkingCalendar) -> dt.date | None:
    if not ladder.reminder_days_before:
        return None
    due = deadline.due_date
    reminder = calendar.subtract(due, ladder.reminder_days_before).date
    if reminder < deadline.starts_on:
        return deadline.starts_on if deadline.starts_on < due else None
    return reminder


def step_at(position: int, deadline: Deadline, ladder: Ladder, calendar: WorkingCalendar) -> Step | None:
    """The step at this position of the clock's current ladder (None: this clock has no reminder)."""
    due = deadline.due_date
    if position == REMINDER:
        reminder = _reminder_date(deadline, ladder, calendar)
        return Step(Escalation.Step.REMINDER, 0, reminder) if reminder else None
    if position == DUE:
        return Step(Escalation.Step.DUE, 0, due)
    repetition = position - FIRST_OVERDUE
    return Step(Escalation.Step.OVERDUE, repetition, calendar.add(due, 1 + repetition * ladder.repeat_every_days).date)


def latest_position(deadline: Deadline, ladder: Ladder, calendar: WorkingCalendar, day: dt.date) -> int | None:
    """The position of the latest step falling on or before `day` (None: no step yet)."""
    due = deadline.due_date
    if day >= due:
        late = calendar.working_days_between(due, day)
        return FIRST_OVERDUE + (late - 1) // ladder.repeat_every_days if late >= 1 else DUE
    reminder = _reminder_date(deadline, ladder, calendar)
    return REMINDER if reminder is not None and day >= reminder else None


def next_step(
    deadline: Deadline, ladder: Ladder, calendar: WorkingCalendar, *, reached: int | None, after: dt.date | None = None
) -> Step | None:
    """The first step after position `reached` (and, if given, after the day `after`)."""
    if deadline.met_on is not None or deadline.due_date is None or deadline.starts_on is None:
        return None
    position = REMINDER if reached is None else reached + 1
    if after is not None:
        passed = latest_position(deadline, ladder, calendar, after)
        if passed is not None:
            position = max(position, passed + 1)
    return step_at(position, deadline, ladder, calendar) or step_at(position + 1, deadline, ladder, calendar)


def _decided_rows(deadline_ids: list[int]) -> dict[int, list[tuple[str, int, int]]]:
    """Per clock, its decided steps as (step, repetition, last repetition the row stands for)."""
    rows: dict[int, list] = defaultdict(list)
    if deadline_ids:
        for deadline_id, step, repetition, through in Escalation.dangerously_unscoped.filter(
            deadline_id__in=deadline_ids
        ).values_list("deadline_id", "step", "repetition", "through_repetition"):
            rows[deadline_id].append((step, repetition, through if through is not None else repetition))
    return rows


def _reached(deadline: Deadline, taken) -> int | None:
    """The highest position decided in the clock's current ladder (steps of earlier ladders, for
    an earlier due date, have repetitions below its ladder_base)."""
    base = deadline.ladder_base
    positions = [_position(step, last - base) for step, repetition, last in taken if repetition >= base]
    return max(positions, default=None)


def recipients(kind: ClockKind, subject, step: str, directory: Recipients) -> list[str]:
    """Who gets this step's email. When nobody who should act can be emailed (their accounts
    ended, the only manager left), the step goes to whoever can still act: the business unit, then
    the statutory partners' DSPs. An empty answer is recorded on the case, never an error."""
    people = list(kind.actors(subject, directory))
    if step in (Escalation.Step.DUE, Escalation.Step.OVERDUE) and kind.escalate_to_manager:
        people += directory.manager()
    if step == Escalation.Step.OVERDUE and kind.escalate_to_partners:
        people += directory.signers(Role.DSP)
    if not people:
        people = directory.business_unit() or directory.signers(Role.DSP)
    return sorted(set(people))


def _email_text(kind: ClockKind, deadline: Deadline, subject, step: Step, partnership) -> tuple[str, str]:
    label = kind.subject_label(subject)
    due = format_day(deadline.due_date)
    if step.step == Escalation.Step.REMINDER:
        headline = f"Reminder: {kind.task} for {label} by {due}"
    elif step.step == Escalation.Step.DUE:
        headline = f"Due today: {kind.task} for {label}"
    else:
        late = f" (reminder {step.repetition + 1})" if step.repetition else ""
        headline = f"Overdue: {kind.task} for {label} was due {due}{late}"
    return messages.message(
        "escalation",
        partnership=partnership,
        headline=headline,
        kind=kind,
        deadline=deadline,
        link=messages.absolute(kind.url(subject)),
    )


def sweep(*, today: dt.date | None = None, chunk: int = SWEEP_CHUNK, dispatch: Callable | None = None) -> int:
    """Queue every clock whose next step is due. Reads only those clocks (partial index).

    Cross-partnership by nature: it is the system's own job, not a person's view.
    """
    today = today or timezone.localdate()
    ids = list(
        Deadline.dangerously_unscoped.filter(met_on__isnull=True, next_escalation_on__lte=today)
        .order_by()
        .values_list("pk", flat=True)
    )
    if dispatch is None:
        from lscp.deadlines.tasks import escalate_deadlines

        def dispatch(batch):
            escalate_deadlines.delay(batch)

    for start in range(0, len(ids), chunk):
        dispatch(ids[start : start + chunk])
    return len(ids)


@dataclass
class _Partnership:
    """What escalating a partnership's clocks needs, read once per chunk."""

    partnership: models.Model
    name: str
    ladder: Ladder
    calendar: WorkingCalendar
    directory: Recipients


def _partnerships(ids: set[int]) -> dict[int, _Partnership]:
    partnerships = Partnership.objects.in_bulk(ids)
    settings_rows = {
        row.partnership_id: row for row in EscalationSettings.dangerously_unscoped.filter(partnership_id__in=ids)
    }
    overrides: dict[int, dict] = defaultdict(dict)
    for partnership_id, day, working in CalendarOverride.dangerously_unscoped.filter(
        partnership_id__in=ids
    ).values_list("partnership_id", "date", "is_working_day"):
        overrides[partnership_id][day] = working
    result = {}
    for partnership_id, partnership in partnerships.items():
        ladder = _ladder_of(settings_rows.get(partnership_id))
        result[partnership_id] = _Partnership(
            partnership=partnership,
            name=partnership.name,
            ladder=ladder,
            calendar=WorkingCalendar(overrides=overrides[partnership_id]),
            directory=Recipients(partnership, ladder.manager_id),
        )
    return result


@dataclass
class _Decision:
    """What escalating one clock decided: the escalation rows, the email (if a step fell due)
    and the clock's next step."""

    escalations: list[dict] = field(default_factory=list)  # Escalation rows, by field name
    email: dict | None = None  # for outbox.decide_many; the last escalation row is its step
    next_on: dt.date | None = None


def _decide(deadline: Deadline, subject, context: _Partnership, reached: int | None, today: dt.date) -> _Decision:
    """Decide one clock's due steps: the latest is sent, the earlier ones are recorded as passed
    over (the overdue repeats among them as one row), and the next step is dated."""
    kind = REGISTRY.get(deadline.kind)
    if kind is None or subject is None or deadline.due_date is None or deadline.starts_on is None:
        return _Decision()  # nothing left to escalate for this clock
    ladder, calendar = context.ladder, context.calendar
    decision = _Decision()
    first = REMINDER if reached is None else reached + 1
    latest = latest_position(deadline, ladder, calendar, today)
    if latest is not None and latest >= first:
        base = deadline.ladder_base
        passed: list[tuple[Step, int | None]] = []
        for position in (REMINDER, DUE):
            step = step_at(position, deadline, ladder, calendar) if first <= position < latest else None
            if step is not None:
                passed.append((step, None))
        lowest = max(first, FIRST_OVERDUE)
        if lowest < latest:  # overdue repeats passed over: one row for them all
            through = base + latest - 1 - FIRST_OVERDUE if latest - 1 > lowest else None
            passed.append((step_at(lowest, deadline, ladder, calendar), through))
        row = {"partnership_id": deadline.partnership_id, "deadline_id": deadline.pk, "ladder_base": base}
        for step, through in passed:
            decision.escalations.append(
                row
                | {
                    "step": step.step,
                    "repetition": base + step.repetition,
                    "through_repetition": through,
                    "step_date": step.date,
                    "superseded": True,
                }
            )
        step = step_at(latest, deadline, ladder, calendar)
        key = f"deadline:{deadline.pk}:{step.step}:{base + step.repetition}"
        subject_line, body = _email_text(kind, deadline, subject, step, context.partnership)
        decision.email = {
            "partnership": deadline.partnership,
            "key": key,
            "to": recipients(kind, subject, step.step, context.directory),
            "subject": subject_line,
            "body": body,
            "about": subject,
        }
        decision.escalations.append(
            row | {"step": step.step, "repetition": base + step.repetition, "step_date": step.date, "email_key": key}
        )
        reached = latest
    upcoming = next_step(deadline, ladder, calendar, reached=reached, after=today)
    decision.next_on = upcoming.date if upcoming else None
    return decision


def escalate(ids: list[int], *, today: dt.date | None = None) -> int:
    """Decide the due steps of these clocks. Returns how many emails were decided.

    Safe to run twice or concurrently with itself: each clock is locked (SKIP LOCKED, so a
    concurrent run moves on), re-checked as still due, and every decision is unique in the database.
    One clock that cannot be escalated (a bug, a record in a state nobody foresaw) is logged with its
    id, marked on the clock for the business unit's deadlines page and tried again at the next
    sweep; the other clocks of its chunk escalate as if it were not there.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        clocks = list(
            Deadline.dangerously_unscoped.select_for_update(skip_locked=True)
            .filter(pk__in=ids, met_on__isnull=True, next_escalation_on__lte=today)
            .order_by("pk")
        )
        if not clocks:
            return 0
        decided = _decided_rows([d.pk for d in clocks])
        subjects = subjects_of(clocks)
        contexts = _partnerships({d.partnership_id for d in clocks})
        for deadline in clocks:
            deadline.partnership = contexts[deadline.partnership_id].partnership
        emails: list[dict] = []
        new_escalations: list[dict] = []
        done: list[Deadline] = []
        failed: list[Deadline] = []
        now = timezone.now()
        for deadline in clocks:
            subject = subjects.get((deadline.subject_type_id, deadline.subject_id))
            try:
                decision = _decide(
                    deadline,
                    subject,
                    contexts[deadline.partnership_id],
                    _reached(deadline, decided[deadline.pk]),
                    today,
                )
            except Exception as error:
                log.exception("Escalating clock %s (%s) failed; its chunk goes on", deadline.pk, deadline.kind)
                deadline.escalation_error = f"{type(error).__name__}: {error}"[:2000]
                deadline.escalation_failed_at = now
                failed.append(deadline)
                continue
            deadline.next_escalation_on = decision.next_on
            deadline._escalation_failed = deadline.escalation_failed_at is not None
            new_escalations += decision.escalations
            if decision.email:
                emails.append(decision.email)
            done.append(deadline)
        by_key = {key: pk for key, (pk, _) in outbox.decide_many(emails).items()}
        for row in new_escalations:
            key = row.pop("email_key", None)
            if key:
                row.update(email_id=by_key[key], decided_at=now)
        bulk.insert(Escalation, new_escalations, ignore_conflicts=True)
        _save_next_steps(done)
        # A failed clock keeps its next step (still due): the next sweep tries it again.
        Deadline.dangerously_unscoped.bulk_update(failed, ["escalation_error", "escalation_failed_at"])
        return len(emails)


def _save_next_steps(done: list[Deadline]) -> None:
    """One UPDATE per distinct next date (a chunk's next steps cluster on a few days), and the
    failure mark cleared only where there was one: a bulk_update of a whole chunk costs more than
    deciding it."""
    by_date: dict[dt.date | None, list[int]] = defaultdict(list)
    recovered = []
    for deadline in done:
        by_date[deadline.next_escalation_on].append(deadline.pk)
        if deadline._escalation_failed:
            recovered.append(deadline.pk)
    for day, ids in by_date.items():
        Deadline.dangerously_unscoped.filter(pk__in=ids).update(next_escalation_on=day)
    if recovered:
        Deadline.dangerously_unscoped.filter(pk__in=recovered).update(escalation_error="", escalation_failed_at=None)


def subjects_of(deadlines: list[Deadline], *, partnership=None) -> dict[tuple[int, int], models.Model]:
    """The records these clocks are on, by (content type id, id), with what their kinds name in
    `related` loaded too: a few queries for any number of clocks. A page passes its partnership
    and reads through the partnership wall; only the escalation sweep, the system's own job across
    partnerships, reads without it (each clock's subject is of the clock's own partnership)."""
    by_type = defaultdict(set)
    for deadline in deadlines:
        by_type[deadline.subject_type_id].add(deadline.subject_id)
    found = {}
    for subject_type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(subject_type_id).model_class()
        related = sorted({name for kind in kinds_for(model) for name in kind.related})
        if partnership is None:
            rows = model.dangerously_unscoped.select_related("partnership", *related)
        else:  # the page's partnership, not read again with every row
            rows = model.objects.for_partnership(partnership).select_related(*related)
        for subject in rows.filter(pk__in=ids).order_by():
            if partnership is not None:
                subject.partnership = partnership
            found[(subject_type_id, subject.pk)] = subject
    return found
