"""An LCSPR's two clocks (completion, and the final report to the Panel and the DfE before
publication), registered with the deadline engine."""

from lscp.deadlines import ClockKind, StartOption, register
from lscp.web.links import record_page_url


def _lcspr_url(lcspr) -> str:
    return record_page_url("lcspr-detail", lcspr.partnership.slug, lcspr.notification_id)


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
        task="complete the local child safeguarding practice review",
        subject_label=lambda lcspr: f"{lcspr.notification.reference} LCSPR",
        url=_lcspr_url,
        actors=lambda lcspr, directory: directory.business_unit(),
        related=("notification",),
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
        task="send the final LCSPR report to the Panel and the DfE",
        subject_label=lambda lcspr: f"{lcspr.notification.reference} LCSPR",
        url=_lcspr_url,
        actors=lambda lcspr, directory: directory.business_unit(),
        related=("notification",),
        applies=_publishing,
        not_applicable_reason="Not needed: the partners decided not to publish the report",
    )
)
