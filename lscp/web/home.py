"""The home page's "what needs me now": each app contributes a section of tasks for a person.

A section provider is `f(ctx) -> dict | None` with a title and tasks, each task
{"label", "url", "due" (date or None), "status" ("overdue" | "due_soon" | "open")}. Tasks are shown
overdue first (red tag), then due soon (yellow tag), then the rest by due date. "Due soon" is
defined here once: due within DUE_SOON_WORKING_DAYS working days (`soon_by`, `task_status`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.module_loading import import_string

STATUS_ORDER = {"overdue": 0, "due_soon": 1, "open": 2}
DUE_SOON_WORKING_DAYS = 5


def soon_by(calendar, today: dt.date) -> dt.date:
    """The last day that is still "due soon": DUE_SOON_WORKING_DAYS working days from today, in
    the partnership's calendar (lscp.deadlines.workdays.calendar_for)."""
    return calendar.add(today, DUE_SOON_WORKING_DAYS).date


def task_status(due: dt.date | None, *, today: dt.date, soon: dt.date | None) -> str:
    """overdue | due_soon | open, for a task due on `due` (None: no due date)."""
    if due is None:
        return "open"
    if due < today:
        return "overdue"
    return "due_soon" if soon is not None and due <= soon else "open"


def home_sections(ctx) -> list[dict]:
    sections = []
    for path in getattr(settings, "LSCP_HOME_SECTIONS", []):
        section = import_string(path)(ctx)
        if section and section.get("tasks"):
            section["tasks"] = sorted(
                section["tasks"],
                key=lambda task: (STATUS_ORDER.get(task.get("status"), 9), task.get("due") or dt.date.max),
            )
            sections.append(section)
    return sections
