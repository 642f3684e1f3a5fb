"""The checks of what a person gave for a plan, a recommendation or an action: the same ones for the
pages, the API, the spreadsheet import and other apps, each message written once. They collect
into an `lscp.checks.Errors` (a ValidationError by field); a whole plan given at once reports the
same messages as `Problem`s naming the recommendation and action (or the spreadsheet row)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from lscp.checks import Errors
from lscp.roles import Role
from lscp.tenancy import TenantContext
from partners.models import Member, Membership
from reviews.action_plans.models import DONE_STATUSES, ActionStatus, SourceKind
from reviews.themes import PracticeTheme

TEXT_MAX = 4000
TITLE_MAX = 200
MAX_RECOMMENDATION = 999
LONGEST_PLAN = dt.timedelta(days=10 * 366)  # no action is due more than ten years after the plan


@dataclass
class ActionIn:
    """One action as another app, the API or a spreadsheet row gives it."""

    description: str
    owner_member: Member | None  # None: the partnership's business unit owns it
    due_date: dt.date | None
    owner: Membership | None = None
    measure_of_success: str = ""
    status: str = ActionStatus.NOT_STARTED
    completed_on: dt.date | None = None
    completion_evidence: str = ""
    completion_link: str = ""
    impact_evidence: str = ""
    row: int | None = None  # the spreadsheet row it came from, for messages


@dataclass
class RecommendationIn:
    number: int | None
    part: str
    text: str
    actions: list[ActionIn] = field(default_factory=list)
    row: int | None = None
    theme: str = ""


@dataclass(frozen=True)
class Problem:
    """A problem with one recommendation or action of a whole plan given at once."""

    row: int | None  # the spreadsheet row, if it came from one
    where: str  # "Recommendation 3a, action 2"
    column: str  # "Due date" (the spreadsheet's column header for the field)
    message: str
    field: str = ""  # "owner person" (how the message names it outside a spreadsheet)

    def __str__(self) -> str:
        if self.row is not None:
            return f"Row {self.row}, {self.column}: {self.message}"
        return f"{self.where}, {self.field or self.column.lower()}: {self.message}"


_NUMBER = re.compile(r"^\s*(\d{1,3})\s*([a-zA-Z]?)\s*$")


def parse_number(value) -> tuple[int, str]:
    """'3a' -> (3, 'a'); '12' -> (12, ''). ValueError with a message for a person otherwise."""
    if isinstance(value, bool):
        raise ValueError("is not a recommendation number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    match = _NUMBER.match(str(value if value is not None else ""))
    if not match or not 1 <= int(match.group(1)) <= MAX_RECOMMENDATION:
        raise ValueError(
            f"'{value}' is not a recommendation number: use 1 to {MAX_RECOMMENDATION}, or 3a for a sub-part"
        )
    return int(match.group(1)), match.group(2).lower()


def day(value: dt.date) -> str:
    return f"{value:%-d %b %Y}"


def check_text(errors: Errors, name: str, value, *, label: str, missing: str = "", max_length: int = TEXT_MAX) -> str:
    """Errors.text, with the question's own words when a required text is missing
    ('Enter what the action is'); `missing` empty: the text is optional."""
    if missing and not (value or "").strip():
        errors.add(name, missing)
        return ""
    return errors.text(name, value, name=label, max_length=max_length, required=False)


# ----------------------------------------------------------------------------------------------
# A plan's own fields


def check_plan_fields(
    errors: Errors, ctx: TenantContext, *, title, source_kind, source_reference, notification, summary, created_on
) -> None:
    check_text(errors, "title", title, label="The title", missing="Enter the plan's title", max_length=TITLE_MAX)
    if source_kind not in SourceKind.values:
        errors.add("source_kind", "Choose where the plan comes from")
    check_text(errors, "source_reference", source_reference, label="The source", max_length=200)
    if notification is not None and notification.partnership_id != ctx.partnership.pk:
        errors.add("notification", "Choose one of this partnership's notifications")
    check_text(errors, "summary", summary, label="The summary")
    errors.date_not_in_future("created_on", created_on, name="The date the plan was drawn up")


def check_recommendation_number(errors: Errors, *, number, part: str) -> None:
    if number is None or not 1 <= number <= MAX_RECOMMENDATION:
        errors.add("number", f"Enter a number from 1 to {MAX_RECOMMENDATION}")
    if not re.fullmatch(r"[a-z]?", part or ""):
        errors.add("part", "Enter one letter for a sub-part, like a, or leave it blank")


# ----------------------------------------------------------------------------------------------
# An action: what, who, when; and its completion


def check_owner(errors: Errors, ctx: TenantContext, *, owner_member: Member | None, owner: Membership | None) -> None:
    """An owner organisation or person that cannot own an action here."""
    if owner_member is not None and owner_member.partnership_id != ctx.partnership.pk:
        errors.add("owner_member", f"Choose an organisation that is a member of {ctx.partnership.name}")
        return
    if owner is None:
        return
    if owner.partnership_id != ctx.partnership.pk or not owner.is_active or not owner.person.is_active:
        errors.add("owner", f"The owner must be an active member of {ctx.partnership.name}")
    elif owner.role == Role.BUSINESS_UNIT:
        pass  # the business unit may own any action
    elif owner.role in (Role.AGENCY_LEAD, Role.LSP, Role.DSP) and owner_member is not None:
        if owner.member_id != owner_member.pk:
            errors.add("owner", f"{owner.person.get_full_name()} is not a member of {owner_member.organisation}")
    elif owner_member is None:
        errors.add("owner", "The business unit owns this action: the owner must be a member of the business unit")
    else:
        errors.add("owner", f"The owner must be a member of {owner_member.organisation} or of the business unit")


def check_due_date(errors: Errors, due_date: dt.date | None, *, created_on: dt.date) -> None:
    if due_date is None:
        errors.add("due_date", "Enter the due date")
    elif due_date < created_on:
        errors.add("due_date", f"The due date, {day(due_date)}, is before the plan was drawn up ({day(created_on)})")
    elif due_date - created_on > LONGEST_PLAN:
        errors.add("due_date", "The due date must be within ten years of the plan")


ACTION_FIELDS = ["description", "owner_member", "owner", "due_date", "measure_of_success"]


def check_action(
    errors: Errors, ctx: TenantContext, fields: dict, *, created_on: dt.date, owner_changed: bool = True
) -> dict:
    """What, who and when (`ACTION_FIELDS`); the fields with their texts trimmed. An owner who has
    since left stays until the owner changes (`owner_changed` False: not checked again)."""
    check_text(errors, "description", fields["description"], label="The action", missing="Enter what the action is")
    if owner_changed:
        check_owner(errors, ctx, owner_member=fields["owner_member"], owner=fields.get("owner"))
    check_due_date(errors, fields["due_date"], created_on=created_on)
    check_text(errors, "measure_of_success", fields.get("measure_of_success"), label="The measure of success")
    return {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}


LINK_MAX = 500


def check_link(errors: Errors, link: str | None) -> str:
    link = errors.text("completion_link", link, name="The link", max_length=LINK_MAX, required=False)
    if link and "completion_link" not in errors:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            errors.add(
                "completion_link", "Enter a link that starts with https://, like https://www.example.org/policy.pdf"
            )
    return link


def check_evidence(errors: Errors, *, completion_evidence, impact_evidence) -> None:
    for name, value in (("completion_evidence", completion_evidence), ("impact_evidence", impact_evidence)):
        if name not in errors:
            check_text(errors, name, value, label="The evidence")


def check_completion(
    errors: Errors, *, completed_on, evidence: str, link: str, created_on: dt.date, missing_evidence: str
) -> None:
    """A completed action's date (it has happened, not before the plan) and its evidence."""
    errors.date_not_in_future("completed_on", completed_on, name="The date it was completed")
    if "completed_on" not in errors:
        errors.date_not_before(
            "completed_on",
            completed_on,
            created_on,
            name="The date it was completed",
            earliest_name="the date the plan was drawn up",
        )
    if not (evidence or "").strip() and not (link or "").strip():
        errors.add("completion_evidence", missing_evidence)


# ----------------------------------------------------------------------------------------------
# A whole plan's recommendations and actions at once

# The spreadsheet's column for each field: problems with a whole plan name the column.
COLUMNS = {
    "number": "Recommendation number",
    "part": "Recommendation number",
    "text": "Recommendation",
    "description": "Action",
    "owner_member": "Owner organisation",
    "owner": "Owner email",
    "due_date": "Due date",
    "measure_of_success": "Measure of success",
    "status": "Status",
    "completed_on": "Completed on",
    "completion_evidence": "Evidence of completion",
    "completion_link": "Evidence link",
    "impact_evidence": "Evidence of impact",
}

# ... and outside a spreadsheet (the API, another app), where they differ from the column.
FIELDS = {"owner": "owner person", "completion_link": "evidence link", "number": "number", "text": "text"}


def _problems(errors: Errors, row: int | None, where: str) -> list[Problem]:
    return [
        Problem(row, where, COLUMNS[name], message, FIELDS.get(name, ""))
        for name, messages in errors.by_field.items()
        for message in messages
    ]


def check_theme(errors: Errors, theme: str) -> None:
    if theme and theme not in PracticeTheme.values:
        errors.add("theme", "Choose the practice theme from the list")


def check_recommendations(
    ctx: TenantContext, recommendations: list[RecommendationIn], *, created_on: dt.date
) -> list[Problem]:
    """Every problem with a whole plan's recommendations and actions, in order."""
    problems: list[Problem] = []
    seen: set[tuple] = set()
    for rec in recommendations:
        where = f"Recommendation {f'{rec.number}{rec.part}' if rec.number else '?'}"
        errors = Errors()
        if rec.number is None or not 1 <= rec.number <= MAX_RECOMMENDATION or not re.fullmatch(r"[a-z]?", rec.part):
            errors.add("number", f"Give a number from 1 to {MAX_RECOMMENDATION}, and a letter for a sub-part")
        elif (rec.number, rec.part) in seen:
            errors.add("number", f"Recommendation {rec.number}{rec.part} is given twice")
        seen.add((rec.number, rec.part))
        check_text(errors, "text", rec.text, label="The recommendation", missing="Enter the recommendation")
        check_theme(errors, rec.theme)
        problems += _problems(errors, rec.row, where)
        for index, action in enumerate(rec.actions, start=1):
            problems += _problems(
                check_action_in(ctx, action, created_on=created_on), action.row, f"{where}, action {index}"
            )
    return problems


def check_action_in(ctx: TenantContext, action: ActionIn, *, created_on: dt.date) -> Errors:
    """One action of a whole plan: what, who, when, and (given as done) its completion."""
    errors = Errors()
    check_action(errors, ctx, {name: getattr(action, name) for name in ACTION_FIELDS}, created_on=created_on)
    if action.status not in ActionStatus.values:
        errors.add("status", "Choose not started, on track, at risk, awaiting acceptance or complete")
        return errors
    if action.status in DONE_STATUSES:
        check_completion(
            errors,
            completed_on=action.completed_on,
            evidence=action.completion_evidence,
            link=action.completion_link,
            created_on=created_on,
            missing_evidence="Give the evidence of completion: a description or a link",
        )
    check_link(errors, action.completion_link)
    check_evidence(errors, completion_evidence=action.completion_evidence, impact_evidence=action.impact_evidence)
    return errors
