"""Reads of the deadline engine's clocks for pages and the API: a record's clocks and its
escalations, what needs the business unit's attention, the home page's clocks, and the overdue
clocks of a kind of record (`overdue_clocks`, for the lists' "overdue" filters as Exists()).

Clocks are matched to their records by the subject's ContentType id, read from Django's cache
(`subject_type_id`), never by joining django_content_type in the query."""

from __future__ import annotations

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from lscp.deadlines.engine import REGISTRY, in_registered_order, label_for, subjects_of
from lscp.deadlines.workdays import calendar_for
from lscp.models import Deadline, Escalation, OutboxDelivery, OutboxEmail
from lscp.roles import Role
from lscp.web.home import soon_by, task_status

log = logging.getLogger(__name__)


def subject_type_id(model) -> int:
    """The ContentType id of a kind of record (a model or an instance), from ContentType's cache:
    a clock's subject matched by id, with no join on django_content_type."""
    return ContentType.objects.get_for_model(model, for_concrete_model=True).pk


def overdue_clocks(partnership, today, model, *, kind: str | None = None):
    """The partnership's clocks on records of `model` (of one kind, if given) that are overdue on
    `today`: started, not met, due before today (Deadline.status_on's "overdue"). Narrow it to a
    record with .filter(subject_id=OuterRef(...)) and wrap it in Exists()."""
    clocks = Deadline.objects.for_partnership(partnership).filter(
        subject_type_id=subject_type_id(model),
        starts_on__isnull=False,
        due_date__isnull=False,
        met_on__isnull=True,
        due_date__lt=today,
    )
    return clocks if kind is None else clocks.filter(kind=kind)


def clocks_for(subject) -> list[Deadline]:
    """The clocks of one record, in the order their kinds were registered."""
    deadlines = Deadline.objects.for_partnership(subject.partnership).filter(
        subject_type=ContentType.objects.get_for_model(subject, for_concrete_model=True), subject_id=subject.pk
    )
    return in_registered_order(deadlines)


def escalations_of(subject):
    """The ladder steps decided for a record's clocks, with their emails, oldest first (a queryset)."""
    return (
        Escalation.objects.for_partnership(subject.partnership)
        .filter(deadline__subject_type_id=subject_type_id(type(subject)), deadline__subject_id=subject.pk)
        .select_related("deadline", "email")
        .order_by("decided_at", "id")
    )


def escalations_for(subject) -> list[Escalation]:
    """Every ladder step decided for a record's clocks (the API's record detail)."""
    return list(escalations_of(subject))


def escalation_problems(partnership, *, limit: int = 20) -> dict:
    """What the business unit must look at for escalation to work: clocks whose escalation failed
    (tried again at every sweep until it works), and emails that reached nobody or not everyone.
    The newest `limit` of each, with their counts."""

    failed = (
        Deadline.objects.for_partnership(partnership)
        .filter(escalation_failed_at__isnull=False, met_on__isnull=True)
        .order_by("-escalation_failed_at", "-id")
    )
    clocks = list(failed[:limit])
    subjects = subjects_of(clocks, partnership=partnership)
    failed_clocks = []
    for clock in clocks:
        kind = REGISTRY.get(clock.kind)
        subject = subjects.get((clock.subject_type_id, clock.subject_id))
        label, url = label_for(clock), ""
        if kind is not None and subject is not None:
            try:  # what made the escalation fail may be this very record: the page still answers
                label, url = f"{kind.label}: {kind.subject_label(subject)}", kind.url(subject)
            except Exception:
                log.exception("Clock %s: its record cannot be named", clock.pk)
        failed_clocks.append(
            {"label": label, "url": url, "when": clock.escalation_failed_at, "error": clock.escalation_error}
        )
    undelivered = (
        OutboxEmail.objects.for_partnership(partnership)
        .filter(status__in=[OutboxEmail.Status.REFUSED, OutboxEmail.Status.NO_RECIPIENTS])
        .order_by("-created_at", "-id")
        .prefetch_related(
            models.Prefetch("deliveries", queryset=OutboxDelivery.dangerously_unscoped.order_by("recipient"))
        )
    )
    return {
        "failed_clocks": failed_clocks,
        "failed_count": failed.count(),
        "undelivered": list(undelivered[:limit]),
        "undelivered_count": undelivered.count(),
    }


def home_clocks(ctx) -> dict | None:
    """Open clocks due within 5 working days or overdue: the business unit's, and for the
    statutory partners' LSPs and DSPs the overdue ones (they are escalated to the DSPs)."""
    if ctx.role not in (Role.BUSINESS_UNIT, Role.LSP, Role.DSP):
        return None
    today = timezone.localdate()
    soon = soon_by(calendar_for(ctx.partnership), today)
    queryset = Deadline.objects.for_partnership(ctx.partnership).filter(met_on__isnull=True, due_date__isnull=False)
    queryset = (
        queryset.filter(due_date__lt=today) if ctx.role in (Role.LSP, Role.DSP) else queryset.filter(due_date__lte=soon)
    )
    clocks = list(queryset.select_related("subject_type").order_by("due_date")[:50])
    subjects = subjects_of(clocks, partnership=ctx.partnership)
    tasks = []
    for clock in clocks:
        kind = REGISTRY.get(clock.kind)
        subject = subjects.get((clock.subject_type_id, clock.subject_id))
        if kind is None or subject is None:
            continue
        tasks.append(
            {
                "label": f"{kind.label}: {kind.subject_label(subject)}",
                "url": kind.url(subject),
                "due": clock.due_date,
                "status": task_status(clock.due_date, today=today, soon=soon),
                "hint": clock.explanation,
            }
        )
    title = (
        "Clocks overdue" if ctx.role in (Role.LSP, Role.DSP) else "Clocks due in the next 5 working days, and overdue"
    )
    return {"title": title, "tasks": tasks}
