"""RAG: derived from an action's status, its due date's clock and its progress, never typed.

`rag()` is a pure function of those facts; `RULE` is the same rule in words, shown on every plan
page so that people can check a rating. The windows are working days, counted by the caller with
the partnership's calendar (`windows`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lscp.web.home import soon_by

DUE_SOON_DAYS = 10  # "due within 10 working days ..."
RECENT_DAYS = 20  # "... without a progress update in the last 20 working days"


@dataclass(frozen=True)
class Rag:
    key: str
    label: str
    colour: str  # the GOV.UK tag colour
    order: int  # overdue first


COMPLETE = Rag("complete", "Complete", "blue", 4)
AWAITING = Rag("awaiting_acceptance", "Awaiting acceptance", "turquoise", 3)
OVERDUE = Rag("overdue", "Overdue", "red", 0)
AT_RISK = Rag("at_risk", "At risk", "orange", 1)
ON_TRACK = Rag("on_track", "On track", "green", 2)

# In the order a summary lists them ("6 complete, 8 on track").
ALL = [COMPLETE, AWAITING, ON_TRACK, AT_RISK, OVERDUE]
BY_KEY = {r.key: r for r in ALL}

RULE = [
    ("Complete", "the business unit has accepted the evidence of completion"),
    (
        "Awaiting acceptance",
        "the owner has marked it complete with evidence; the business unit has not yet accepted it",
    ),
    ("Overdue", "its due date has passed and it is not complete (the deadline clock is overdue)"),
    (
        "At risk",
        f"the owner says it is at risk; or it is due within {DUE_SOON_DAYS} working days and has not been started "
        f"or has had no progress update in the last {RECENT_DAYS} working days",
    ),
    ("On track", "anything else"),
]


@dataclass(frozen=True)
class Windows:
    today: dt.date
    due_soon_by: dt.date  # due on or before this is "due soon" for the RAG rule (10 working days)
    task_soon_by: dt.date  # ... and on the home page, as every task there (lscp.web.home)
    recent_since: dt.date  # a progress update on or after this is "recent"


def windows(calendar, today: dt.date) -> Windows:
    return Windows(
        today=today,
        due_soon_by=calendar.add(today, DUE_SOON_DAYS).date,
        task_soon_by=soon_by(calendar, today),
        recent_since=calendar.subtract(today, RECENT_DAYS).date,
    )


def rag(*, status: str, due_date: dt.date | None, overdue: bool, last_progress_on: dt.date | None, w: Windows) -> Rag:
    """The RAG rating. `overdue` is the deadline engine's clock state (status "overdue")."""
    if status == "complete":
        return COMPLETE
    if status == "awaiting_acceptance":
        return AWAITING
    if overdue:
        return OVERDUE
    if status == "at_risk":
        return AT_RISK
    due_soon = due_date is not None and due_date <= w.due_soon_by
    stale = status == "not_started" or last_progress_on is None or last_progress_on < w.recent_since
    if due_soon and stale:
        return AT_RISK
    return ON_TRACK


def reason(*, status: str, due_date, overdue: bool, last_progress_on, w: Windows) -> str:
    """Why the rating is what it is, in words (for the action page)."""
    result = rag(status=status, due_date=due_date, overdue=overdue, last_progress_on=last_progress_on, w=w)
    if result is COMPLETE:
        return "The business unit accepted the evidence of completion."
    if result is AWAITING:
        return "Marked complete by the owner: waiting for the business unit to accept it."
    if result is OVERDUE:
        return f"The due date, {due_date:%-d %B %Y}, has passed."
    if status == "at_risk":
        return "The owner says it is at risk."
    if result is AT_RISK:
        if status == "not_started":
            return f"Due within {DUE_SOON_DAYS} working days and not started."
        return (
            f"Due within {DUE_SOON_DAYS} working days with no progress update in the last {RECENT_DAYS} working days."
        )
    return "Not due soon, or progressing."
