"""Writes for a local child safeguarding practice review (LCSPR): commissioning, review panel
meetings, the draft and final reports, the pre-publication send to the Panel and the DfE, and
publication (or the decision not to publish, with what is published instead)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lscp import activity, deadlines, documents
from lscp.states import StateError
from lscp.tenancy import TenantContext
from reviews.models import (
    Lcspr,
    LcsprMeeting,
    LcsprStatus,
    Notification,
    ReviewerKind,
    ReviewRecommendation,
    ReviewStatus,
)
from reviews.permissions import LcsprPolicy
from reviews.rapid_review_services import rapid_review_for

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


def _not_future(value, name, errors, label="The date"):
    if value is None:
        errors[name] = ["Enter the date"]
    elif value > timezone.localdate():
        errors[name] = [f"{label} must be today or in the past"]


def _locked(ctx, lcspr: Lcspr, expected_version=None) -> Lcspr:
    locked = Lcspr.objects.for_partnership(ctx.partnership).select_for_update().get(pk=lcspr.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StateError(
            "The practice review was changed by someone else while you were looking at it: check it and try again."
        )
    return locked


def _save(ctx, lcspr: Lcspr, before: dict, event: str) -> Lcspr:
    lcspr.version += 1
    lcspr.save()
    activity.record(
        ctx, event=event, obj=lcspr, changes=activity.changes_between(before, activity.snapshot(lcspr, FIELDS))
    )
    deadlines.refresh(lcspr)
    return lcspr


def lcspr_for(notification: Notification) -> Lcspr | None:
    return Lcspr.objects.for_partnership(notification.partnership).filter(notification=notification).first()


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
    if lcspr_for(notification) is not None:
        raise StateError(f"An LCSPR has already been commissioned for {notification.reference}.")
    review = rapid_review_for(notification)
    if (
        review is None
        or review.status != ReviewStatus.SIGNED_OFF
        or review.recommendation != ReviewRecommendation.LCSPR
    ):
        raise StateError("An LCSPR is commissioned once the rapid review's signed-off outcome recommends one.")
    errors: dict[str, list[str]] = {}
    _not_future(decision_date, "decision_date", errors, "The decision date")
    if not (reviewer_name or "").strip():
        errors["reviewer_name"] = ["Enter the reviewer's name"]
    if reviewer_kind not in ReviewerKind.values:
        errors["reviewer_kind"] = ["Choose whether the reviewer is independent or internal"]
    if not (terms_of_reference or "").strip():
        errors["terms_of_reference"] = ["Enter the terms of reference"]
    if scope_from is None:
        errors["scope_from"] = ["Enter the start of the period the review covers"]
    if scope_to is None:
        errors["scope_to"] = ["Enter the end of the period the review covers"]
    elif scope_from and scope_to < scope_from:
        errors["scope_to"] = ["The end of the period must be the same as or after its start"]
    if errors:
        raise ValidationError(errors)
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
    return _save(ctx, lcspr, {}, "lcspr.commissioned")


@transaction.atomic
def add_meeting(ctx: TenantContext, lcspr: Lcspr, *, date: dt.date | None, notes: str = "") -> LcsprMeeting:
    LcsprPolicy.require(ctx, "manage", lcspr)
    errors: dict[str, list[str]] = {}
    if date is None:
        errors["date"] = ["Enter the date of the meeting"]
    elif date < lcspr.decision_date:
        errors["date"] = [
            f"The meeting must be on or after the decision to commission the review ({lcspr.decision_date:%-d %b %Y})"
        ]
    if errors:
        raise ValidationError(errors)
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
    lcspr = _locked(ctx, lcspr)
    if lcspr.status not in (LcsprStatus.COMMISSIONED, LcsprStatus.FINAL_REPORT):
        raise StateError("The reports can be changed only until the final report has been sent to the Panel.")
    errors: dict[str, list[str]] = {}
    _not_future(received_on, "received_on", errors, "The date received")
    if received_on and received_on < lcspr.decision_date:
        errors["received_on"] = ["The report cannot arrive before the review was commissioned"]
    if not final and lcspr.final_report_id:
        errors["received_on"] = [*errors.get("received_on", []), "The final report has already been received"]
    if final and received_on and lcspr.planned_publication_date and lcspr.planned_publication_date <= received_on:
        errors["received_on"] = [
            "The planned publication date is on or before this date: change the publication date first"
        ]
    if errors:
        raise ValidationError(errors)
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
def plan_publication(ctx: TenantContext, lcspr: Lcspr, *, planned_publication_date: dt.date | None) -> Lcspr:
    LcsprPolicy.require(ctx, "manage", lcspr)
    lcspr = _locked(ctx, lcspr)
    if lcspr.status in (LcsprStatus.PUBLISHED, LcsprStatus.NOT_PUBLISHED):
        raise StateError("The publication decision has already been made.")
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
def send_to_panel(ctx: TenantContext, lcspr: Lcspr, *, sent_on: dt.date | None) -> Lcspr:
    LcsprPolicy.require(ctx, "manage", lcspr)
    lcspr = _locked(ctx, lcspr)
    if lcspr.status != LcsprStatus.FINAL_REPORT:
        raise StateError("The final report is sent to the Panel and the DfE once it has been received, and only once.")
    errors: dict[str, list[str]] = {}
    _not_future(sent_on, "sent_on", errors)
    if sent_on and sent_on < lcspr.final_report_received_on:
        errors["sent_on"] = [
            f"The date must be on or after the final report was received ({lcspr.final_report_received_on:%-d %b %Y})"
        ]
    if errors:
        raise ValidationError(errors)
    before = activity.snapshot(lcspr, FIELDS)
    lcspr.sent_to_panel_on, lcspr.status = sent_on, LcsprStatus.SENT_TO_PANEL
    return _save(ctx, lcspr, before, "lcspr.sent_to_panel")


@transaction.atomic
def publish(ctx: TenantContext, lcspr: Lcspr, *, published_on: dt.date | None, published_url: str) -> Lcspr:
    LcsprPolicy.require(ctx, "manage", lcspr)
    lcspr = _locked(ctx, lcspr)
    if lcspr.status != LcsprStatus.SENT_TO_PANEL:
        raise StateError(
            "The report is published after it has been sent to the Panel and the Department for Education."
        )
    errors: dict[str, list[str]] = {}
    _not_future(published_on, "published_on", errors, "The publication date")
    if published_on and published_on < lcspr.sent_to_panel_on:
        errors["published_on"] = [
            f"The publication date must be on or after the report went to the Panel ({lcspr.sent_to_panel_on:%-d %b %Y})"
        ]
    if not (published_url or "").strip():
        errors["published_url"] = ["Enter the address of the published report"]
    if errors:
        raise ValidationError(errors)
    before = activity.snapshot(lcspr, FIELDS)
    lcspr.published_on, lcspr.published_url, lcspr.status = published_on, published_url.strip(), LcsprStatus.PUBLISHED
    return _save(ctx, lcspr, before, "lcspr.published")


@transaction.atomic
def decide_not_to_publish(ctx: TenantContext, lcspr: Lcspr, *, rationale: str, improvements_summary: str) -> Lcspr:
    LcsprPolicy.require(ctx, "manage", lcspr)
    lcspr = _locked(ctx, lcspr)
    if lcspr.status in (LcsprStatus.PUBLISHED, LcsprStatus.NOT_PUBLISHED):
        raise StateError("The publication decision has already been made.")
    errors: dict[str, list[str]] = {}
    if not (rationale or "").strip():
        errors["rationale"] = ["Give the reason the report will not be published"]
    if not (improvements_summary or "").strip():
        errors["improvements_summary"] = ["Say what will be published instead about the improvements being made"]
    if errors:
        raise ValidationError(errors)
    before = activity.snapshot(lcspr, FIELDS)
    lcspr.not_published_rationale, lcspr.improvements_summary = rationale.strip(), improvements_summary.strip()
    lcspr.status = LcsprStatus.NOT_PUBLISHED
    return _save(ctx, lcspr, before, "lcspr.not_published")
