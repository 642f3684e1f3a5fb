"""Action plans in and out of spreadsheets, through lscp.spreadsheets.

One row per action, in the columns of `COLUMNS`. The same columns are the template, a plan's
export and the import, so that a plan exported and imported again is the same plan. "Action
number" is written for reading and worked out again from the order of the rows on import.
The export of open actions across plans is a report with more columns (plan, RAG, latest
progress); it is not for importing.
"""

from __future__ import annotations

from typing import Any

from lscp import spreadsheets
from lscp.spreadsheets import Column, Sheet
from lscp.tenancy import TenantContext
from partners.models import Member, Membership
from reviews.action_plans.models import ActionStatus
from reviews.action_plans.services.checks import LINK_MAX, TEXT_MAX, ActionIn, Problem, RecommendationIn, parse_number

MAX_ROWS = 5000

STATUS_CHOICES = {label: value for value, label in ActionStatus.choices} | {v: v for v in ActionStatus.values}
HEADERS = [
    "Recommendation number",
    "Recommendation",
    "Action number",
    "Action",
    "Owner organisation",
    "Owner email",
    "Due date",
    "Measure of success",
    "Status",
    "Completed on",
    "Evidence of completion",
    "Evidence link",
    "Evidence of impact",
]
DATE_COLUMNS = [HEADERS.index("Due date"), HEADERS.index("Completed on")]


class BusinessUnit:
    """The owner organisation cell naming the partnership itself: its business unit owns the action."""


BUSINESS_UNIT = BusinessUnit()


def _text(required: bool, limit: int = TEXT_MAX):
    return lambda value: spreadsheets.parse_text(value, required=required, max_length=limit)


def columns(ctx: TenantContext) -> list[Column]:
    """The import's columns, with the organisation and email looked up in this partnership only."""
    partnership = ctx.partnership
    members = {
        str(m.organisation).strip().lower(): m
        for m in Member.objects.for_partnership(partnership).select_related("organisation")
    }
    people = {}
    for membership in (
        Membership.objects.for_partnership(partnership)
        .filter(is_active=True, person__is_active=True)
        .exclude(person__email="")
        .select_related("person", "member__organisation")
    ):
        people[membership.person.email.strip().lower()] = membership
    ours = {partnership.name.strip().lower(), "business unit", f"{partnership.name} business unit".lower()}

    def organisation(value):
        name = spreadsheets.parse_text(value, max_length=200)
        if name.lower() in ours:
            return BUSINESS_UNIT
        member = members.get(name.lower())
        if member is None:
            raise ValueError(
                f"'{name}' is not a member organisation of {partnership.name}: use its name as on the Partners "
                f"page, or '{partnership.name}' for the business unit"
            )
        return member

    def email(value):
        address = spreadsheets.parse_text(value, required=False, max_length=254)
        if not address:
            return None
        membership = people.get(address.lower())
        if membership is None:
            raise ValueError(f"'{address}' is not the email address of an active member of {partnership.name}")
        return membership

    return [
        Column("Recommendation number", "number", parse=parse_number),
        Column("Recommendation", "text", parse=_text(False)),
        Column("Action", "description", parse=_text(True)),
        Column("Owner organisation", "owner_member", parse=organisation),
        Column("Owner email", "owner", parse=email, required=False),
        Column("Due date", "due_date", parse=lambda v: spreadsheets.parse_date(v)),
        Column("Measure of success", "measure_of_success", parse=_text(False), required=False),
        Column(
            "Status",
            "status",
            parse=lambda v: spreadsheets.parse_choice(v, STATUS_CHOICES, required=False) or ActionStatus.NOT_STARTED,
            required=False,
        ),
        Column(
            "Completed on", "completed_on", parse=lambda v: spreadsheets.parse_date(v, required=False), required=False
        ),
        Column("Evidence of completion", "completion_evidence", parse=_text(False), required=False),
        Column("Evidence link", "completion_link", parse=_text(False, LINK_MAX), required=False),
        Column("Evidence of impact", "impact_evidence", parse=_text(False), required=False),
    ]


def read_plan(ctx: TenantContext, upload) -> tuple[list[RecommendationIn], list[Problem]]:
    """The recommendations and actions of a spreadsheet, and every problem found in its cells and
    between its rows. Raises SpreadsheetError when the file as a whole cannot be used.

    A row with a bad cell still goes on to the plan's own checks, so every problem of every row is
    listed at once (plan_create leaves out a second message about a cell already reported)."""
    rows, sheet_problems = spreadsheets.read_xlsx(upload, columns(ctx), max_rows=MAX_ROWS)
    problems = [Problem(p.row, "", p.column, p.message) for p in sheet_problems]
    recommendations: list[RecommendationIn] = []
    by_number: dict[tuple[int, str], RecommendationIn] = {}
    for row in rows:
        number = row.get("number")
        text = row.get("text", "")
        rec = by_number.get(number) if number else None
        if rec is None:
            rec = RecommendationIn(
                number=number[0] if number else None, part=number[1] if number else "", text=text, row=row["_row"]
            )
            recommendations.append(rec)
            if number:
                by_number[number] = rec
        elif text and rec.text and text != rec.text:
            problems.append(
                Problem(
                    row["_row"],
                    "",
                    "Recommendation",
                    f"differs from row {rec.row} for recommendation {rec.number}{rec.part}: give the same text, "
                    "or leave it blank after the first row",
                )
            )
        elif text and not rec.text:
            rec.text = text
        owner_member = row.get("owner_member")
        rec.actions.append(
            ActionIn(
                description=row.get("description", ""),
                owner_member=None if owner_member is BUSINESS_UNIT else owner_member,
                due_date=row.get("due_date"),
                owner=row.get("owner"),
                measure_of_success=row.get("measure_of_success", ""),
                status=row.get("status", ActionStatus.NOT_STARTED),
                completed_on=row.get("completed_on"),
                completion_evidence=row.get("completion_evidence", ""),
                completion_link=row.get("completion_link", ""),
                impact_evidence=row.get("impact_evidence", ""),
                row=row["_row"],
            )
        )
    recommendations.sort(key=lambda r: (r.number or 0, r.part))
    return recommendations, problems


# ----------------------------------------------------------------------------------------------
# Writing


def action_row(action, partnership_name: str) -> list[Any]:
    return [
        action.recommendation.label,
        action.recommendation.text,
        action.number,
        action.description,
        str(action.owner_member.organisation) if action.owner_member_id else partnership_name,
        action.owner.person.email if action.owner_id else "",
        action.due_date,
        action.measure_of_success,
        action.get_status_display(),
        action.completed_on,
        action.completion_evidence,
        action.completion_link,
        action.impact_evidence,
    ]


def template_sheet() -> Sheet:
    return Sheet("Actions", HEADERS, [], date_columns=DATE_COLUMNS)


def plan_sheet(actions, partnership_name: str) -> Sheet:
    return Sheet("Actions", HEADERS, [action_row(a, partnership_name) for a in actions], date_columns=DATE_COLUMNS)


PROGRESS_HEADERS = ["Action number", "RAG", "Why", "Latest progress on", "Latest progress", "Original due date"]


def progress_sheet(rows) -> Sheet:
    """The plan's progress beside its actions (not read on import)."""
    return Sheet(
        "Progress",
        PROGRESS_HEADERS,
        [
            [r.action.number, r.rag.label, r.why, r.action.latest_progress_on, r.action.latest_progress, r.original_due]
            for r in rows
        ],
        date_columns=[3, 5],
    )


REPORT_HEADERS = [
    "Plan",
    "Action number",
    "Action",
    "Owner organisation",
    "Owner",
    "Due date",
    "Status",
    "RAG",
    "Latest progress on",
    "Latest progress",
    "Recommendation",
]


def report_rows(rows, partnership_name: str) -> list[list[Any]]:
    return [
        [
            r.action.plan.title,
            r.action.number,
            r.action.description,
            str(r.action.owner_member.organisation) if r.action.owner_member_id else partnership_name,
            r.action.owner.person.get_full_name() if r.action.owner_id else "",
            r.action.due_date,
            r.action.get_status_display(),
            r.rag.label,
            r.action.latest_progress_on,
            r.action.latest_progress or "",
            f"{r.action.recommendation.label}. {r.action.recommendation.text}",
        ]
        for r in rows
    ]


def report_sheet(rows, partnership_name: str) -> Sheet:
    return Sheet("Open actions", REPORT_HEADERS, report_rows(rows, partnership_name), date_columns=[5, 8])
