"""An action's due date is a clock in the deadline engine (lscp/deadlines.py): it runs from the
day the plan went live (or the action was added to a live plan) and is due on the date agreed in
the plan. It is met when the owner marks the action complete with evidence; returning a completion
opens it again. Reminders go to the owner person (else the owner organisation's agency leads, else
the business unit); on the due date the business unit manager hears too, and once overdue the
statutory partners' delegated safeguarding partners (DSPs)."""

from lscp.deadlines import ClockKind, StartOption, register
from lscp.web.links import record_page_url


def _url(action) -> str:
    return record_page_url("action-detail", action.partnership.slug, action.pk)


def _owners(action, directory) -> list[str]:
    return (
        directory.membership(action.owner_id)
        or directory.agency_leads(action.owner_member_id)
        or directory.business_unit()
    )


def _met(action):
    return action.completed_on if action.is_done else None


ACTION_DUE = register(
    ClockKind(
        key="action_due",
        label="Complete the action",
        model="reviews.Action",
        length=0,
        unit="working",
        starts=(StartOption("live", "the date the plan went live"),),
        start_date=lambda action, start: action.clock_starts_on,
        met_date=_met,
        met_label="the owner marks the action complete with evidence",
        task="complete the action",
        subject_label=lambda action: f"action {action.number} of {action.plan.title}",
        url=_url,
        actors=_owners,
        due_on=lambda action: action.due_date,
        due_on_label="the due date agreed in the action plan",
        editable=False,
        related=("plan", "recommendation"),
    )
)
