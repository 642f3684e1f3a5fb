"""Reads for a rapid review: the review of a notification, its signatures and who has still to
sign, the requests for information (narrowed by InformationRequestPolicy), the summary for the
National Panel, and the home page's "what needs me now" for agency leads and the safeguarding partners' signers."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from lscp.deadlines.workdays import calendar_for
from lscp.tenancy import TenantContext
from lscp.web.home import soon_by, task_status
from partners.models import Member
from partners.signing import Signable, missing_members, signing_members
from reviews.notifications.models import Notification
from reviews.rapid_review.models import (
    OPEN_REQUEST_STATUSES,
    InformationRequest,
    LcsprCriterion,
    RapidReview,
    RequestStatus,
    ReviewStatus,
    SignOff,
    SignOffDecision,
)
from reviews.rapid_review.permissions import InformationRequestPolicy, RapidReviewPolicy


def rapid_review_for(notification: Notification) -> RapidReview | None:
    """The notification's rapid review, read afresh (never a stale cached relation)."""
    return RapidReview.objects.for_partnership(notification.partnership).filter(notification=notification).first()


def active_signatures(review: RapidReview) -> dict[int, SignOff]:
    """The standing signatures, by member."""
    return {s.member_id: s for s in review.sign_offs.all() if s.is_active_signature}


def standing_returns(review: RapidReview | None) -> dict[int, SignOff]:
    """The partners' "returned with comments" that still stand, by member (the latest of each):
    the outcome has not been changed since (which withdraws them) and the partner has not signed
    since. Each is a task for the business unit, on the review's task list and its home page."""
    if review is None or review.status != ReviewStatus.AWAITING_SIGN_OFF:
        return {}
    signed = active_signatures(review)
    returns = {}
    for sign_off in sorted(review.sign_offs.all(), key=lambda s: (s.at, s.pk)):
        standing = sign_off.decision == SignOffDecision.RETURNED and sign_off.withdrawn_at is None
        if standing and sign_off.member_id not in signed:
            returns[sign_off.member_id] = sign_off
    return returns


def missing_signers(review: RapidReview | None, partnership=None) -> list[Member]:
    """The statutory partner members (every current one: several councils each sign) whose
    signature the outcome still needs."""
    signed = active_signatures(review) if review is not None and review.pk else {}
    return missing_members(partnership or review.partnership, Signable.RAPID_REVIEW_OUTCOME, set(signed))


def signers_needed(review: RapidReview | None, partnership) -> int:
    """How many members sign the outcome: those who have, and those still to (the "1 of 3 signed")."""
    signed = active_signatures(review) if review is not None and review.pk else {}
    return len(signed) + len(missing_signers(review, partnership))


def missing_signers_text(members: list[Member]) -> str:
    words = [str(m) for m in members]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"Waiting for sign-off from {listed}."


def last_signature_date(review: RapidReview | None) -> dt.date | None:
    """The day the last of the partners signed (the day the rapid review is complete)."""
    if review is None:
        return None
    signed = active_signatures(review)
    return max((timezone.localtime(s.at).date() for s in signed.values()), default=None)


def criteria_rows(review: RapidReview | None) -> list[tuple]:
    """(criterion, {"met": ..., "rationale": ...}) for every LCSPR criterion, in order."""
    return [(c, (review.criteria or {}).get(c.value, {}) if review else {}) for c in LcsprCriterion]


def sign_offs_of(review: RapidReview | None) -> list[SignOff]:
    return list(review.sign_offs.select_related("member__organisation", "person")) if review else []


def information_requests(ctx: TenantContext, *, notification: Notification | None = None, open_only: bool = False):
    """The requests this person may see (an agency lead: their organisation's), with their clocks."""
    queryset = InformationRequest.objects.for_partnership(ctx.partnership)
    if notification is not None:
        queryset = queryset.filter(notification=notification)
    if open_only:
        queryset = queryset.filter(status__in=OPEN_REQUEST_STATUSES)
    return InformationRequestPolicy.filter(
        ctx, queryset.select_related("notification", "member__organisation").prefetch_related("deadlines")
    )


def rapid_review_summary(ctx: TenantContext, notification) -> dict:
    """What the National Panel needs from a rapid review, and nothing more: no names (none are
    recorded), no contact details, no home address or area, no agency's full submission."""
    review = notification.rapid_review
    signatures = active_signatures(review)
    signing_ids = {m.pk for m in signing_members(ctx.partnership)}
    requests = list(notification.information_requests.select_related("member__organisation"))
    return {
        "partnership": ctx.partnership,
        "notification": notification,
        "review": review,
        "children": list(notification.children.all()),
        # Provided: the agency summary was submitted (a summary reopened since still was); the
        # others were asked and have not answered, and are listed apart with where they stand.
        "agencies": sorted(str(r.member.organisation) for r in requests if r.submitted_on is not None),
        "outstanding": sorted(
            f"{r.member.organisation} ({r.get_status_display().lower()})" for r in requests if r.submitted_on is None
        ),
        "asked": bool(requests),
        "attendees": list(review.attendees.select_related("member__organisation")),
        "criteria": criteria_rows(review),
        "signatures": [(str(m), signatures.get(m.pk)) for m in signing_members(ctx.partnership)]
        + [(str(s.member), s) for s in signatures.values() if s.member_id not in signing_ids],
    }


# ----------------------------------------------------------------------------------------------
# "What needs me now" (lscp.web.home, settings.HOME_SECTIONS)


def home_requests(ctx) -> dict | None:
    """An agency lead's organisation's requests for information still to answer: asked, in draft,
    or reopened by the business unit (whose reply-by date has passed: the reason is the task)."""
    if not InformationRequestPolicy.can(ctx, "answer") or ctx.member is None:
        return None
    today = timezone.localdate()
    soon = soon_by(calendar_for(ctx.partnership), today)
    requests = (
        InformationRequest.objects.for_partnership(ctx.partnership)
        .filter(member=ctx.member, status__in=OPEN_REQUEST_STATUSES)
        .select_related("notification")
        .order_by("reply_by")[:50]
    )
    tasks = [
        {
            "label": f"Agency summary for {r.notification.reference}",
            "url": reverse("information-request-detail", args=[ctx.partnership.slug, r.pk]),
            "due": None if r.status == RequestStatus.REOPENED else r.reply_by,
            "status": "open" if r.status == RequestStatus.REOPENED else task_status(r.reply_by, today=today, soon=soon),
            "hint": f"Reopened by the business unit: {r.reopened_reason}"
            if r.status == RequestStatus.REOPENED
            else r.get_status_display(),
        }
        for r in requests
    ]
    return {"title": "Requests for information", "tasks": tasks}


def home_returned_outcomes(ctx) -> dict | None:
    """The business unit's rapid review outcomes a partner returned with comments: change the
    outcome (which asks every partner to sign again), first on the home page."""
    if not RapidReviewPolicy.can(ctx, "manage"):
        return None
    reviews = (
        RapidReview.objects.for_partnership(ctx.partnership)
        .filter(
            status=ReviewStatus.AWAITING_SIGN_OFF,
            sign_offs__decision=SignOffDecision.RETURNED,
            sign_offs__withdrawn_at__isnull=True,
        )
        .distinct()
        .select_related("notification")
        .prefetch_related("sign_offs__member__organisation")
        .order_by("sent_for_sign_off_at")[:50]
    )
    tasks = []
    for review in reviews:
        returns = standing_returns(review)
        if not returns:
            continue
        partners = [str(s.member) for s in returns.values()]
        listed = partners[0] if len(partners) == 1 else ", ".join(partners[:-1]) + " and " + partners[-1]
        latest = max(returns.values(), key=lambda s: s.at)
        tasks.append(
            {
                "label": f"The rapid review outcome of {review.notification.reference} was returned by {listed}",
                "url": reverse("rapid-review", args=[ctx.partnership.slug, review.notification_id]),
                "due": None,
                "status": "open",
                "hint": f"Returned with comments on {timezone.localtime(latest.at):%-d %b %Y}: "
                "change the outcome, and every partner is asked to sign again",
            }
        )
    return {"title": "Returned with comments", "tasks": tasks}


def home_sign_offs(ctx) -> dict | None:
    """A signer's rapid reviews waiting for their partner's sign-off."""
    seat = RapidReviewPolicy.signing_partner(ctx)
    if seat is None:
        return None
    reviews = (
        RapidReview.objects.for_partnership(ctx.partnership)
        .filter(status=ReviewStatus.AWAITING_SIGN_OFF)
        .exclude(
            sign_offs__member=seat.member,
            sign_offs__decision=SignOffDecision.SIGNED,
            sign_offs__withdrawn_at__isnull=True,
        )
        .select_related("notification")
        .order_by("sent_for_sign_off_at")[:50]
    )
    tasks = [
        {
            "label": f"Sign off the rapid review of {r.notification.reference}",
            "url": reverse("rapid-review-sign-off", args=[ctx.partnership.slug, r.notification_id]),
            "due": None,
            "status": "open",
            "hint": f"Sent for sign-off {timezone.localtime(r.sent_for_sign_off_at):%-d %b %Y}",
        }
        for r in reviews
    ]
    return {"title": "Waiting for your sign-off", "tasks": tasks}
