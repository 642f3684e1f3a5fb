"""The home page's "what needs me now": each app contributes a section of tasks for a person.

A section provider is `f(ctx) -> dict | None` with a title and tasks, each task
{"label", "url", "due" (date or None), "status" ("overdue" | "due_soon" | "open")}. Tasks are shown
overdue first (red tag), then due soon (yellow tag), then the rest by due date.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.module_loading import import_string

STATUS_ORDER = {"overdue": 0, "due_soon": 1, "open": 2}


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
