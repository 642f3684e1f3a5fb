"""Organisations' history: renames and mergers, each from an effective date.

An organisation is installation-wide (one Thurrock CCG for every partnership), so recording a
change is an administrator's act (admin: partners/admin.py) run in system scope. A merger also
moves each partnership's things — the predecessor's seat, its people and its open actions — to the
successor's member in that partnership, and says so in that partnership's activity log, in that
partnership's context.

Records keep the name of their time: `name_on(organisation, date)` is the name the organisation
had that day (a 2020/21 contribution shows Thurrock CCG); today's lists show the successor (the
predecessor's membership ends on the day of the merger).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from lscp import activity, database
from lscp.permissions import sync_member_groups
from lscp.tenancy import TenantContext
from partners.models import ChangeKind, Member, Membership, Organisation, OrganisationChange, Person, Seat


def name_on(organisation: Organisation, date: dt.date | None) -> str:
    """The organisation's name on `date`: the old name of the first rename after that day, else
    today's name. Uses the prefetched `changes` when there are some (no query per row)."""
    if date is None:
        return organisation.name
    for change in organisation.changes.all():
        if change.kind == ChangeKind.RENAME and change.effective_on > date:
            return change.old_name
    return organisation.name


def lineage(organisation: Organisation) -> tuple[list[Organisation], list[Organisation]]:
    """(every predecessor, earliest merger first; every successor, in order) of the organisation."""
    before, queue = [], [organisation]
    while queue:
        found = list(Organisation.objects.filter(successor__in=queue).order_by("merged_on", "name"))
        before[:0] = found
        queue = found
    after, current = [], organisation
    while current.successor_id is not None:
        current = Organisation.objects.get(pk=current.successor_id)
        after.append(current)
    return before, after


def _check(*, organisation: Organisation, effective_on, reason: str) -> dict[str, str]:
    errors = {}
    if organisation.successor_id is not None:
        errors["organisation"] = (
            f"{organisation} merged into {organisation.successor} on {organisation.merged_on:%-d %B %Y}"
        )
    if not isinstance(effective_on, dt.date):
        errors["effective_on"] = "Enter the date the change took effect"
    elif any(c.effective_on > effective_on for c in organisation.changes.all()):
        errors["effective_on"] = "The date must be after the organisation's last recorded change"
    if not (reason or "").strip():
        errors["reason"] = "Enter the reason for the change"
    return errors


def rename_errors(*, organisation, new_name, effective_on, reason) -> dict[str, str]:
    """What is wrong with a rename, by field (the admin's form shows them; the service refuses)."""
    if organisation is None:
        return {"organisation": "Choose the organisation"}
    errors = _check(organisation=organisation, effective_on=effective_on, reason=reason)
    new_name = (new_name or "").strip()
    if not new_name:
        errors["new_name"] = "Enter the organisation's new name"
    elif new_name.lower() == organisation.name.lower():
        errors["new_name"] = "Enter a name different from the current one"
    elif Organisation.objects.filter(name__iexact=new_name).exclude(pk=organisation.pk).exists():
        errors["new_name"] = "Another organisation already has this name"
    return errors


def merge_errors(*, organisation, successor, effective_on, reason) -> dict[str, str]:
    """What is wrong with a merger, by field."""
    if organisation is None:
        return {"organisation": "Choose the organisation"}
    errors = _check(organisation=organisation, effective_on=effective_on, reason=reason)
    if successor is None:
        errors["successor"] = "Choose the organisation it merged into"
    elif successor.pk == organisation.pk:
        errors["successor"] = "An organisation cannot merge into itself"
    elif successor.successor_id is not None:
        errors["successor"] = f"{successor} itself merged into {successor.successor}: choose that one"
    return errors


@transaction.atomic
def organisation_rename(
    *, organisation: Organisation, new_name: str, effective_on: dt.date, reason: str, by: Person | None
) -> OrganisationChange:
    """Rename an organisation from `effective_on`; the records before keep the old name."""
    errors = rename_errors(organisation=organisation, new_name=new_name, effective_on=effective_on, reason=reason)
    if errors:
        raise ValidationError(errors)
    new_name = new_name.strip()
    with database.system_scope():
        change = OrganisationChange.objects.create(
            organisation=organisation,
            kind=ChangeKind.RENAME,
            effective_on=effective_on,
            old_name=organisation.name,
            new_name=new_name,
            reason=reason.strip(),
            recorded_by=by,
        )
        organisation.name = new_name
        organisation.save(update_fields=["name"])
    return change


@transaction.atomic
def organisation_merge(
    *, organisation: Organisation, successor: Organisation, effective_on: dt.date, reason: str, by: Person | None
) -> OrganisationChange:
    """Merge `organisation` into `successor` from `effective_on`. In every partnership it is a
    member of, the successor's member takes its seat (made if the successor is not a member yet),
    its active people and its open actions move there, and its own membership ends that day; what
    is done or closed stays with the predecessor, as the records of its time do."""
    errors = merge_errors(organisation=organisation, successor=successor, effective_on=effective_on, reason=reason)
    if errors:
        raise ValidationError(errors)
    reason = reason.strip()
    with database.system_scope():
        change = OrganisationChange.objects.create(
            organisation=organisation,
            kind=ChangeKind.MERGE,
            effective_on=effective_on,
            old_name=organisation.name,
            successor=successor,
            reason=reason,
            recorded_by=by,
        )
        organisation.successor, organisation.merged_on = successor, effective_on
        organisation.save(update_fields=["successor", "merged_on"])
        members = list(
            Member.dangerously_unscoped.filter(organisation=organisation, ended_on__isnull=True).select_related(
                "partnership"
            )
        )
    for member in members:
        _move(member, successor=successor, effective_on=effective_on, reason=reason, by=by)
    return change


def _move(member: Member, *, successor: Organisation, effective_on, reason: str, by) -> None:
    """One partnership's part of a merger, in that partnership's context."""
    from reviews.action_plans.models import DONE_STATUSES, Action
    from reviews.action_plans.services.records import regrant

    partnership = member.partnership
    ctx = TenantContext(partnership=partnership, user=by, membership=None)
    with database.system_scope():
        member.ended_on = effective_on
        member.save(update_fields=["ended_on"])
        heir = Member.objects.for_partnership(partnership).filter(organisation=successor, ended_on__isnull=True).first()
        if heir is None:
            heir = Member.objects.for_partnership(partnership).create(
                partnership=partnership,
                organisation=successor,
                kind=member.kind,
                statutory_role=member.statutory_role,
                joined_on=effective_on,
            )
        elif member.statutory_role and not heir.statutory_role:
            heir.kind, heir.statutory_role = member.kind, member.statutory_role
            heir.save(update_fields=["kind", "statutory_role"])
        people = list(Membership.objects.for_partnership(partnership).filter(member=member, is_active=True))
        for membership in people:
            membership.member = heir
            membership.save(update_fields=["member"])
            sync_member_groups(membership)
        seats = list(Seat.objects.for_partnership(partnership).filter(member=member, until__isnull=True))
        held = set(
            Seat.objects.for_partnership(partnership)
            .filter(member=heir, until__isnull=True)
            .values_list("level", flat=True)
        )
        for seat in seats:  # the seat moves: its holder holds the successor's from the merger
            seat.until = max(effective_on, seat.since)
            seat.save(update_fields=["until"])
            if seat.level not in held:
                Seat.objects.for_partnership(partnership).create(
                    partnership=partnership,
                    member=heir,
                    level=seat.level,
                    membership_id=seat.membership_id,
                    since=max(effective_on, seat.since),
                )
                held.add(seat.level)
        actions = list(
            Action.objects.for_partnership(partnership)
            .filter(owner_member=member)
            .exclude(status__in=DONE_STATUSES)
            .select_related("owner_member")
        )
        for action in actions:
            action.owner_member = heir
            action.bump_version()
            action.save(update_fields=["owner_member", "version"])
            regrant(action, member.pk)
        activity.record(
            ctx,
            event="organisation.merged",
            obj=member,
            changes={
                "organisation": str(member.organisation),
                "successor": str(successor),
                "effective_on": effective_on,
                "reason": reason,
                "people_moved": len(people),
                "open_actions_moved": len(actions),
                "seats_moved": len(seats),
            },
        )
