"""Writes for a local child safeguarding practice review (LCSPR): commissioning, review panel
meetings, the draft and final reports, the pre-publication send to the Panel and the DfE, and
publication (or the decision not to publish, with what is published instead). Each step is
refused from the wrong state with the reason `lcspr_refusal` gives, which the pages ask too.

The decision (commissioning: date, reviewer, terms of reference, period) is signed by each
statutory partner member's seat holder at the policy's level (partners/signing.py: DSPs by
default); changing it withdraws the standing signatures and tells their signers."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from lscp import activity, dates, deadlines, documents, outbox
from lscp.checks import Errors
from lscp.outbox.messages import link, message
from lscp.recipients import Recipients
from lscp.states import StaleVersion, StateError, check_version
from lscp.tenancy import TenantContext
from partners import sign_offs
from partners.signing import Signable, level_for
from reviews.lcspr.models import Lcspr, LcsprMeeting, LcsprSignOff, LcsprStatus, ReviewerKind
from reviews.lcspr.permissions import LcsprPolicy
from reviews.lcspr.selectors import lcspr_for
from reviews.notifications.models import Notification
from reviews.rapid_review.models import ReviewRecommendation, ReviewStatus
from reviews.rapid_review.selectors import rapid_review_for

FIELDS = [
    "status",
    "reviewer_name",
    "reviewer_kind",
    "terms_of_reference",
    "scope_from",
    "scope_to",
    "final_report_received_on",
    "planned_publication_date",
    "sent_to_panel_on",
    "published_on",
    "published_url",
    "not_published_rationale",
]


DECIDED = (LcsprStatus.PUBLISHED, LcsprStatus.NOT_PUBLISHED)


def lcspr_refusal(lcspr: Lcspr | None, *, step: str, notification: Notification | None = None) -> str | None:
    """Why this step of the practice review cannot be taken now, or None if it can. Steps (as in
    the pages' URLs): commission, meeting, draft-report, final-report, publication-date,
    sent-to-panel, published, not-publishing. Commissioning is asked of the `notification`."""
    if step == "commission":
        if lcspr is not None:
            return f"An LCSPR has already been commissioned for {notification.reference}."
        review = rapid_review_for(notification)
        if (
            review is None
            or review.status != ReviewStatus.SIGNED_OFF
            or review.recommendation != ReviewRecommendation.LCSPR
        ):
            return "An LCSPR is commissioned once the rapid review's signed-off outcome recommends one."
        return None
    if lcspr is None:
        return "No LCSPR has been commissioned."
    if step in ("draft-report", "final-report") and lcspr.status not in (
        LcsprStatus.COMMISSIONED,
        LcsprStatus.FINAL_REPORT,
    ):
        return "The reports can be changed only until the final report has been sent to the Panel."
    if step in ("publication-date", "not-publishing") and lcspr.status in DECIDED:
        return "The publication decision has already been made."
    if step == "sent-to-panel" and lcspr.status != LcsprStatus.FINAL_REPORT:
        return "The final report is sent to the Panel and the DfE once it has been received, and only once."
    if step == "decision" and lcspr.status != LcsprStatus.COMMISSIONED:
        return "The decision can be changed only until the final report has been received."
    if step == "published" and lcspr.status != LcsprStatus.SENT_TO_PANEL:
        return "The report is published after it has been sent to the Panel and the Department for Education."
    return None


def _locked(ctx, lcspr: Lcspr, *, step: str, expected_version: int | None = None) -> Lcspr:
    """The review, locked for this change: refused from the wrong state or a stale read."""
    locked = Lcspr.objects.for_partnership(ctx.partnership).select_for_update().get(pk=lcspr.pk)
    check_version(locked, expected_version, what="The practice review")
    reason = lcspr_refusal(locked, step=step)
    if reason:
        raise StateError(reason)
    return locked


def _happened(errors: Errors, field: str, value, *, name: str, after: tuple) -> None:
    """A step's date: given, today or in the past, and not before the step it follows (after:
    that step's date and its words)."""
    errors.date_not_in_future(field, value, name=name)
    errors.date_not_before(field, value, after[0], name=name, earliest_name=after[1])


def _save(ctx, lcspr: Lcspr, before: dict, event: str) -> Lcspr:
    lcspr.bump_version()
    lcspr.save()
    activity.record(
        ctx, event=event, obj=lcspr, changes=activity.changes_between(before, activity.snapshot(lcspr, FIELDS))
    )
    deadlines.refresh(lcspr)
    return lcspr


DECISION_FIELDS = ["decision_date", "reviewer_name", "reviewer_kind", "terms_of_reference", "scope_from", "scope_to"]


def decision_hash(lcspr: Lcspr) -> str:
    """What the partners sign: the decision's content (the review's version also moves with its
    later steps, which do not change the decision)."""
    return sign_offs.content_hash({field: getattr(lcspr, field) for field in DECISION_FIELDS})


def _send(ctx, template: str, *, key: str, to: list[str], lcspr: Lcspr, **context) -> None:
    if not to:
        return
    notification = lcspr.notification
    subject, body = message(
        template,
        partnership=ctx.partnership,
        notification=notification,
        link=link("lcspr-sign", ctx.partnership.slug, notification.pk),
        **context,
    )
    outbox.enqueue(partnership=ctx.partnership, key=key, to=to, subject=subject, body=body, about=notification)


def _ask_to_sign(ctx, lcspr: Lcspr) -> None:
    _send(
        ctx,
        "lcspr_sign_off_requested",
        key=f"lcspr:{lcspr.pk}:sign-off:{decision_hash(lcspr)[:16]}",
        to=Recipients(ctx.partnership).signers(level_for(ctx.partnership, Signable.LCSPR_DECISION)),
        lcspr=lcspr,
    )


def _check_decision(
    notification: Notification,
    *,
    decision_date,
    reviewer_name: str,
    reviewer_kind: str,
    terms_of_reference: str,
    scope_from,
    scope_to,
) -> None:
    """The decision to commission, as first recorded and as changed: every field's error at once,
    its date checked against the case's (lscp.dates: not before the incident, not in the future)."""
    errors = Errors()
    errors.required("decision_date", decision_date, name="The decision date")
    if not (reviewer_name or "").strip():
        errors.add("reviewer_name", "Enter the reviewer's name")
    if reviewer_kind not in ReviewerKind.values:
        errors.add("reviewer_kind", "Choose whether the reviewer is independent or internal")
    if not (terms_of_reference or "").strip():
        errors.add("terms_of_reference", "Enter the terms of reference")
    if scope_from is None:
        errors.add("scope_from", "Enter the start of the period the review covers")
    if scope_to is None:
        errors.add("scope_to", "Enter the end of the period the review covers")
    elif scope_from and scope_to < scope_from:
        errors.add("scope_to", "The end of the period must be the same as or after its start")
    dates.check(
        "lcspr",
        dates.lcspr_values(notification=notification) | {"decision_date": decision_date},
        changed={"decision_date"},
        errors=errors,
    )


@transaction.atomic
def commission(
    ctx: TenantContext,
    notification: Notification,
    *,
    decision_date: dt.date | None,
    reviewer_name: str,
    reviewer_kind: str,
    terms_of_reference: str,
    scope_from: dt.date | None,
    scope_to: dt.date | None,
) -> Lcspr:
    LcsprPolicy.require(ctx, "manage", notification)
    reason = lcspr_refusal(lcspr_for(notification), step="commission", notification=notification)
    if reason:
        raise StateError(reason)
    _check_decision(
        notification,
        decision_date=decision_date,
        reviewer_name=reviewer_name,
        reviewer_kind=reviewer_kind,
        terms_of_reference=terms_of_reference,
        scope_from=scope_from,
        scope_to=scope_to,
    )
    lcspr = Lcspr(
        partnership=ctx.partnership,
        notification=notification,
        decision_date=decision_date,
        reviewer_name=reviewer_name.strip(),
        reviewer_kind=reviewer_kind,
        terms_of_reference=terms_of_reference.strip(),
        scope_from=scope_from,
        scope_to=scope_to,
        version=0,
    )
    _save(ctx, lcspr, {}, "lcspr.commissioned")
    _ask_to_sign(ctx, lcspr)
    return lcspr


@transaction.atomic
def change_decision(
    ctx: TenantContext,
    lcspr: Lcspr,
    *,
    decision_date: dt.date | None,
    reviewer_name: str,
    reviewer_kind: str,
    terms_of_reference: str,
    scope_from: dt.date | None,
    scope_to: dt.date | None,
    expected_version: int | None = None,
) -> Lcspr:
    """Correct the decision (the reviewer changed, the terms of reference widened): the partners'
    standing signatures of it are withdrawn, with the reason, and they are asked to sign again."""
    LcsprPolicy.require(ctx, "manage", lcspr)
    lcspr = _locked(ctx, lcspr, step="decision", expected_version=expected_version)
    _check_decision(
        lcspr.notification,
        decision_date=decision_date,
        reviewer_name=reviewer_name,
        reviewer_kind=reviewer_kind,
        terms_of_reference=terms_of_reference,
        scope_from=scope_from,
        scope_to=scope_to,
    )
    before = activity.snapshot(lcspr, DECISION_FIELDS)
    lcspr.decision_date, lcspr.reviewer_name, lcspr.reviewer_kind = decision_date, reviewer_name.strip(), reviewer_kind
    lcspr.terms_of_reference, lcspr.scope_from, lcspr.scope_to = terms_of_reference.strip(), scope_from, scope_to
    changes = activity.changes_between(before, activity.snapshot(lcspr, DECISION_FIELDS))
    if not changes:
        return lcspr
    lcspr.bump_version()
    lcspr.save()
    activity.record(ctx, event="lcspr.decision_changed", obj=lcspr, changes=changes)
    deadlines.refresh(lcspr)
    reason = f"The decision was changed by {ctx.user.get_full_name() or ctx.user}"
    withdrawn = sign_offs.withdraw(
        ctx,
        LcsprSignOff.objects.for_partnership(ctx.partnership).filter(lcspr=lcspr),
        reason=reason,
        event="lcspr.sign_offs_withdrawn",
        obj=lcspr,
    )
    _send(
        ctx,
        "lcspr_sign_offs_withdrawn",
        key=f"lcspr:{lcspr.pk}:withdrawn:{lcspr.version}",
        to=sorted({s.person.email for s in withdrawn if s.person.email}),
        lcspr=lcspr,
        reason=reason,
    )
    _ask_to_sign(ctx, lcspr)
    return lcspr


def decision_sign_off(lcspr: Lcspr) -> dict:
    """Who has signed the decision and who is still to (partners/sign_offs.py: status)."""
    signatures = list(lcspr.sign_offs.select_related("member__organisation", "person"))
    return {
        **sign_offs.status(lcspr.partnership, Signable.LCSPR_DECISION, signatures),
        "history": signatures,
        "content_hash": decision_hash(lcspr),
    }


@transaction.atomic
def sign_decision(ctx: TenantContext, lcspr: Lcspr, *, expected_hash: str | None = None) -> LcsprSignOff:
    """The signed-in person signs the decision for their member (in their seat at the policy's
    level); the business unit hears when every member has signed."""
    LcsprPolicy.require(ctx, "sign", lcspr)
    lcspr = Lcspr.objects.for_partnership(ctx.partnership).select_for_update().get(pk=lcspr.pk)
    if expected_hash and expected_hash != decision_hash(lcspr):
        raise StaleVersion(
            "The decision was changed after you read it: read it again before you sign", version=lcspr.version
        )
    existing = LcsprSignOff.objects.for_partnership(ctx.partnership).filter(lcspr=lcspr)
    signature = sign_offs.record(
        ctx,
        model=LcsprSignOff,
        what=Signable.LCSPR_DECISION,
        existing=existing,
        version=lcspr.version,
        hashed=decision_hash(lcspr),
        event="lcspr.decision_signed",
        obj=lcspr,
        lcspr=lcspr,
    )
    state = sign_offs.status(ctx.partnership, Signable.LCSPR_DECISION, existing)
    _send(
        ctx,
        "lcspr_decision_signed",
        key=f"lcspr:{lcspr.pk}:signed:{signature.pk}",
        to=Recipients(ctx.partnership).business_unit(),
        lcspr=lcspr,
        member=signature.member,
        complete=state["complete"],
    )
    return signature


@transaction.atomic
def add_meeting(ctx: TenantContext, lcspr: Lcspr, *, date: dt.date | None, notes: str = "") -> LcsprMeeting:
    LcsprPolicy.require(ctx, "manage", lcspr)
    errors = Errors()
    errors.required("date", date, name="The date of the meeting")
    errors.date_not_before(
        "date", date, lcspr.decision_date, name="The meeting", earliest_name="the decision to commission the review"
    )
    errors.raise_if_any()
    meeting = LcsprMeeting.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership, lcspr=lcspr, date=date, notes=(notes or "").strip()
    )
    activity.record(ctx, event="lcspr.meeting_added", obj=lcspr, changes={"meeting": {"old": None, "new": date}})
    return meeting


@transaction.atomic
def receive_report(
    ctx: TenantContext, lcspr: Lcspr, *, final: bool, received_on: dt.date | None, upload, content=None, kind=None
) -> Lcspr:
    """Store the draft or final report (an uploaded document) and the date it was received."""
    LcsprPolicy.require(ctx, "manage", lcspr)
    lcspr = _locked(ctx, lcspr, step="final-report" if final else "draft-report")
    errors = Errors()
    errors.date_not_in_future("received_on", received_on, name="The date received")
    if received_on and received_on < lcspr.decision_date:
        errors.add("received_on", "The report cannot arrive before the review was commissioned")
    if not final and lcspr.final_report_id:
        errors.add("received_on", "The final report has already been received")
    if final and received_on and lcspr.planned_publication_date and lcspr.planned_publication_date <= received_on:
        errors.add(
            "received_on", "The planned publication date is on or before this date: change the publication date first"
        )
    errors.raise_if_any()
    before = activity.snapshot(lcspr, FIELDS)
    document = documents.attach(
        ctx,
        about=lcspr,
        upload=upload,
        content=content,
        kind=kind,
        title=f"{'Final' if final else 'Draft'} report, {lcspr.notification.reference}",
    )
    if final:
        lcspr.final_report, lcspr.final_report_received_on, lcspr.status = (
            document,
            received_on,
            LcsprStatus.FINAL_REPORT,
        )
    else:
        lcspr.draft_report, lcspr.draft_report_received_on = document, received_on
    return _save(ctx, lcspr, before, "lcspr.final_report_received" if final else "lcspr.draft_report_received")


@transaction.atomic
def plan_publication(
    ctx: TenantContext, lcspr: Lcspr, *, planned_publication_date: dt.date | None, expected_version: int | None = None
) -> Lcspr:
    LcsprPolicy.require(ctx, "manage", lcspr)
    lcspr = _locked(ctx, lcspr, step="publication-date", expected_version=expected_version)
    if planned_publication_date is None:
        raise ValidationError({"planned_publication_date": ["Enter the planned publication date"]})
    if lcspr.final_report_received_on and planned_publication_date <= lcspr.final_report_received_on:
        raise ValidationError(
            {
                "planned_publication_date": [
                    f"The publication date must be after the final report was received ({lcspr.final_report_received_on:%-d %b %Y})"
                ]
            }
        )
    if planned_publication_date < lcspr.decision_date:
        raise ValidationError(
            {"planned_publication_date": ["The publication date must be after the review was commissioned"]}
        )
    before = activity.snapshot(lcspr, FIELDS)
    lcspr.planned_publication_date = planned_publication_date
    return _save(ctx, lcspr, before, "lcspr.publication_planned")


@transaction.atomic
def send_to_panel(
    ctx: TenantContext, lcspr: Lcspr, *, sent_on: dt.date | None, expected_version: int | None = None
) -> Lcspr:
    LcsprPolicy.require(ctx, "manage", lcspr)
    lcspr = _locked(ctx, lcspr, step="sent-to-panel", expected_version=expected_version)
    errors = Errors()
    _happened(
        errors,
        "sent_on",
        sent_on,
        name="The date",
        after=(lcspr.final_report_received_on, "the day the final report was received"),
    )
    errors.raise_if_any()
    before = activity.snapshot(lcspr, FIELDS)
    lcspr.sent_to_panel_on, lcspr.status = sent_on, LcsprStatus.SENT_TO_PANEL
    return _save(ctx, lcspr, before, "lcspr.sent_to_panel")


@transaction.atomic
def publish(
    ctx: TenantContext,
    lcspr: Lcspr,
    *,
    published_on: dt.date | None,
    published_url: str,
    expected_version: int | None = None,
) -> Lcspr:
    LcsprPolicy.require(ctx, "manage", lcspr)
    lcspr = _locked(ctx, lcspr, step="published", expected_version=expected_version)
    errors = Errors()
    _happened(
        errors,
        "published_on",
        published_on,
        name="The publication date",
        after=(lcspr.sent_to_panel_on, "the day the report went to the Panel"),
    )
    if not (published_url or "").strip():
        errors.add("published_url", "Enter the address of the published report")
    errors.raise_if_any()
    before = activity.snapshot(lcspr, FIELDS)
    lcspr.published_on, lcspr.published_url, lcspr.status = published_on, published_url.strip(), LcsprStatus.PUBLISHED
    return _save(ctx, lcspr, before, "lcspr.published")


@transaction.atomic
def decide_not_to_publish(
    ctx: TenantContext, lcspr: Lcspr, *, rationale: str, improvements_summary: str, expected_version: int | None = None
) -> Lcspr:
    LcsprPolicy.require(ctx, "manage", lcspr)
    lcspr = _locked(ctx, lcspr, step="not-publishing", expected_version=expected_version)
    errors = Errors()
    if not (rationale or "").strip():
        errors.add("rationale", "Give the reason the report will not be published")
    if not (improvements_summary or "").strip():
        errors.add("improvements_summary", "Say what will be published instead about the improvements being made")
    errors.raise_if_any()
    before = activity.snapshot(lcspr, FIELDS)
    lcspr.not_published_rationale, lcspr.improvements_summary = rationale.strip(), improvements_summary.strip()
    lcspr.status = LcsprStatus.NOT_PUBLISHED
    return _save(ctx, lcspr, before, "lcspr.not_published")
