"""The deadline engine: clocks on records, their due dates in working days, and escalation.

One public entry point: `from lscp import deadlines`, then `deadlines.register(ClockKind(...))`,
`deadlines.refresh(record)`, `deadlines.sweep()`, `deadlines.escalate(ids)`,
`deadlines.clocks_for(record)` ... The engine is in engine.py, the working-day calendar in
workdays.py, reads for pages in selectors.py, the partnership's policy changes in services.py,
their pages in views.py and the Celery tasks in tasks.py.
"""

from lscp.deadlines.engine import (
    MONTHS,
    REGISTRY,
    SWEEP_CHUNK,
    ClockKind,
    ClockRule,
    Ladder,
    StartOption,
    Step,
    compute,
    escalate,
    in_registered_order,
    kinds_for,
    label_for,
    latest_position,
    next_step,
    recipients,
    refresh,
    refresh_partnership,
    register,
    rule_for,
    rules_of,
    step_at,
    subjects_of,
    sweep,
)
from lscp.deadlines.selectors import clocks_for, escalation_problems, escalations_for
from lscp.deadlines.workdays import CALENDAR, WORKING

__all__ = [
    "CALENDAR",
    "MONTHS",
    "REGISTRY",
    "SWEEP_CHUNK",
    "WORKING",
    "ClockKind",
    "ClockRule",
    "Ladder",
    "StartOption",
    "Step",
    "clocks_for",
    "compute",
    "escalate",
    "escalation_problems",
    "escalations_for",
    "in_registered_order",
    "kinds_for",
    "label_for",
    "latest_position",
    "next_step",
    "recipients",
    "refresh",
    "refresh_partnership",
    "register",
    "rule_for",
    "rules_of",
    "step_at",
    "subjects_of",
    "sweep",
]
