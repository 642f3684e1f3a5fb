"""A rapid review's clock: each request for information's reply-by date, registered with the
deadline engine."""

from django.utils.text import Truncator

from lscp.deadlines import ClockKind, StartOption, register
from lscp.web.links import record_page_url


def _why_closed(request) -> str:
    words = "Withdrawn" if request.status == "withdrawn" else "Not needed"
    return Truncator(f"{words}: {request.closed_reason}").chars(300)


def _request_url(request) -> str:
    return record_page_url("information-request-detail", request.partnership.slug, request.pk)


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
        task="send your organisation's agency summary",
        subject_label=lambda r: f"{r.notification.reference} ({r.member})",
        url=_request_url,
        actors=lambda r, directory: directory.agency_leads(r.member_id),
        # "Escalating to the agency lead and then the business unit": not the statutory partners.
        escalate_to_partners=False,
        editable=False,
        # Closed when the rapid review completed, or withdrawn: the clock stops, not needed.
        applies=lambda r: not r.is_closed,
        not_applicable_reason=lambda r: _why_closed(r),
        related=("notification", "member__organisation"),
    )
)
