"""The four statutory clocks of a notification (DESIGN.md §2, the "5/15/5/15"), registered with
the deadline engine. Each partnership may change their length, unit and (for the rapid review)
which event starts them; these are the statutory defaults."""

from django.urls import reverse

from lscp.deadlines import ClockKind, StartOption, register


def _url(notification) -> str:
    return reverse("notification-detail", args=[notification.partnership.slug, notification.pk])


def _business_unit(notification, directory) -> list[str]:
    """Whoever must act on a notification's statutory steps: its case officer, else the business unit."""
    return directory.membership(notification.case_officer_id) or directory.business_unit()


def _notifiable(notification) -> bool:
    return notification.notifiable


NOT_NOTIFIABLE = "Not needed: the criteria for notifying the National Panel are not met"
COMMON = {
    "model": "reviews.Notification",
    "subject_label": lambda n: n.reference,
    "url": _url,
    "actors": _business_unit,
    "applies": _notifiable,
    "not_applicable_reason": NOT_NOTIFIABLE,
}

PANEL_NOTIFICATION = register(
    ClockKind(
        key="panel_notification",
        label="Notify the National Panel",
        length=5,
        unit="working",
        starts=(StartOption("aware", "the date the local authority became aware"),),
        start_date=lambda n, start: n.aware_date,
        met_date=lambda n: n.panel_notified_on,
        met_label="the notification is sent to the National Panel",
        action="notify the National Panel",
        **COMMON,
    )
)

RAPID_REVIEW = register(
    ClockKind(
        key="rapid_review",
        label="Complete the rapid review",
        length=15,
        unit="working",
        starts=(
            StartOption("panel_notified", "the date the Panel was notified"),
            StartOption("received", "the date the partnership received the notification"),
        ),
        start_date=lambda n, start: n.received_on if start == "received" else n.panel_notified_on,
        met_date=lambda n: n.rapid_review_completed_on,
        met_label="the rapid review is completed",
        action="complete the rapid review",
        **COMMON,
    )
)

OUTCOME_TO_PANEL = register(
    ClockKind(
        key="outcome_to_panel",
        label="Send the rapid review outcome to the Panel",
        length=5,
        unit="working",
        starts=(StartOption("completed", "the date the rapid review was completed"),),
        start_date=lambda n, start: n.rapid_review_completed_on,
        met_date=lambda n: n.outcome_sent_on,
        met_label="the outcome is sent to the National Panel",
        action="send the rapid review outcome to the National Panel",
        **COMMON,
    )
)

PANEL_RESPONSE = register(
    ClockKind(
        key="panel_response",
        label="The Panel's response",
        length=15,
        unit="working",
        starts=(StartOption("outcome_sent", "the date the outcome was sent"),),
        start_date=lambda n, start: n.outcome_sent_on,
        met_date=lambda n: n.panel_response_received_on,
        met_label="the Panel's response is recorded",
        action="chase the National Panel for its response",
        # The Panel is late, not a partner: the business unit chases; the partners need not be told.
        escalate_to_partners=False,
        **COMMON,
    )
)


# ----------------------------------------------------------------------------------------------
# A rapid review's requests for information, and an LCSPR's two clocks


def _request_url(request) -> str:
    return reverse("information-request-detail", args=[request.partnership.slug, request.pk])


INFORMATION_REQUEST = register(
    ClockKind(
        key="information_request",
        label="Individual agency summary",
        model="reviews.InformationRequest",
        length=0,
        unit="working",
        starts=(StartOption("requested", "the date of the request"),),
        start_date=lambda r, start: r.requested_on,
        met_date=lambda r: r.submitted_on,
        due_on=lambda r: r.reply_by,
        due_on_label="the reply-by date the business unit set",
        met_label="the agency summary is submitted",
        action="send your organisation's agency summary",
        subject_label=lambda r: f"{r.notification.reference} ({r.member})",
        url=_request_url,
        actors=lambda r, directory: directory.agency_leads(r.member_id),
        # "Escalating to the agency lead and then the business unit": not the statutory partners.
        escalate_to_partners=False,
        editable=False,
    )
)


def _lcspr_url(lcspr) -> str:
    return reverse("lcspr-detail", args=[lcspr.partnership.slug, lcspr.notification_id])


def _publishing(lcspr) -> bool:
    return not lcspr.not_published_rationale


LCSPR_COMPLETION = register(
    ClockKind(
        key="lcspr_completion",
        label="Complete the LCSPR",
        model="reviews.Lcspr",
        length=6,
        unit="months",
        starts=(StartOption("decision", "the date of the decision to commission it"),),
        start_date=lambda lcspr, start: lcspr.decision_date,
        met_date=lambda lcspr: lcspr.final_report_received_on,
        met_label="the final report is received",
        action="complete the local child safeguarding practice review",
        subject_label=lambda lcspr: f"{lcspr.notification.reference} LCSPR",
        url=_lcspr_url,
        actors=lambda lcspr, directory: directory.business_unit(),
    )
)

LCSPR_PRE_PUBLICATION = register(
    ClockKind(
        key="lcspr_pre_publication",
        label="Send the final report to the Panel and the DfE",
        model="reviews.Lcspr",
        length=7,
        unit="working",
        starts=(StartOption("final_report", "the date the final report was received"),),
        start_date=lambda lcspr, start: lcspr.final_report_received_on,
        met_date=lambda lcspr: lcspr.sent_to_panel_on,
        counts_back_from=lambda lcspr: lcspr.planned_publication_date,
        counts_back_label="planned publication",
        met_label="the final report is sent to the National Panel and the Department for Education",
        action="send the final LCSPR report to the Panel and the DfE",
        subject_label=lambda lcspr: f"{lcspr.notification.reference} LCSPR",
        url=_lcspr_url,
        actors=lambda lcspr, directory: directory.business_unit(),
        applies=_publishing,
        not_applicable_reason="Not needed: the partners decided not to publish the report",
    )
)
