"""The self-assessment return's clock: due on the cycle's return date, reminding the
organisation's agency leads and escalating to the business unit, then the partners."""

from lscp.deadlines import ClockKind, StartOption, register
from lscp.web.links import record_page_url

SELF_ASSESSMENT = register(
    ClockKind(
        key="self_assessment",
        label="Self-assessment return",
        model="audits.SelfAssessment",
        length=0,
        unit="working",
        starts=(StartOption("opens", "the date the cycle opened"),),
        start_date=lambda r, start: r.cycle.opens_on,
        met_date=lambda r: r.submitted_on,
        due_on=lambda r: r.cycle.due_on,
        due_on_label="the cycle's return date",
        met_label="the organisation submits its return",
        task="submit your organisation's self-assessment",
        subject_label=lambda r: f"{r.cycle} ({r.member})",
        url=lambda r: record_page_url("self-assessment-detail", r.partnership.slug, r.pk),
        actors=lambda r, directory: directory.agency_leads(r.member_id),
        editable=False,
        related=("cycle", "member__organisation"),
    )
)
