"""The cases list's rows drawn by one tag each (`{% case_row %}`, issue 15): the same HTML as the
row template they replace, byte for byte, in every branch (no clock; a clock not started, open,
overdue, met, met late; text escaped)."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone

from lscp.models import Deadline
from reviews.notifications import selectors
from tests.support.makers_reviews import started

pytestmark = pytest.mark.django_db

# The row as notification_list.html drew it before the tag.
TEMPLATE_ROW = """{% for notification, clock, url in rows %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{{ url }}">{{ notification.reference }}</a></td>
      <td class="govuk-table__cell lscp-nowrap">{{ notification.received_on|govuk_date }}</td>
      <td class="govuk-table__cell">{{ notification.notifying_member.organisation }}</td>
      <td class="govuk-table__cell">{{ notification.get_status_display }}</td>
      <td class="govuk-table__cell">{% if clock %}{% with status=clock|clock_status:today %}{% include "includes/clock_tag.html" %}{% endwith %} {{ clock|clock_label }}{% if clock.met_on %}, met {{ clock.met_on|govuk_date }}{% else %}, due {{ clock.due_date|govuk_date }}{% endif %}{% else %}<span class="govuk-body-s">No clock running</span>{% endif %}</td>
    </tr>
  {% empty %}{% endfor %}"""

TAG_ROW = "{% load case_rows %}{% for notification, clock, url in rows %}{% case_row notification clock url today %}{% empty %}{% endfor %}"


def test_the_row_tag_draws_what_the_row_template_drew(world_a):
    started(world_a)
    notification = selectors.notifications_for(world_a.ctx()).get()
    notification.reference = "<b>R&D</b> 'one' \"two\""
    notification.notifying_member.organisation.name = "Police & <Crime>"
    real = selectors.current_clock(notification)
    today = timezone.localdate()
    day = dt.timedelta(days=1)

    def clock(kind, **dates):
        return Deadline(kind=kind, subject_type_id=real.subject_type_id, subject_id=notification.pk, **dates)

    clocks = [
        real,
        None,
        clock(real.kind),  # not started
        clock("made-up kind <x>", starts_on=today - 9 * day, due_date=today + day),  # open, no registered words
        clock(real.kind, starts_on=today - 9 * day, due_date=today - day),  # overdue
        clock(real.kind, starts_on=today - 9 * day, due_date=today, met_on=today - day),  # met
        clock(real.kind, starts_on=today - 9 * day, due_date=today - 2 * day, met_on=today),  # met late
    ]
    rows = [(notification, c, f"/a/{n}?x=1&y=<2>") for n, c in enumerate(clocks)]
    context = {"rows": rows, "today": today}
    drawn = Template(TAG_ROW).render(Context(context))
    assert drawn == Template(TEMPLATE_ROW).render(Context(context))
    for words in ["Overdue", "Open", "Met late", "Not started", "No clock running", "&lt;b&gt;R&amp;D", "&lt;x&gt;"]:
        assert words in drawn
