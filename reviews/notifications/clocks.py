"""The four statutory clocks of a notification (DESIGN.md §2, the "5/15/5/15"), registered with
the deadline engine. Each partnership may change their length, unit and (for the rapid review)
which event starts them; these are the statutory defaults."""

from lscp.deadlines import ClockKind, StartOption, register
from lscp.web.links import record_page_url
from reviews.notifications import criteria


def _url(notification) -> str:
    return record_page_url("notification-detail", notification.partnership.slug, notification.pk)


def _business_unit(notification, directory) -> list[str]:
    """Whoever must act on a notification's statutory steps: its case officer, else the business unit."""
    return directory.membership(notification.case_officer_id) or directory.business_unit()


COMMON = {
    "model": "reviews.Notification",
    "subject_label": lambda n: n.reference,
    "url": _url,
    "actors": _business_unit,
}
# The Panel's notification runs when the Panel is notified; the rapid review's three clocks only when
# the Panel considers the case (criteria.rapid_review_reason: each says why not on the case page).
PANEL_CLOCK = {
    **COMMON,
    "applies": lambda n: criteria.panel_reason(n)[0],
    "not_applicable_reason": lambda n: criteria.panel_reason(n)[1],
}
RAPID_REVIEW_CLOCK = {
    **COMMON,
    "applies": lambda n: criteria.rapid_review_reason(n)[0],
    "not_applicable_reason": lambda n: criteria.rapid_review_reason(n)[1],
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
        task="notify the National Panel",
        **PANEL_CLOCK,
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
        task="complete the rapid review",
        **RAPID_REVIEW_CLOCK,
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
        task="send the rapid review outcome to the National Panel",
        **RAPID_REVIEW_CLOCK,
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
        task="chase the National Panel for its response",
        # The Panel is late, not a partner: the business unit chases; the partners need not be told.
        escalate_to_partners=False,
        **RAPID_REVIEW_CLOCK,
    )
)
