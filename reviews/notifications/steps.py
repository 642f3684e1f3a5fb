"""The statutory steps of a notification (DESIGN.md §2), declared once: their order, the state
each moves from and to, the date each records and what that date may not precede. The service
(record_step), the step pages and their URLs, the API's step actions and the demo all read this."""

from __future__ import annotations

from dataclasses import dataclass

from reviews.notifications.models import Notification, Status


@dataclass(frozen=True)
class StepSpec:
    key: str
    label: str  # the page heading and the activity log's words
    from_status: str
    to_status: str
    date_field: str  # the notification's field the date is recorded in
    date_input: str  # the input's name (page and API)
    date_label: str  # the date's question on the page
    after_field: str  # the date may not precede this one
    after_label: str

    @property
    def slug(self) -> str:
        """The step in URLs: /notifications/<id>/<slug>/, and the route name notification-<slug>."""
        return self.key.replace("_", "-")


STEPS: dict[str, StepSpec] = {
    spec.key: spec
    for spec in [
        StepSpec(
            "panel_notified",
            "Notification sent to the National Panel",
            Status.SUBMITTED,
            Status.PANEL_NOTIFIED,
            "panel_notified_on",
            "sent_on",
            "Date sent to the National Panel",
            "aware_date",
            "the date the local authority became aware",
        ),
        StepSpec(
            "rapid_review_started",
            "Rapid review started",
            Status.PANEL_NOTIFIED,
            Status.RAPID_REVIEW_STARTED,
            "rapid_review_started_on",
            "started_on",
            "Date the rapid review started",
            "panel_notified_on",
            "the date the Panel was notified",
        ),
        StepSpec(
            "rapid_review_completed",
            "Rapid review completed",
            Status.RAPID_REVIEW_STARTED,
            Status.RAPID_REVIEW_COMPLETED,
            "rapid_review_completed_on",
            "completed_on",
            "Date the rapid review was completed",
            "rapid_review_started_on",
            "the date the rapid review started",
        ),
        StepSpec(
            "outcome_sent",
            "Rapid review outcome sent to the Panel",
            Status.RAPID_REVIEW_COMPLETED,
            Status.OUTCOME_SENT,
            "outcome_sent_on",
            "sent_on",
            "Date the outcome was sent to the Panel",
            "rapid_review_completed_on",
            "the date the rapid review was completed",
        ),
        StepSpec(
            "panel_responded",
            "The Panel's response",
            Status.OUTCOME_SENT,
            Status.PANEL_RESPONDED,
            "panel_response_received_on",
            "received_on",
            "Date the Panel's response was received",
            "outcome_sent_on",
            "the date the outcome was sent",
        ),
        # A care leaver's death (criteria.CARE_LEAVER_DEATH) instead of all the above.
        StepSpec(
            "sos_ofsted_notified",
            "Secretary of State and Ofsted notified",
            Status.SUBMITTED,
            Status.SOS_OFSTED_NOTIFIED,
            "sos_notified_on",
            "sos_notified_on",
            "Date the Secretary of State was notified",
            "aware_date",
            "the date the local authority became aware",
        ),
    ]
}
STATUS_ORDER = [choice for choice, _ in Status.choices]


def steps_for(notification: Notification) -> list[StepSpec]:
    """The steps this notification goes through: a care leaver's death only the last one."""
    if notification.is_care_leaver_death:
        return [STEPS["sos_ofsted_notified"]]
    return [spec for key, spec in STEPS.items() if key != "sos_ofsted_notified"]


def next_step(notification: Notification) -> StepSpec | None:
    return next((spec for spec in steps_for(notification) if spec.from_status == notification.status), None)
