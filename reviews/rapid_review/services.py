"""Writes for a rapid review: requests for individual agency summaries and their answers, the
meeting record and its decision, and the safeguarding partners' sign-off (each statutory partner
member's seat holder at the level partners/signing.py gives).

The same rules as every service: permission first (reviews/rapid_review/permissions.py, object
rules included), ValidationError keyed by the input's name, StateError for a step in the wrong
state (the reason from `rapid_review_refusal` / `information_request_refusal`, which the pages
ask too), StaleVersion for a change made from an old read, the activity log and the clocks in the
same transaction, emails through the outbox.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lscp import activity, dates, deadlines, outbox
from lscp.checks import Errors, in_sentence, possessive
from lscp.outbox.messages import link, message
from lscp.permissions import grant
from lscp.recipients import Recipients
from lscp.states import StateError, check_version
from lscp.tenancy import TenantContext
from partners.models import Member
from partners.signing import Signable, level_for
from reviews import themes as practice_themes
from reviews.notifications.models import Notification, Status
from reviews.notifications.permissions import VIEW_PERM
from reviews.rapid_review.models import (
    UNANSWERED_REQUEST_STATUSES,
    ChronologyEntry,
    InformationRequest,
    LcsprCriterion,
    MeetingAttendee,
    RapidReview,
    RequestStatus,
    ReviewRecommendation,
    ReviewStatus,
    SignOff,
    SignOffDecision,
)
from reviews.rapid_review.permissions import InformationRequestPolicy, RapidReviewPolicy
from reviews.rapid_review.selectors import active_signatures, missing_signers, rapid_review_for

OPEN_FOR_REQUESTS = (Status.SUBMITTED, Status.PANEL_NOTIFIED, Status.RAPID_REVIEW_STARTED)


def _send(ctx: TenantContext, template: str, *, key: str, to: list[str], about, **context) -> None:
    if not to:
        return
    subject, body = message(template, partnership=ctx.partnership, **context)
    outbox.enqueue(partnership=ctx.partnership, key=key, to=to, subject=subject, body=body, about=about)


# ----------------------------------------------------------------------------------------------
# Why a step cannot be taken now (asked by the pages before they show a form, and by the services)


def rapid_review_refusal(notification: Notification, review: RapidReview | None, *, step: str) -> str | None:
    """Why this step of the rapid review cannot be taken now, or None if it can.
    Steps: request_information, meeting, send_for_sign_off, sign."""
    if step == "request_information" and (notification.status not in OPEN_FOR_REQUESTS or not notification.notifiable):
        return f"Requests for information can be sent only until the rapid review of {notification.reference} is completed."
    if step == "meeting" and notification.status != Status.RAPID_REVIEW_STARTED:
        return (
            f"The meeting can be recorded while the rapid review is under way; {notification.reference} is at "
            f"'{notification.get_status_display().lower()}'."
        )
    if step == "send_for_sign_off":
        if review is None:
            return "Record the rapid review meeting first."
        if review.status != ReviewStatus.DRAFTING:
            return "The outcome has already been sent for sign-off."
    if step == "sign":
        if review is None:
            return "There is no rapid review outcome to sign yet."
        if review.status == ReviewStatus.DRAFTING:
            return "The outcome has not been sent for sign-off yet."
    return None


def information_request_refusal(request: InformationRequest, *, step: str) -> str | None:
    """Why the organisation cannot answer (step "answer") or the business unit cannot reopen
    (step "reopen") or withdraw (step "withdraw") this request now, or None if it can."""
    if step in ("answer", "withdraw") and request.is_closed:
        return f"The request to {request.member} is {request.get_status_display().lower()}: {request.closed_reason}"
    if step == "withdraw" and request.status not in UNANSWERED_REQUEST_STATUSES:
        return f"{request.member} has already answered: only a request not yet answered can be withdrawn."
    if step == "answer" and request.is_locked:
        return (
            f"{possessive(request.member)} summary was submitted on {request.submitted_on:%-d %B %Y} and is locked. "
            "Ask the business unit to reopen it if something needs to change."
        )
    if step == "reopen" and request.status != RequestStatus.SUBMITTED:
        return "Only a submitted summary can be reopened."
    return None


def _refuse(reason: str | None) -> None:
    if reason:
        raise StateError(reason)


# ----------------------------------------------------------------------------------------------
# Requests for information


@transaction.atomic
def request_information(
    ctx: TenantContext,
    notification: Notification,
    *,
    members: list[Member],
    reply_by: dt.date | None,
    message: str = "",
    confirm: bool = False,
) -> list[InformationRequest]:
    """Ask each organisation for its individual agency summary, by a reply-by date (a date after
    the rapid review's due date is warned about until confirmed: lscp.dates)."""
    InformationRequestPolicy.require(ctx, "request")
    _refuse(rapid_review_refusal(notification, None, step="request_information"))
    errors = Errors()
    if not members:
        errors.add("members", "Choose at least one organisation to ask")
    elif any(member.partnership_id != ctx.partnership.pk for member in members):
        errors.add("members", "Choose organisations that are members of this partnership")
    elif former := [member for member in members if member.ended_on is not None]:
        errors.add("members", f"{former[0]} is no longer a member (it merged into another): choose today's members")
    errors.date_not_in_past("reply_by", reply_by, name="The reply-by date")
    dates.check(
        "information_request",
        dates.information_request_values(notification=notification) | {"reply_by": reply_by},
        changed={"reply_by"},
        confirmed=confirm,
        errors=errors,
    )
    asked = set(
        InformationRequest.objects.for_partnership(ctx.partnership)
        .filter(notification=notification)
        .values_list("member_id", flat=True)
    )
    fresh = [member for member in members if member.pk not in asked]
    if not fresh:
        raise ValidationError({"members": ["Every organisation chosen has already been asked"]})
    recipients = Recipients(ctx.partnership)
    created = [
        request
        for member in fresh
        if (request := _ask(ctx, notification, member, reply_by=reply_by, message=message, recipients=recipients))
    ]
    # The organisations asked are now involved: their agency leads may see the notification.
    grant(notification, [r.member for r in created], VIEW_PERM)
    return created


def _ask(ctx, notification, member, *, reply_by, message, recipients) -> InformationRequest | None:
    try:
        with transaction.atomic():
            request = InformationRequest.objects.for_partnership(ctx.partnership).create(
                partnership=ctx.partnership,
                notification=notification,
                member=member,
                requested_by=ctx.user,
                requested_on=timezone.localdate(),
                reply_by=reply_by,
                message=(message or "").strip(),
            )
    except IntegrityError:  # asked at the same moment by someone else
        return None
    activity.record(
        ctx,
        event="information_request.sent",
        obj=request,
        changes={"member": {"old": None, "new": str(member)}, "reply_by": {"old": None, "new": reply_by}},
    )
    deadlines.refresh(request)
    _send(
        ctx,
        "information_request_sent",
        key=f"information-request:{request.pk}:sent",
        to=recipients.agency_leads(member.pk) or recipients.business_unit(),
        about=notification,
        notification=notification,
        member=member,
        request=request,
        link=link("information-request-detail", ctx.partnership.slug, request.pk),
    )
    return request


def _locked_request(ctx: TenantContext, request: InformationRequest) -> InformationRequest:
    return InformationRequest.objects.for_partnership(ctx.partnership).select_for_update().get(pk=request.pk)


def chronology_entry_problems(entry: dict) -> dict[str, list[str]]:
    """A filled-in chronology row's problems by its field (the page shows them at the row)."""
    day, event = entry.get("date"), (entry.get("event") or "").strip()
    row = Errors()
    row.date_not_in_future("date", day, name="The date")
    if not event:
        row.add("event", "Describe what happened")
    return row.by_field


def blank_entry(entry: dict) -> bool:
    return (
        entry.get("date") is None
        and not (entry.get("event") or "").strip()
        and not (entry.get("agency_action") or "").strip()
    )


def check_chronology(chronology: list[dict], errors: Errors) -> list[dict]:
    """The chronology's filled-in rows, cleaned; a problem in a row is named by its number (blank
    rows count, so that the number is the row's on the page)."""
    entries = []
    for index, entry in enumerate(chronology, start=1):
        if blank_entry(entry):
            continue
        for problems in chronology_entry_problems(entry).values():
            for problem in problems:
                errors.add("chronology", f"Chronology entry {index}: {problem[0].lower() + problem[1:]}")
        entries.append(
            {
                "date": entry.get("date"),
                "event": (entry.get("event") or "").strip(),
                "agency_action": (entry.get("agency_action") or "").strip(),
            }
        )
    return entries


def agency_summary_errors(
    request: InformationRequest, *, involvement: str, learning: str, submit: bool, submitted_on=None
) -> Errors:
    """The summary's own problems (not its chronology's): what a submission needs. The page asks
    for them with its fields' errors, so that every problem is shown at once."""
    errors = Errors()
    if submitted_on is not None:
        errors.date_not_in_future("submitted_on", submitted_on, name="The date the summary was submitted")
        errors.date_not_before(
            "submitted_on",
            submitted_on,
            request.requested_on,
            name="The date the summary was submitted",
            earliest_name="the date it was requested",
        )
    if submit and not (involvement or "").strip():
        errors.add("involvement", "Describe your organisation's involvement with the child and family")
    if submit and not (learning or "").strip():
        errors.add("learning", "Enter the learning identified, or say that none has been identified yet")
    return errors


SUMMARY_FIELDS = ["involvement", "immediate_actions", "learning", "status"]


@transaction.atomic
def save_agency_summary(
    ctx: TenantContext,
    request: InformationRequest,
    *,
    involvement: str,
    immediate_actions: str,
    learning: str,
    chronology: list[dict],
    submit: bool = False,
    expected_version: int | None = None,
    submitted_on: dt.date | None = None,
) -> InformationRequest:
    """Save the organisation's answer as a draft, or submit it (which locks it).

    A first submission meets the request's clock on the day it is made; `submitted_on` records
    one made on an earlier day (the demo's history), between the request and today. The clock is
    always worked out here, from the row as saved."""
    InformationRequestPolicy.require(ctx, "answer", request)
    request = _locked_request(ctx, request)
    _refuse(information_request_refusal(request, step="answer"))
    check_version(request, expected_version, what="This summary")
    errors = Errors()
    entries = check_chronology(chronology, errors)
    own = agency_summary_errors(
        request, involvement=involvement, learning=learning, submit=submit, submitted_on=submitted_on
    )
    for field, problems in own.by_field.items():
        for problem in problems:
            errors.add(field, problem)
    errors.raise_if_any()
    before = activity.snapshot(request, SUMMARY_FIELDS)
    request.involvement = (involvement or "").strip()
    request.immediate_actions = (immediate_actions or "").strip()
    request.learning = (learning or "").strip()
    request.chronology.all().delete()
    ChronologyEntry.objects.for_partnership(ctx.partnership).bulk_create(
        [ChronologyEntry(partnership=ctx.partnership, request=request, **entry) for entry in entries]
    )
    if submit:
        request.status = RequestStatus.SUBMITTED
        request.submitted_by = ctx.user
        request.submitted_at = timezone.now()
        # The first submission meets the clock.
        request.submitted_on = request.submitted_on or submitted_on or timezone.localdate()
    elif request.status == RequestStatus.REQUESTED:
        request.status = RequestStatus.DRAFT
    request.bump_version()
    request.save()
    changes = activity.changes_between(before, activity.snapshot(request, SUMMARY_FIELDS))
    changes["chronology"] = {"old": None, "new": f"{len(entries)} entries"}
    activity.record(
        ctx,
        event="information_request.submitted" if submit else "information_request.draft_saved",
        obj=request,
        changes=changes,
    )
    deadlines.refresh(request)
    if submit:
        _send(
            ctx,
            "information_request_submitted",
            key=f"information-request:{request.pk}:submitted:{request.version}",
            to=Recipients(ctx.partnership).business_unit(),
            about=request.notification,
            request=request,
            link=link("information-request-detail", ctx.partnership.slug, request.pk),
        )
    return request


@transaction.atomic
def reopen_agency_summary(ctx: TenantContext, request: InformationRequest, *, reason: str) -> InformationRequest:
    InformationRequestPolicy.require(ctx, "request", request)
    request = _locked_request(ctx, request)
    _refuse(information_request_refusal(request, step="reopen"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the summary is being reopened"]})
    request.status = RequestStatus.REOPENED
    request.reopened_reason = reason
    request.bump_version()
    request.save(update_fields=["status", "reopened_reason", "version"])
    activity.record(
        ctx,
        event="information_request.reopened",
        obj=request,
        changes={"reason": {"old": None, "new": request.reopened_reason}},
    )
    recipients = Recipients(ctx.partnership)
    _send(
        ctx,
        "information_request_reopened",
        key=f"information-request:{request.pk}:reopened:{request.version}",
        to=recipients.agency_leads(request.member_id) or recipients.business_unit(),
        about=request.notification,
        request=request,
        link=link("information-request-detail", ctx.partnership.slug, request.pk),
    )
    return request


def _close(
    ctx: TenantContext, request: InformationRequest, *, status: str, on: dt.date, reason: str, recipients: Recipients
) -> None:
    """Close one unanswered request: its clock stops as not needed (the deadline engine's
    `applies`), neither met nor overdue, it leaves the agency lead's tasks, and they are told."""
    before = activity.snapshot(request, ["status"])
    request.status = status
    request.closed_on = on
    request.closed_reason = reason
    request.bump_version()
    request.save(update_fields=["status", "closed_on", "closed_reason", "version"])
    changes = activity.changes_between(before, activity.snapshot(request, ["status"]))
    changes["reason"] = {"old": None, "new": reason}
    event = "withdrawn" if status == RequestStatus.WITHDRAWN else "closed"
    activity.record(ctx, event=f"information_request.{event}", obj=request, changes=changes)
    deadlines.refresh(request)
    _send(
        ctx,
        "information_request_closed",
        key=f"information-request:{request.pk}:{event}",
        to=recipients.agency_leads(request.member_id),
        about=request.notification,
        request=request,
        link=link("information-request-detail", ctx.partnership.slug, request.pk),
    )


def close_unanswered_requests(ctx: TenantContext, notification: Notification, *, on: dt.date) -> int:
    """When the rapid review is completed (notifications.services.record_step, which checks the
    business unit may), the requests never answered are closed: not needed any more. Returns how many."""
    requests = list(
        InformationRequest.objects.for_partnership(ctx.partnership)
        .select_for_update()
        .filter(notification=notification, status__in=UNANSWERED_REQUEST_STATUSES)
        .select_related("member__organisation")
    )
    recipients = Recipients(ctx.partnership)
    for request in requests:
        reason = f"the rapid review was completed on {on:%-d %B %Y} before {request.member} answered"
        _close(ctx, request, status=RequestStatus.CLOSED, on=on, reason=reason, recipients=recipients)
    return len(requests)


@transaction.atomic
def withdraw_information_request(
    ctx: TenantContext, request: InformationRequest, *, reason: str, expected_version: int | None = None
) -> InformationRequest:
    """The business unit withdraws a request not yet answered, with its reason."""
    InformationRequestPolicy.require(ctx, "request", request)
    request = _locked_request(ctx, request)
    _refuse(information_request_refusal(request, step="withdraw"))
    check_version(request, expected_version, what="This request")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the request is being withdrawn"]})
    _close(
        ctx,
        request,
        status=RequestStatus.WITHDRAWN,
        on=timezone.localdate(),
        reason=reason,
        recipients=Recipients(ctx.partnership),
    )
    return request


def outstanding_requests(notification: Notification) -> list[InformationRequest]:
    """The requests still to be answered (the send-for-sign-off page says how many)."""
    return list(
        InformationRequest.objects.for_partnership(notification.partnership)
        .filter(notification=notification, status__in=UNANSWERED_REQUEST_STATUSES)
        .select_related("member__organisation")
        .order_by("member__organisation__name")
    )


# ----------------------------------------------------------------------------------------------
# The meeting record and its outcome

OUTCOME_FIELDS = [
    "meeting_date",
    "key_practice_episodes",
    "learning",
    "immediate_actions",
    "context",
    "themes",
    "criteria",
    "recommendation",
    "recommendation_rationale",
]


def check_outcome(review: RapidReview) -> dict[str, list[str]]:
    """What the outcome still lacks before it can go for sign-off."""
    errors = Errors()
    errors.required("meeting_date", review.meeting_date, name="The date of the rapid review meeting")
    if not review.learning.strip():
        errors.add("learning", "Enter the learning identified")
    for criterion in LcsprCriterion:
        decided = review.criteria.get(criterion.value)
        if not decided or decided.get("met") is None:
            errors.add(f"criterion_{criterion.value}_met", f"Decide: {criterion.label}")
    if not review.recommendation:
        errors.add("recommendation", "Choose the recommendation")
    return errors.by_field


def _check_criteria(criteria: dict[str, dict], recommendation: str, errors: Errors) -> dict:
    cleaned = {}
    for criterion in LcsprCriterion:
        value = criteria.get(criterion.value) or {}
        met, rationale = value.get("met"), (value.get("rationale") or "").strip()
        if met is True and not rationale:
            errors.add(f"criterion_{criterion.value}_rationale", f"Give the rationale: {in_sentence(criterion.label)}")
        if met is not None or rationale:
            cleaned[criterion.value] = {"met": met, "rationale": rationale}
    if recommendation and recommendation not in ReviewRecommendation.values:
        errors.add("recommendation", "Choose the recommendation")
    elif (
        recommendation
        and recommendation != ReviewRecommendation.NONE
        and not any(v.get("met") for v in cleaned.values())
    ):
        errors.add("recommendation", "A review is recommended, so mark the criteria it meets, with their rationale")
    return cleaned


def _check_attendees(ctx: TenantContext, attendees: list[dict], errors: Errors) -> list[dict]:
    cleaned = []
    for index, attendee in enumerate(attendees, start=1):
        member = attendee.get("member")
        name, role = (attendee.get("name") or "").strip(), (attendee.get("role") or "").strip()
        if member is None and not name and not role:
            continue
        if member is None or member.partnership_id != ctx.partnership.pk:
            errors.add("attendees", f"Attendee {index}: choose their organisation")
        if not name or not role:
            errors.add("attendees", f"Attendee {index}: enter their name and role")
        cleaned.append({"member": member, "name": name, "role": role})
    return cleaned


def _outcome(review: RapidReview, people: list[dict]) -> dict:
    snapshot = activity.snapshot(review, OUTCOME_FIELDS)
    snapshot["attendees"] = sorted(f"{p['member'].pk}|{p['name']}|{p['role']}" for p in people)
    return snapshot


@transaction.atomic
def save_meeting(
    ctx: TenantContext,
    notification: Notification,
    *,
    meeting_date: dt.date | None,
    attendees: list[dict],
    key_practice_episodes: str,
    learning: str,
    immediate_actions: str,
    context: str,
    criteria: dict[str, dict],
    recommendation: str,
    recommendation_rationale: str,
    themes: list[str] | None = None,
    expected_version: int | None = None,
) -> RapidReview:
    """Record the meeting and the decision. Changing the outcome after a signature withdraws the
    signatures already given and tells the signers."""
    RapidReviewPolicy.require(ctx, "manage")
    notification = Notification.objects.for_partnership(ctx.partnership).select_for_update().get(pk=notification.pk)
    _refuse(rapid_review_refusal(notification, None, step="meeting"))
    review = rapid_review_for(notification)
    if review is None:
        review = RapidReview(partnership=ctx.partnership, notification=notification, version=0)
    else:
        review = RapidReview.objects.for_partnership(ctx.partnership).select_for_update().get(pk=review.pk)
        check_version(review, expected_version, what="The meeting record")
    errors = Errors()
    errors.date_not_in_future("meeting_date", meeting_date, name="The meeting date", required=False)
    if "meeting_date" not in errors:
        errors.date_not_before(
            "meeting_date",
            meeting_date,
            notification.rapid_review_started_on,
            name="The meeting date",
            earliest_name="the day the rapid review started",
        )
    cleaned_criteria = _check_criteria(criteria, recommendation, errors)
    cleaned_themes = review.themes if themes is None else practice_themes.check(themes)
    if cleaned_themes is None:
        errors.add("themes", "Choose the practice themes from the list")
    clean_attendees = _check_attendees(ctx, attendees, errors)
    errors.raise_if_any()

    existing_people = (
        [{"member": a.member, "name": a.name, "role": a.role} for a in review.attendees.select_related("member")]
        if review.pk
        else []
    )
    before = _outcome(review, existing_people) if review.pk else {}
    review.meeting_date = meeting_date
    review.key_practice_episodes = (key_practice_episodes or "").strip()
    review.learning = (learning or "").strip()
    review.immediate_actions = (immediate_actions or "").strip()
    review.context = (context or "").strip()
    review.criteria = cleaned_criteria
    review.themes = cleaned_themes or []
    review.recommendation = recommendation or ""
    review.recommendation_rationale = (recommendation_rationale or "").strip()
    changes = activity.changes_between(before, _outcome(review, clean_attendees))
    if review.pk and not changes:
        return review
    review.bump_version()
    review.save()
    review.attendees.all().delete()
    MeetingAttendee.objects.for_partnership(ctx.partnership).bulk_create(
        [MeetingAttendee(partnership=ctx.partnership, review=review, **person) for person in clean_attendees]
    )
    activity.record(ctx, event="rapid_review.meeting_saved", obj=review, changes=changes)
    _withdraw_signatures(ctx, review, reason=f"The outcome was changed by {ctx.user.get_full_name() or ctx.user}")
    return review


def _withdraw_signatures(ctx: TenantContext, review: RapidReview, *, reason: str) -> None:
    given = [s for s in review.sign_offs.select_related("person") if s.withdrawn_at is None]
    if not given:
        return
    now = timezone.now()
    for sign_off in given:
        sign_off.withdrawn_at = now
        sign_off.withdrawn_reason = reason[:300]
        sign_off.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    if review.status == ReviewStatus.SIGNED_OFF:
        review.status = ReviewStatus.AWAITING_SIGN_OFF
        review.save(update_fields=["status"])
    activity.record(
        ctx,
        event="rapid_review.sign_offs_withdrawn",
        obj=review,
        changes={
            "withdrawn": {"old": [str(s.member) for s in given], "new": None},
            "reason": {"old": None, "new": reason},
        },
    )
    notification = review.notification
    _send(
        ctx,
        "rapid_review_sign_offs_withdrawn",
        key=f"rapid-review:{review.pk}:withdrawn:{review.version}",
        to=sorted({s.person.email for s in given if s.person.email}),
        about=notification,
        notification=notification,
        reason=reason,
        link=link("rapid-review-sign-off", ctx.partnership.slug, notification.pk),
    )


@transaction.atomic
def send_for_sign_off(
    ctx: TenantContext, notification: Notification, *, expected_version: int | None = None
) -> RapidReview:
    RapidReviewPolicy.require(ctx, "manage")
    review = rapid_review_for(notification)
    if review is not None:
        review = RapidReview.objects.for_partnership(ctx.partnership).select_for_update().get(pk=review.pk)
        check_version(review, expected_version, what="The meeting record")
    _refuse(rapid_review_refusal(notification, review, step="send_for_sign_off"))
    errors = check_outcome(review)
    if errors:
        raise ValidationError(errors)
    review.status = ReviewStatus.AWAITING_SIGN_OFF
    review.sent_for_sign_off_at = timezone.now()
    review.save(update_fields=["status", "sent_for_sign_off_at"])
    activity.record(
        ctx,
        event="rapid_review.sent_for_sign_off",
        obj=review,
        changes={"status": {"old": "drafting", "new": review.status}},
    )
    _send(
        ctx,
        "rapid_review_sign_off_requested",
        key=f"rapid-review:{review.pk}:sign-off:{review.version}",
        to=Recipients(ctx.partnership).signers(level_for(ctx.partnership, Signable.RAPID_REVIEW_OUTCOME)),
        about=notification,
        notification=notification,
        link=link("rapid-review-sign-off", ctx.partnership.slug, notification.pk),
    )
    return review


def _check_decision(ctx: TenantContext, review: RapidReview, member: Member, *, decision: str, comments: str) -> str:
    if decision not in SignOffDecision.values:
        raise ValidationError({"decision": ["Choose whether you sign off the outcome or return it"]})
    comments = (comments or "").strip()
    if decision == SignOffDecision.RETURNED and not comments:
        raise ValidationError({"comments": ["Say what needs to change before you can sign"]})
    earlier = active_signatures(review).get(member.pk)
    if decision == SignOffDecision.SIGNED and earlier is not None:
        raise ValidationError(
            {
                "decision": [
                    f"{member} has already signed this outcome ({earlier.person.get_full_name()}, "
                    f"{timezone.localtime(earlier.at):%-d %b %Y})"
                ]
            }
        )
    return comments


@transaction.atomic
def sign_off(ctx: TenantContext, notification: Notification, *, decision: str, comments: str = "") -> SignOff:
    """One safeguarding partner's decision, by the holder of its seat at the signing level."""
    RapidReviewPolicy.require(ctx, "sign", notification)
    review = rapid_review_for(notification)
    if review is not None:
        review = RapidReview.objects.for_partnership(ctx.partnership).select_for_update().get(pk=review.pk)
    _refuse(rapid_review_refusal(notification, review, step="sign"))
    seat = RapidReviewPolicy.signing_partner(ctx)
    member = seat.member
    comments = _check_decision(ctx, review, member, decision=decision, comments=comments)
    if review.status == ReviewStatus.SIGNED_OFF:
        raise StateError("Every safeguarding partner has already signed this outcome.")
    try:
        with transaction.atomic():
            record = SignOff.objects.for_partnership(ctx.partnership).create(
                partnership=ctx.partnership,
                review=review,
                statutory_role=member.statutory_role,
                member=member,
                person=ctx.user,
                job_title=ctx.membership.job_title if ctx.membership else "",
                seat=seat,
                level=seat.level,
                signed_version=review.version,
                decision=decision,
                comments=comments,
                at=timezone.now(),
            )
    except IntegrityError:  # a colleague from the same partner signed at the same moment
        raise ValidationError({"decision": [f"{member} has already signed this outcome"]}) from None
    activity.record(
        ctx,
        event=f"rapid_review.{decision}",
        obj=review,
        changes={
            "partner": {"old": None, "new": str(member)},
            "seat": {"old": None, "new": seat.get_level_display()},
            "version": {"old": None, "new": review.version},
            "comments": {"old": None, "new": comments or None},
        },
    )
    if decision == SignOffDecision.SIGNED and not missing_signers(review):
        review.status = ReviewStatus.SIGNED_OFF
        review.save(update_fields=["status"])
    _send(
        ctx,
        "rapid_review_decided",
        key=f"rapid-review:{review.pk}:signoff:{record.pk}",
        to=Recipients(ctx.partnership).business_unit(),
        about=notification,
        notification=notification,
        member=member,
        signed=decision == SignOffDecision.SIGNED,
        all_signed=review.status == ReviewStatus.SIGNED_OFF,
        comments=comments,
        link=link("rapid-review", ctx.partnership.slug, notification.pk),
    )
    return record
