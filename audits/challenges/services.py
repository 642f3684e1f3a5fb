"""Writes for the challenge log: a challenge logged, its response recorded, and closed with its
outcome. Same rules as every service: permission first, ValidationError by field, StateError for
the wrong state (`challenge_refusal`), the activity log in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from audits.challenges.models import Challenge, ChallengeStatus, RaisedBy
from audits.challenges.permissions import ChallengePolicy
from lscp import activity
from lscp.checks import Errors
from lscp.states import StateError
from lscp.tenancy import TenantContext
from partners.models import Member


def challenge_refusal(challenge: Challenge) -> str | None:
    """Why the challenge's response cannot be recorded or changed now, or None if it can."""
    if challenge.status == ChallengeStatus.CLOSED:
        return f"The challenge '{challenge.subject}' is closed: its response and outcome are kept as they were."
    return None


@transaction.atomic
def challenge_log(
    ctx: TenantContext,
    *,
    raised_on: dt.date | None,
    raised_by: str,
    raised_by_name: str,
    to_member: Member | None,
    subject: str,
    challenge: str,
    raised_at=None,
) -> Challenge:
    """Record a challenge: when, by whom (at which meeting, when raised at one), to which member
    organisation, and what it asks."""
    ChallengePolicy.require(ctx, "manage")
    errors = Errors()
    if raised_on is None:
        errors.add("raised_on", "Enter the date the challenge was raised")
    else:
        errors.date_not_in_future("raised_on", raised_on, name="The date")
    if raised_by not in RaisedBy.values:
        errors.add("raised_by", "Choose who raised it")
    if not (raised_by_name or "").strip():
        errors.add("raised_by_name", "Enter who raised it")
    else:
        raised_by_name = errors.text("raised_by_name", raised_by_name, name="Who raised it", max_length=200)
    if to_member is None or to_member.partnership_id != ctx.partnership.pk:
        errors.add("to_member", "Choose the member organisation challenged")
    if not (subject or "").strip():
        errors.add("subject", "Enter what the challenge is about")
    else:
        subject = errors.text("subject", subject, name="What it is about", max_length=200)
    challenge = (challenge or "").strip()
    if not challenge:
        errors.add("challenge", "Enter the challenge")
    if raised_at is not None and raised_at.partnership_id != ctx.partnership.pk:
        errors.add("raised_at", "Choose one of this partnership's groups")
    elif raised_at is None and raised_by == RaisedBy.MEETING:
        errors.add("raised_at", "Choose the meeting (the group) it was raised at")
    errors.raise_if_any()
    record = Challenge.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership,
        raised_on=raised_on,
        raised_by=raised_by,
        raised_by_name=raised_by_name,
        to_member=to_member,
        subject=subject,
        challenge=challenge,
        raised_at=raised_at,
    )
    activity.record(
        ctx,
        event="challenge.logged",
        obj=record,
        changes=activity.created(record, ["raised_on", "subject", "to_member", "raised_by", "raised_at"]),
    )
    return record


@transaction.atomic
def challenge_respond(
    ctx: TenantContext,
    challenge: Challenge,
    *,
    response: str,
    responded_on: dt.date | None,
    outcome: str = "",
    close: bool = False,
) -> Challenge:
    """Record the response (and its outcome), or correct it; closing needs the outcome. A closed
    challenge is evidence and is not changed again."""
    ChallengePolicy.require(ctx, "manage", challenge)
    challenge = Challenge.objects.for_partnership(ctx.partnership).select_for_update().get(pk=challenge.pk)
    refusal = challenge_refusal(challenge)
    if refusal:
        raise StateError(refusal)
    errors = Errors()
    response = (response or "").strip()
    if not response:
        errors.add("response", "Enter the response")
    if responded_on is None:
        errors.add("responded_on", "Enter the date of the response")
    elif responded_on < challenge.raised_on:
        errors.add(
            "responded_on",
            f"The response cannot come before the challenge was raised ({challenge.raised_on:%-d %B %Y})",
        )
    else:
        errors.date_not_in_future("responded_on", responded_on, name="The date")
    if close and not (outcome or "").strip():
        errors.add("outcome", "Record the outcome before closing the challenge")
    errors.raise_if_any()
    fields = ["response", "responded_on", "outcome", "status"]
    before = activity.snapshot(challenge, fields)
    challenge.response, challenge.responded_on, challenge.outcome = response, responded_on, (outcome or "").strip()
    challenge.status = ChallengeStatus.CLOSED if close else ChallengeStatus.RESPONDED
    changes = activity.changes_between(before, activity.snapshot(challenge, fields))
    if not changes:
        return challenge
    challenge.save()
    event = "challenge.closed" if close else "challenge.responded"
    activity.record(ctx, event=event, obj=challenge, changes=changes)
    return challenge
