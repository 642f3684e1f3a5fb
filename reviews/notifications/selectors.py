"""Reads of notifications, each narrowed by NotificationPolicy."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from lscp import deadlines
from lscp.activity.describe import describe
from lscp.models import ActivityEvent, Deadline, OutboxEmail
from lscp.tenancy import TenantContext
from partners.models import Member
from reviews.action_plans.models import Action
from reviews.lcspr.models import Lcspr
from reviews.notifications.models import Child, Notification
from reviews.notifications.permissions import NotificationPolicy
from reviews.rapid_review.models import InformationRequest, RapidReview


def notifications_for(ctx: TenantContext):
    """The notifications this person may see, each with its clocks. Whether one is overdue is a
    filter (filters.NotificationFilter, with case_has_overdue_clock), not a column: as a column
    its four subqueries were planned and run for every list, which never shows it (issue 15)."""
    open_clocks = Deadline.objects.for_partnership(ctx.partnership).order_by("due_date", "id")
    queryset = (
        Notification.objects.for_partnership(ctx.partnership)
        .select_related("partnership", "notifying_member__organisation")
        .prefetch_related(Prefetch("deadlines", queryset=open_clocks, to_attr="clocks"))
    )
    return NotificationPolicy.filter(ctx, queryset)


def clocks_of(notification) -> list[Deadline]:
    """A notification's clocks, due date first. Those notifications_for() read are a plain list on
    each row (`clocks`): Django's own prefetch cache builds a filtered queryset for every row to
    hold them, 0.2 ms a row, 5 of the cases list's 20 ms (issue 15). Any other notification's are
    read now."""
    clocks = getattr(notification, "clocks", None)
    return list(notification.deadlines.all()) if clocks is None else clocks


def with_children(ctx: TenantContext, queryset):
    """The notifications with their children, and each child's agencies, as plain lists
    (`children_of`, `known_to_of`): Django's own prefetch cache builds a filtered queryset for every
    notification and every child to hold them, some 150 for the API's page of 50 (issue 15)."""
    children = Child.objects.for_partnership(ctx.partnership).prefetch_related(
        Prefetch("known_to", to_attr="known_to_members")
    )
    return queryset.prefetch_related(Prefetch("children", queryset=children, to_attr="child_rows"))


def children_of(notification) -> list[Child]:
    """A notification's children in order: those with_children() read, else read now."""
    rows = getattr(notification, "child_rows", None)
    return list(notification.children.all()) if rows is None else rows


def known_to_of(child) -> list:
    """The agencies that knew a child: those with_children() read, else read now."""
    members = getattr(child, "known_to_members", None)
    return list(child.known_to.all()) if members is None else members


def case_has_overdue_clock(ctx: TenantContext, today):
    """Whether a case (OuterRef "pk", a notification) has a clock overdue on `today`, of any kind:
    its own (Panel notification, rapid review, outcome to the Panel, Panel response), its LCSPR's
    (completion, final report before publication), its requests for information, and the actions
    of the action plans drawn up from it. One Exists() per kind of record, each matched by the
    cached ContentType id (lscp.deadlines.overdue_clocks)."""
    partnership = ctx.partnership

    def overdue(model):
        return Exists(deadlines.overdue_clocks(partnership, today, model).filter(subject_id=OuterRef("pk")))

    return (
        Exists(deadlines.overdue_clocks(partnership, today, Notification).filter(subject_id=OuterRef("pk")))
        | Exists(Lcspr.objects.for_partnership(partnership).filter(overdue(Lcspr), notification=OuterRef("pk")))
        | Exists(
            InformationRequest.objects.for_partnership(partnership).filter(
                overdue(InformationRequest), notification=OuterRef("pk")
            )
        )
        # (A plan drawn up from a case, said twice: the planner then reads only such plans' actions,
        # not every action of the partnership joined to its plan, 9 of the count's 10 ms, issue 15.)
        | Exists(
            Action.objects.for_partnership(partnership).filter(
                overdue(Action), plan__notification=OuterRef("pk"), plan__notification__isnull=False
            )
        )
    )


def notification_submitted_as(ctx: TenantContext, submission_key: str) -> Notification | None:
    """The notification this person already submitted with this key (a double-clicked submit, a
    retried request), if they may still see it. A key is its submitter's own: another person's
    notification with the same key is not found, so a key tells nobody what someone else sent."""
    if not submission_key:
        return None
    found = (
        Notification.objects.for_partnership(ctx.partnership)
        .filter(submitted_by=ctx.user, submission_key=submission_key)
        .first()
    )
    return found if found is not None and NotificationPolicy.can_see(ctx, found) else None


def notification_detail_queryset(ctx: TenantContext):
    """One case with what its pages show. Not its submitter, which no page shows: with that join,
    seven tables, PostgreSQL took 1.06 ms to plan the query (for 0.11 ms to run it), 0.52 ms
    without (issue 15)."""
    return (
        Notification.objects.for_partnership(ctx.partnership)
        .select_related("notifying_member__organisation", "criteria_decided_by", "case_officer__person")
        .prefetch_related(
            Prefetch(
                "children",
                # Each agency with its organisation, in one query (the agencies' order joins it already).
                queryset=Child.objects.for_partnership(ctx.partnership).prefetch_related(
                    Prefetch(
                        "known_to",
                        queryset=Member.objects.for_partnership(ctx.partnership).select_related("organisation"),
                    )
                ),
            )
        )
    )


def current_clock(notification, today=None):
    """The clock that matters now on a list: the first open one, else the last one met."""
    today = today or timezone.localdate()
    clocks = clocks_of(notification)
    open_ones = [d for d in clocks if d.due_date and d.met_on is None]
    if open_ones:
        return min(open_ones, key=lambda d: d.due_date)
    met = [d for d in clocks if d.met_on]
    return max(met, key=lambda d: d.met_on) if met else None


def timeline(ctx: TenantContext, notification) -> list[dict]:
    """Every step, request, submission, signature, email and document of a case, in order, with
    who and when: the activity log's changes to the case's records (in words, with the page of the
    record, where a long text cut short is read whole), and the emails sent about it."""

    slug = ctx.partnership.slug
    case_url = reverse("notification-detail", args=[slug, notification.pk])
    records = [(ContentType.objects.get_for_model(Notification), notification.pk, case_url)]
    records += [
        (
            ContentType.objects.get_for_model(InformationRequest),
            pk,
            reverse("information-request-detail", args=[slug, pk]),
        )
        for pk in InformationRequest.objects.for_partnership(ctx.partnership)
        .filter(notification=notification)
        .values_list("pk", flat=True)
    ]
    records += [
        (ContentType.objects.get_for_model(RapidReview), pk, reverse("rapid-review", args=[slug, notification.pk]))
        for pk in RapidReview.objects.for_partnership(ctx.partnership)
        .filter(notification=notification)
        .values_list("pk", flat=True)
    ]
    records += [
        (ContentType.objects.get_for_model(Lcspr), pk, reverse("lcspr-detail", args=[slug, notification.pk]))
        for pk in Lcspr.objects.for_partnership(ctx.partnership)
        .filter(notification=notification)
        .values_list("pk", flat=True)
    ]
    urls = {(content_type.pk, str(pk)): url for content_type, pk, url in records}
    about = Q()
    for content_type, pk, _url in records:
        about |= Q(object_type=content_type, object_id=str(pk))
    entries = [
        {
            "at": event.at,
            "who": str(event.actor) if event.actor else "System",
            "kind": "change",
            "event": event.event,
            "description": describe(event),
            "url": urls.get((event.object_type_id, event.object_id)),
            "record": event.object_repr,
            "changes": event.changes,
        }
        for event in ActivityEvent.objects.for_partnership(ctx.partnership)
        .filter(about, kind="write")
        .select_related("actor")
    ]
    emails = Q()
    for content_type, pk, _url in records:
        emails |= Q(about_type=content_type, about_id=str(pk))
    for email in OutboxEmail.objects.for_partnership(ctx.partnership).filter(emails):
        entries.append(
            {
                "at": email.sent_at or email.created_at,
                "who": "Email",
                "kind": "email",
                "event": email.subject,
                "record": ", ".join(email.to),
                "changes": {},
                "pending": email.status != "sent",
            }
        )
    return sorted(entries, key=lambda entry: entry["at"])


def notification_changes(ctx: TenantContext, notification: Notification):
    """The activity log's changes to the notification itself, oldest first (the case page)."""
    return (
        ActivityEvent.objects.for_partnership(ctx.partnership)
        .filter(
            object_type__app_label="reviews",
            object_type__model="notification",
            object_id=str(notification.pk),
            kind="write",
        )
        .select_related("actor")
        .order_by("at", "id")
    )
