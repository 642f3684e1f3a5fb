"""Makers of the notification flow's and the deadline engine's tenant-owned records (see world.py)."""

from __future__ import annotations

import datetime as dt
import io
import itertools

from django.utils import timezone
from pypdf import PdfWriter

from lscp import deadlines
from lscp.deadlines import services as deadline_services
from lscp.models import CalendarOverride, Deadline, DeadlinePolicy, Document, Escalation, EscalationSettings
from reviews.notifications import services
from reviews.notifications.models import Child, Notification
from tests.support.world import World, maker

_serial = itertools.count(1)


def child(reference="Child Q", **overrides) -> services.ChildAnswer:
    values = dict(
        reference=reference,
        age_years=15,
        sex="female",
        ethnicity="black_african",
        looked_after=False,
        home_area="Thurrock",
        known_to=[],
    )
    values.update(overrides)
    return services.ChildAnswer(**values)


def submit(
    world: World, who: str = "business", *, aware_date: dt.date | None = None, children=None, **overrides
) -> Notification:
    """A notification through the real service; sensible defaults, any field overridden."""
    ctx = world.ctx(who)
    aware = aware_date or timezone.localdate()
    values = dict(
        submission_key=f"test-{world.slug}-{next(_serial)}",
        pathway="mandatory" if who == "business" else "agency",
        notifying_member=world.members["council"] if who == "business" else ctx.member,
        notifier_name="Duty Lead",
        notifier_email="duty@example.org",
        incident_date=aware,
        aware_date=aware,
        location="in_area",
        nature="serious_harm",
        abuse_or_neglect="known",
        children=children if children is not None else [child(known_to=[world.members["agency"]])],
        summary="What happened.",
    )
    values.update(overrides)
    return services.notification_submit(ctx, **values)


@maker(Notification)
def _notification(world: World) -> Notification:
    """A case that has been everywhere: rapid review with an agency summary, three sign-offs,
    completed, and an LCSPR commissioned with a panel meeting (so every route has something)."""
    return full_case(world)


@maker(Child)
def _child(world: World) -> Child:
    return (
        world.objects[Notification].children.first()
        if Notification in world.objects
        else submit(world).children.first()
    )


@maker(Deadline)
def _deadline(world: World) -> Deadline:
    notification = world.objects.get(Notification) or submit(world)
    return deadlines.clocks_for(notification)[0]


@maker(Escalation)
def _escalation(world: World) -> Escalation:
    notification = submit(world, aware_date=timezone.localdate() - dt.timedelta(days=21))
    deadlines.sweep(dispatch=lambda ids: deadlines.escalate(ids))
    return Escalation.objects.for_partnership(world.partnership).filter(deadline__subject_id=notification.pk).first()


@maker(DeadlinePolicy)
def _policy(world: World) -> DeadlinePolicy:
    deadline_services.set_clock_rules(
        world.ctx(), {"rapid_review": {"length": 15, "unit": "working", "start": "panel_notified"}}
    )
    return DeadlinePolicy.objects.for_partnership(world.partnership).get(kind="rapid_review")


@maker(EscalationSettings)
def _settings(world: World) -> EscalationSettings:
    return deadline_services.set_escalation(
        world.ctx(), reminder_days_before=2, repeat_every_days=5, business_unit_manager=world.people["business"]
    )


@maker(CalendarOverride)
def _override(world: World) -> CalendarOverride:
    return deadline_services.add_calendar_override(
        world.ctx(),
        date=dt.date(2030, 12, 27),
        is_working_day=False,
        reason="Office closed between Christmas and New Year",
    )


def _one_page_pdf() -> bytes:
    """The smallest real PDF: one blank page (an upload must parse as a PDF)."""
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_BYTES = _one_page_pdf()


@maker(Document)
def _document(world: World) -> Document:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lscp import documents

    notification = world.objects.get(Notification) or submit(world)
    return documents.attach(
        world.ctx(), about=notification, upload=SimpleUploadedFile("chronology.pdf", PDF_BYTES), title="Chronology"
    )


# ----------------------------------------------------------------------------------------------
# Rapid reviews and LCSPRs

from reviews.lcspr import services as lcspr_services  # noqa: E402
from reviews.models import (  # noqa: E402
    ChronologyEntry,
    InformationRequest,
    Lcspr,
    LcsprMeeting,
    LcsprSignOff,
    MeetingAttendee,
    RapidReview,
    SignOff,
)
from reviews.rapid_review import selectors as rapid_review_selectors  # noqa: E402
from reviews.rapid_review import services as rapid_review_services  # noqa: E402


def criteria(met: dict[str, str] | None = None) -> dict:
    """Every criterion decided: those in `met` are met with that rationale, the rest not met."""
    from reviews.models import LcsprCriterion

    met = met or {}
    return {c.value: {"met": c.value in met, "rationale": met.get(c.value, "")} for c in LcsprCriterion}


def decided(ctx, notification: Notification) -> Notification:
    """The criteria decided by the business unit (the product's evaluation confirmed), as the
    National Panel is notified only on a decision; a decision already made is kept."""
    if notification.criteria_decision:
        return notification
    return services.decide_criteria(ctx, notification, result=notification.evaluation.result)


def notify_panel(ctx, notification: Notification, **values) -> Notification:
    """The criteria decided (`decided`), then the step "panel_notified" with `values` (on=, panel_reference=, ...)."""
    return services.record_step(ctx, decided(ctx, notification), step="panel_notified", **values)


def started(world: World, **overrides) -> Notification:
    """A notification whose rapid review has started (aware 10 days ago)."""
    aware = timezone.localdate() - dt.timedelta(days=10)
    notification = submit(world, aware_date=aware, incident_date=aware, **overrides)
    ctx = world.ctx()
    notification = notify_panel(ctx, notification, on=aware + dt.timedelta(days=1), panel_reference="P-1")
    return services.record_step(ctx, notification, step="rapid_review_started", on=aware + dt.timedelta(days=2))


def meeting(world: World, notification: Notification, *, recommendation="lcspr", **overrides) -> RapidReview:
    values = dict(
        meeting_date=timezone.localdate() - dt.timedelta(days=1),
        attendees=[
            {"member": world.members["council"], "name": "Sam Lead", "role": "Head of Service"},
            {"member": world.members["agency"], "name": "Nia Nurse", "role": "Named Nurse"},
        ],
        key_practice_episodes="Missed health appointments were not followed up.",
        learning="Professional curiosity about fathers was lacking.",
        immediate_actions="A strategy meeting was held for the siblings.",
        context="The family's first language is not English.",
        criteria=criteria({"agencies_together": "Health and children's social care did not share information"}),
        recommendation=recommendation,
        recommendation_rationale="Learning across agencies warrants a local review.",
    )
    values.update(overrides)
    review = rapid_review_for_or_none(notification)
    return rapid_review_services.save_meeting(
        world.ctx(), notification, expected_version=review.version if review else None, **values
    )


def rapid_review_for_or_none(notification):
    notification.refresh_from_db()
    return rapid_review_selectors.rapid_review_for(notification)


def signed_off(world: World, notification: Notification) -> RapidReview:
    rapid_review_services.send_for_sign_off(world.ctx(), notification)
    for who in ("council", "police", "health"):
        rapid_review_services.sign_off(world.ctx(who), notification, decision="signed")
    return rapid_review_for_or_none(notification)


def commissioned(world: World) -> Lcspr:
    notification = started(world)
    meeting(world, notification)
    signed_off(world, notification)
    return _commission(world, notification)


def _commission(world: World, notification: Notification) -> Lcspr:
    """Complete the signed-off rapid review, and commission the LCSPR it recommends."""
    notification = services.record_step(world.ctx(), notification, step="rapid_review_completed", on=None)
    today = timezone.localdate()
    return lcspr_services.commission(
        world.ctx(),
        notification,
        decision_date=today,
        reviewer_name="Dr Jo Reviewer",
        reviewer_kind="independent",
        terms_of_reference="Terms.",
        scope_from=today - dt.timedelta(days=400),
        scope_to=today - dt.timedelta(days=10),
    )


def full_case(world: World) -> Notification:
    notification = started(world)
    [request] = rapid_review_services.request_information(
        world.ctx(),
        notification,
        members=[world.members["agency"]],
        reply_by=timezone.localdate() + dt.timedelta(days=7),
    )
    rapid_review_services.save_agency_summary(
        world.ctx("agency"),
        request,
        involvement="Health visiting.",
        immediate_actions="",
        learning="Share earlier.",
        chronology=[
            {"date": timezone.localdate() - dt.timedelta(days=30), "event": "Home visit", "agency_action": "Referral"}
        ],
    )
    meeting(world, notification)
    signed_off(world, notification)
    lcspr = _commission(world, notification)
    lcspr_services.add_meeting(world.ctx(), lcspr, date=timezone.localdate(), notes="Scoping")
    notification.refresh_from_db()
    return notification


@maker(InformationRequest)
def _information_request(world: World) -> InformationRequest:
    return InformationRequest.objects.for_partnership(world.partnership).get(notification=world.objects[Notification])


@maker(ChronologyEntry)
def _chronology(world: World) -> ChronologyEntry:
    return world.objects[InformationRequest].chronology.first()


@maker(Lcspr)
def _lcspr(world: World) -> Lcspr:
    return Lcspr.objects.for_partnership(world.partnership).get(notification=world.objects[Notification])


@maker(RapidReview)
def _rapid_review(world: World) -> RapidReview:
    return RapidReview.objects.for_partnership(world.partnership).get(notification=world.objects[Notification])


@maker(MeetingAttendee)
def _attendee(world: World) -> MeetingAttendee:
    return world.objects[RapidReview].attendees.first()


@maker(SignOff)
def _sign_off(world: World) -> SignOff:
    return world.objects[RapidReview].sign_offs.first()


@maker(LcsprMeeting)
def _lcspr_meeting(world: World) -> LcsprMeeting:
    return world.objects[Lcspr].meetings.first()


@maker(LcsprSignOff)
def _lcspr_sign_off(world: World) -> LcsprSignOff:
    return lcspr_services.sign_decision(world.ctx("council"), world.objects[Lcspr])
