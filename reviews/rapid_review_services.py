"""Writes for a rapid review: requests for individual agency summaries and their answers, the
meeting record and its decision, and the three safeguarding partners' sign-off.

The same rules as every service: permission first (the policies in reviews/permissions.py),
ValidationError keyed by the input's name, StateError for a step in the wrong state, the activity
log and the clocks in the same transaction, emails through the outbox.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lscp import activity, deadlines, outbox
from lscp.permissions import grant
from lscp.roles import Role
from lscp.states import StateError
from lscp.tenancy import TenantContext
from partners.models import Member, Membership, StatutoryRole
from reviews.models import (
    ChronologyEntry,
    InformationRequest,
    LcsprCriterion,
    MeetingAttendee,
    Notification,
    RapidReview,
    RequestStatus,
    ReviewRecommendation,
    ReviewStatus,
    SignOff,
    SignOffDecision,
    Status,
)
from reviews.permissions import VIEW_PERM, InformationRequestPolicy, RapidReviewPolicy

OPEN_FOR_REQUESTS = (Status.SUBMITTED, Status.PANEL_NOTIFIED, Status.RAPID_REVIEW_STARTED)
PARTNERS = [StatutoryRole.COUNCIL, StatutoryRole.POLICE, StatutoryRole.HEALTH]
PARTNER_WORDS = {
    StatutoryRole.COUNCIL: "the local authority",
    StatutoryRole.POLICE: "the police",
    StatutoryRole.HEALTH: "health",
}


def _link(name: str, *args) -> str:
    return settings.LSCP_BASE_URL.rstrip("/") + reverse(name, args=args)


def _emails(memberships) -> list[str]:
    return sorted({m.person.email for m in memberships if m.person.email})


def _agency_leads(partnership, member) -> list[str]:
    return _emails(
        Membership.objects.for_partnership(partnership)
        .filter(role=Role.AGENCY_LEAD, member=member, is_active=True)
        .select_related("person")
    )


def _business_unit(partnership) -> list[str]:
    return _emails(
        Membership.objects.for_partnership(partnership)
        .filter(role=Role.BUSINESS_UNIT, is_active=True)
        .select_related("person")
    )


def _executive_leads(partnership) -> list[str]:
    return _emails(
        Membership.objects.for_partnership(partnership)
        .filter(role=Role.EXECUTIVE_LEAD, is_active=True, member__statutory_role__in=PARTNERS)
        .select_related("person")
    )


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
) -> list[InformationRequest]:
    """Ask each organisation for its individual agency summary, by a reply-by date."""
    InformationRequestPolicy.require(ctx, "request")
    if notification.status not in OPEN_FOR_REQUESTS or not notification.notifiable:
        raise StateError(
            f"Requests for information can be sent only until the rapid review of {notification.reference} is completed."
        )
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not members:
        errors["members"] = ["Choose at least one organisation to ask"]
    elif any(member.partnership_id != ctx.partnership.pk for member in members):
        errors["members"] = ["Choose organisations that are members of this partnership"]
    if reply_by is None:
        errors["reply_by"] = ["Enter the reply-by date"]
    elif reply_by < today:
        errors["reply_by"] = ["The reply-by date must be today or in the future"]
    if errors:
        raise ValidationError(errors)
    asked = set(
        InformationRequest.objects.for_partnership(ctx.partnership)
        .filter(notification=notification)
        .values_list("member_id", flat=True)
    )
    fresh = [member for member in members if member.pk not in asked]
    if not fresh:
        raise ValidationError({"members": ["Every organisation chosen has already been asked"]})
    created = []
    for member in fresh:
        try:
            with transaction.atomic():
                request = InformationRequest.objects.for_partnership(ctx.partnership).create(
                    partnership=ctx.partnership,
                    notification=notification,
                    member=member,
                    requested_by=ctx.user,
                    requested_on=today,
                    reply_by=reply_by,
                    message=(message or "").strip(),
                )
        except IntegrityError:  # asked at the same moment by someone else
            continue
        created.append(request)
        activity.record(
            ctx,
            event="information_request.sent",
            obj=request,
            changes={"member": {"old": None, "new": str(member)}, "reply_by": {"old": None, "new": reply_by}},
        )
        deadlines.refresh(request)
        leads = _agency_leads(ctx.partnership, member) or _business_unit(ctx.partnership)
        outbox.enqueue(
            partnership=ctx.partnership,
            key=f"information-request:{request.pk}:sent",
            to=leads,
            subject=f"[{ctx.partnership.name}] Rapid review {notification.reference}: {member}'s agency summary is needed by "
            f"{reply_by:%a %-d %b %Y}",
            body=(
                f"The {ctx.partnership.name} business unit asks {member} for an individual agency summary for the rapid "
                f"review of {notification.reference}: your involvement with the child and family, a chronology, the "
                "immediate safeguarding actions already taken, and the learning identified.\n\n"
                + (f"{request.message}\n\n" if request.message else "")
                + f"Reply by {reply_by:%A %-d %B %Y} here: {_link('information-request-detail', ctx.partnership.slug, request.pk)}\n\n"
                "This email holds no details of any child: sign in to see the request."
            ),
            about=notification,
        )
    # The organisations asked are now involved: their agency leads may see the notification.
    grant(notification, [r.member for r in created], VIEW_PERM)
    return created


def _check_version(obj, expected_version, what: str) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise StateError(
            f"{what} was changed by someone else while you were editing it. Nothing you entered has been saved: "
            "your changes are shown below beside the latest version, so you can add them again."
        )


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
) -> InformationRequest:
    """Save the organisation's answer as a draft, or submit it (which locks it)."""
    InformationRequestPolicy.require(ctx, "answer", request)
    if ctx.member is None or request.member_id != ctx.member.pk:
        raise PermissionDenied(f"This request is addressed to {request.member}, not to your organisation.")
    request = InformationRequest.objects.for_partnership(ctx.partnership).select_for_update().get(pk=request.pk)
    if request.is_locked:
        raise StateError(
            f"{request.member}'s summary was submitted on {request.submitted_on:%-d %B %Y} and is locked. "
            "Ask the business unit to reopen it if something needs to change."
        )
    _check_version(request, expected_version, "This summary")
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    entries = []
    for index, entry in enumerate(chronology, start=1):
        day, event = entry.get("date"), (entry.get("event") or "").strip()
        if day is None and not event and not (entry.get("agency_action") or "").strip():
            continue  # a blank row
        if day is None:
            errors.setdefault("chronology", []).append(f"Chronology entry {index}: enter the date")
        elif day > today:
            errors.setdefault("chronology", []).append(
                f"Chronology entry {index}: the date must be today or in the past"
            )
        if not event:
            errors.setdefault("chronology", []).append(f"Chronology entry {index}: describe what happened")
        entries.append({"date": day, "event": event, "agency_action": (entry.get("agency_action") or "").strip()})
    if submit:
        if not (involvement or "").strip():
            errors["involvement"] = ["Describe your organisation's involvement with the child and family"]
        if not (learning or "").strip():
            errors["learning"] = ["Enter the learning identified, or say that none has been identified yet"]
    if errors:
        raise ValidationError(errors)
    before = activity.snapshot(request, ["involvement", "immediate_actions", "learning", "status"])
    request.involvement, request.immediate_actions, request.learning = (
        (involvement or "").strip(),
        (immediate_actions or "").strip(),
        (learning or "").strip(),
    )
    request.chronology.all().delete()
    ChronologyEntry.objects.for_partnership(ctx.partnership).bulk_create(
        [ChronologyEntry(partnership=ctx.partnership, request=request, **entry) for entry in entries]
    )
    if submit:
        request.status = RequestStatus.SUBMITTED
        request.submitted_by = ctx.user
        request.submitted_at = timezone.now()
        request.submitted_on = request.submitted_on or today  # the first submission meets the clock
    elif request.status == RequestStatus.REQUESTED:
        request.status = RequestStatus.DRAFT
    request.version += 1
    request.save()
    changes = activity.changes_between(
        before, activity.snapshot(request, ["involvement", "immediate_actions", "learning", "status"])
    )
    changes["chronology"] = {"old": None, "new": f"{len(entries)} entries"}
    activity.record(
        ctx,
        event="information_request.submitted" if submit else "information_request.draft_saved",
        obj=request,
        changes=changes,
    )
    deadlines.refresh(request)
    if submit:
        outbox.enqueue(
            partnership=ctx.partnership,
            key=f"information-request:{request.pk}:submitted:{request.version}",
            to=_business_unit(ctx.partnership),
            subject=f"[{ctx.partnership.name}] {request.member} has sent its agency summary for {request.notification.reference}",
            body=f"Read it here: {_link('information-request-detail', ctx.partnership.slug, request.pk)}\n",
            about=request.notification,
        )
    return request


@transaction.atomic
def reopen_agency_summary(ctx: TenantContext, request: InformationRequest, *, reason: str) -> InformationRequest:
    InformationRequestPolicy.require(ctx, "request", request)
    request = InformationRequest.objects.for_partnership(ctx.partnership).select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.SUBMITTED:
        raise StateError("Only a submitted summary can be reopened.")
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Say why the summary is being reopened"]})
    request.status = RequestStatus.REOPENED
    request.reopened_reason = reason.strip()
    request.version += 1
    request.save(update_fields=["status", "reopened_reason", "version"])
    activity.record(
        ctx,
        event="information_request.reopened",
        obj=request,
        changes={"reason": {"old": None, "new": request.reopened_reason}},
    )
    outbox.enqueue(
        partnership=ctx.partnership,
        key=f"information-request:{request.pk}:reopened:{request.version}",
        to=_agency_leads(ctx.partnership, request.member) or _business_unit(ctx.partnership),
        subject=f"[{ctx.partnership.name}] Your agency summary for {request.notification.reference} has been reopened",
        body=f"The business unit reopened it: {request.reopened_reason}\n\n"
        f"Change and submit it again here: {_link('information-request-detail', ctx.partnership.slug, request.pk)}\n",
        about=request.notification,
    )
    return request


# ----------------------------------------------------------------------------------------------
# The meeting record and its outcome

OUTCOME_FIELDS = [
    "meeting_date",
    "key_practice_episodes",
    "learning",
    "immediate_actions",
    "context",
    "criteria",
    "recommendation",
    "recommendation_rationale",
]


def active_signatures(review: RapidReview) -> dict[str, SignOff]:
    return {s.statutory_role: s for s in review.sign_offs.all() if s.is_active_signature}


def missing_signers(review: RapidReview | None) -> list[str]:
    signed = active_signatures(review) if review is not None and review.pk else {}
    return [role for role in PARTNERS if role not in signed]


def missing_signers_text(roles: list[str]) -> str:
    words = [PARTNER_WORDS[StatutoryRole(role)] for role in roles]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"Waiting for sign-off from the executive lead{'s' if len(words) > 1 else ''} of {listed}."


def rapid_review_for(notification: Notification) -> RapidReview | None:
    """The notification's rapid review, read afresh (never a stale cached relation)."""
    return RapidReview.objects.for_partnership(notification.partnership).filter(notification=notification).first()


def check_outcome(review: RapidReview) -> dict[str, list[str]]:
    """What the outcome still lacks before it can go for sign-off."""
    errors: dict[str, list[str]] = {}
    if review.meeting_date is None:
        errors["meeting_date"] = ["Enter the date of the rapid review meeting"]
    if not review.learning.strip():
        errors["learning"] = ["Enter the learning identified"]
    for criterion in LcsprCriterion:
        decided = review.criteria.get(criterion.value)
        if not decided or decided.get("met") is None:
            errors[f"criterion_{criterion.value}_met"] = [f"Decide: {criterion.label}"]
    if not review.recommendation:
        errors["recommendation"] = ["Choose the recommendation"]
    return errors


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
    expected_version: int | None = None,
) -> RapidReview:
    """Record the meeting and the decision. Changing the outcome after a signature withdraws the
    signatures already given and tells the signers."""
    RapidReviewPolicy.require(ctx, "manage")
    notification = Notification.objects.for_partnership(ctx.partnership).select_for_update().get(pk=notification.pk)
    if notification.status != Status.RAPID_REVIEW_STARTED:
        raise StateError(
            f"The meeting can be recorded while the rapid review is under way; {notification.reference} is at "
            f"'{notification.get_status_display().lower()}'."
        )
    review = rapid_review_for(notification)
    if review is None:
        review = RapidReview(partnership=ctx.partnership, notification=notification, version=0)
    else:
        review = RapidReview.objects.for_partnership(ctx.partnership).select_for_update().get(pk=review.pk)
        _check_version(review, expected_version, "The meeting record")
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if meeting_date is not None:
        if meeting_date > today:
            errors["meeting_date"] = ["The meeting date must be today or in the past"]
        elif notification.rapid_review_started_on and meeting_date < notification.rapid_review_started_on:
            errors["meeting_date"] = [
                f"The meeting date must be on or after the rapid review started ({notification.rapid_review_started_on:%-d %b %Y})"
            ]
    cleaned_criteria = {}
    for criterion in LcsprCriterion:
        value = criteria.get(criterion.value) or {}
        met, rationale = value.get("met"), (value.get("rationale") or "").strip()
        if met is True and not rationale:
            errors[f"criterion_{criterion.value}_rationale"] = [f"Give the rationale: {criterion.label.lower()}"]
        if met is not None or rationale:
            cleaned_criteria[criterion.value] = {"met": met, "rationale": rationale}
    if recommendation and recommendation not in ReviewRecommendation.values:
        errors["recommendation"] = ["Choose the recommendation"]
    if (
        recommendation
        and recommendation != ReviewRecommendation.NONE
        and not any(v.get("met") for v in cleaned_criteria.values())
    ):
        errors["recommendation"] = ["A review is recommended, so mark the criteria it meets, with their rationale"]
    clean_attendees = []
    for index, attendee in enumerate(attendees, start=1):
        member, name, role = (
            attendee.get("member"),
            (attendee.get("name") or "").strip(),
            (attendee.get("role") or "").strip(),
        )
        if member is None and not name and not role:
            continue
        if member is None or member.partnership_id != ctx.partnership.pk:
            errors.setdefault("attendees", []).append(f"Attendee {index}: choose their organisation")
        if not name or not role:
            errors.setdefault("attendees", []).append(f"Attendee {index}: enter their name and role")
        clean_attendees.append({"member": member, "name": name, "role": role})
    if errors:
        raise ValidationError(errors)

    def outcome(r: RapidReview, people) -> dict:
        snapshot = activity.snapshot(r, OUTCOME_FIELDS)
        snapshot["attendees"] = sorted(f"{p['member'].pk}|{p['name']}|{p['role']}" for p in people)
        return snapshot

    existing_people = (
        [{"member": a.member, "name": a.name, "role": a.role} for a in review.attendees.select_related("member")]
        if review.pk
        else []
    )
    before = outcome(review, existing_people) if review.pk else {}
    review.meeting_date = meeting_date
    review.key_practice_episodes = (key_practice_episodes or "").strip()
    review.learning = (learning or "").strip()
    review.immediate_actions = (immediate_actions or "").strip()
    review.context = (context or "").strip()
    review.criteria = cleaned_criteria
    review.recommendation = recommendation or ""
    review.recommendation_rationale = (recommendation_rationale or "").strip()
    changes = activity.changes_between(before, outcome(review, clean_attendees))
    if review.pk and not changes:
        return review
    review.version += 1
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
    signers = sorted({s.person.email for s in given if s.person.email})
    if signers:
        notification = review.notification
        outbox.enqueue(
            partnership=ctx.partnership,
            key=f"rapid-review:{review.pk}:withdrawn:{review.version}",
            to=signers,
            subject=f"[{ctx.partnership.name}] Rapid review {notification.reference}: the outcome changed, so your sign-off was withdrawn",
            body=(
                f"{reason}. The sign-offs already given for the rapid review of {notification.reference} have been withdrawn, "
                "so that each partner signs the outcome as it now stands.\n\n"
                f"Read it and sign again here: {_link('rapid-review-sign-off', ctx.partnership.slug, notification.pk)}\n"
            ),
            about=notification,
        )


@transaction.atomic
def send_for_sign_off(
    ctx: TenantContext, notification: Notification, *, expected_version: int | None = None
) -> RapidReview:
    RapidReviewPolicy.require(ctx, "manage")
    review = rapid_review_for(notification)
    if review is None:
        raise StateError("Record the rapid review meeting first.")
    review = RapidReview.objects.for_partnership(ctx.partnership).select_for_update().get(pk=review.pk)
    _check_version(review, expected_version, "The meeting record")
    if review.status != ReviewStatus.DRAFTING:
        raise StateError("The outcome has already been sent for sign-off.")
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
    leads = _executive_leads(ctx.partnership)
    if leads:
        outbox.enqueue(
            partnership=ctx.partnership,
            key=f"rapid-review:{review.pk}:sign-off:{review.version}",
            to=leads,
            subject=f"[{ctx.partnership.name}] Rapid review {notification.reference}: waiting for your sign-off",
            body=(
                f"The outcome of the rapid review of {notification.reference} is ready. Each of the three safeguarding "
                "partners' executive leads signs it off, or returns it with comments.\n\n"
                f"Read it and decide here: {_link('rapid-review-sign-off', ctx.partnership.slug, notification.pk)}\n"
            ),
            about=notification,
        )
    return review


@transaction.atomic
def sign_off(ctx: TenantContext, notification: Notification, *, decision: str, comments: str = "") -> SignOff:
    """One executive lead's decision for their safeguarding partner."""
    RapidReviewPolicy.require(ctx, "sign")
    member = ctx.member
    if member is None or member.statutory_role not in PARTNERS:
        raise PermissionDenied("Only the executive leads of the three safeguarding partners sign off a rapid review.")
    review = rapid_review_for(notification)
    if review is None:
        raise StateError("There is no rapid review outcome to sign yet.")
    review = RapidReview.objects.for_partnership(ctx.partnership).select_for_update().get(pk=review.pk)
    if review.status == ReviewStatus.DRAFTING:
        raise StateError("The outcome has not been sent for sign-off yet.")
    if decision not in SignOffDecision.values:
        raise ValidationError({"decision": ["Choose whether you sign off the outcome or return it"]})
    comments = (comments or "").strip()
    if decision == SignOffDecision.RETURNED and not comments:
        raise ValidationError({"comments": ["Say what needs to change before you can sign"]})
    signed = active_signatures(review)
    if decision == SignOffDecision.SIGNED and member.statutory_role in signed:
        earlier = signed[member.statutory_role]
        raise ValidationError(
            {
                "decision": [
                    f"{member} has already signed this outcome ({earlier.person.get_full_name()}, "
                    f"{timezone.localtime(earlier.at):%-d %b %Y})"
                ]
            }
        )
    if review.status == ReviewStatus.SIGNED_OFF:
        raise StateError("All three safeguarding partners have already signed this outcome.")
    try:
        with transaction.atomic():
            record = SignOff.objects.for_partnership(ctx.partnership).create(
                partnership=ctx.partnership,
                review=review,
                statutory_role=member.statutory_role,
                member=member,
                person=ctx.user,
                job_title=ctx.membership.job_title if ctx.membership else "",
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
        changes={"partner": {"old": None, "new": str(member)}, "comments": {"old": None, "new": comments or None}},
    )
    if decision == SignOffDecision.SIGNED and not missing_signers(review):
        review.status = ReviewStatus.SIGNED_OFF
        review.save(update_fields=["status"])
    outbox.enqueue(
        partnership=ctx.partnership,
        key=f"rapid-review:{review.pk}:signoff:{record.pk}",
        to=_business_unit(ctx.partnership),
        subject=(
            f"[{ctx.partnership.name}] Rapid review {notification.reference}: "
            + (f"signed off by {member}" if decision == SignOffDecision.SIGNED else f"returned by {member}")
            + (": all three partners have signed" if review.status == ReviewStatus.SIGNED_OFF else "")
        ),
        body=(comments + "\n\n" if comments else "")
        + f"The rapid review: {_link('rapid-review', ctx.partnership.slug, notification.pk)}\n",
        about=notification,
    )
    return record


def last_signature_date(review: RapidReview | None) -> dt.date | None:
    if review is None:
        return None
    signed = active_signatures(review)
    return max((timezone.localtime(s.at).date() for s in signed.values()), default=None)
