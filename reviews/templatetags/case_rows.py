"""The cases list's rows, each drawn in one call (`{% case_row notification clock url today %}`):
as a template of a dozen variables, filters and an include, fifty rows cost about as much as
everything else the page does (issue 15). The markup is the row's, written once here; every value
is escaped as the template escaped it (tests/reviews/notifications/test_case_rows.py compares
them)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from lscp.deadlines.engine import label_for
from lscp.templatetags.lscp import govuk_date

register = template.Library()

_ROW = (
    '\n    <tr class="govuk-table__row">'
    '\n      <td class="govuk-table__cell"><a class="govuk-link" href="{url}">{reference}</a></td>'
    '\n      <td class="govuk-table__cell lscp-nowrap">{received}</td>'
    '\n      <td class="govuk-table__cell">{organisation}</td>'
    '\n      <td class="govuk-table__cell">{status}</td>'
    '\n      <td class="govuk-table__cell">{clock}</td>'
    "\n    </tr>\n  "
)

# includes/clock_tag.html's tag for each status a clock can have.
_TAGS = {
    status: format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>\n', colour, words)
    for status, colour, words in [
        ("overdue", "red", "Overdue"),
        ("open", "blue", "Open"),
        ("met", "green", "Met"),
        ("met_late", "orange", "Met late"),
        ("pending", "grey", "Not started"),
    ]
}
_NO_CLOCK = mark_safe('<span class="govuk-body-s">No clock running</span>')


def clock_cell(clock, today) -> SafeString:
    """A clock as the list's last column shows it: its status, its name, and when it was met or is due."""
    if not clock:
        return _NO_CLOCK
    return format_html(
        "{} {}, {} {}",
        _TAGS.get(clock.status_on(today), _TAGS["pending"]),
        label_for(clock),
        "met" if clock.met_on else "due",
        govuk_date(clock.met_on or clock.due_date),
    )


@register.simple_tag
def case_row(notification, clock, url: str, today) -> SafeString:
    """A notification's row in the cases list, with its current clock (or None)."""
    return format_html(
        _ROW,
        url=url,
        reference=notification.reference,
        received=govuk_date(notification.received_on),
        organisation=notification.notifying_member.organisation,
        status=notification.get_status_display(),
        clock=clock_cell(clock, today),
    )
