"""A published version's next review date is a clock in the deadline engine (lscp/deadlines): it
runs from the day the version was published and is due on its next review date; publishing a new
version of the document meets it. Reminders go to the business unit, who keep the register; on
the due date the business unit manager hears too, and once overdue the safeguarding partners,
like any other clock. A version never published has no review to chase."""

from lscp.deadlines import ClockKind, StartOption, register
from lscp.web.links import record_page_url


def _published(version) -> bool:
    return version.published_on is not None


DOCUMENT_REVIEW = register(
    ClockKind(
        key="document_review",
        label="Review the published document",
        model="governance.DocumentVersion",
        length=0,
        unit="working",
        starts=(StartOption("published", "the date the version was published"),),
        start_date=lambda version, start: version.published_on,
        met_date=lambda version: version.superseded_on,
        met_label="a new version of the document is published",
        task="review the published document and publish its next version",
        subject_label=lambda version: str(version),
        url=lambda version: record_page_url(
            "governance-document-detail", version.partnership.slug, version.document_id
        ),
        actors=lambda version, directory: directory.business_unit(),
        applies=_published,
        not_applicable_reason="Not needed: the version is not published",
        due_on=lambda version: version.next_review_on,
        due_on_label="the next review date set when it was published",
        editable=False,
        related=("document",),
    )
)
