"""A plan's rows of actions drawn by one tag each (`{% action_row %}`, issue 15): the same HTML as
the row template they replace, byte for byte, in every branch (an owner person or none, a due date
moved or not, progress or none, long text cut, text escaped)."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone

from reviews.action_plans import selectors, services
from tests.support.makers_actions import make_plan

pytestmark = pytest.mark.django_db

# The row as _actions_table.html drew it before the tag.
TEMPLATE_ROW = """{% for row in action_rows %}{% with action=row.action %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{{ row.url }}">{{ action.number }}</a> {{ action.description|truncatewords:30 }}</td>
      <td class="govuk-table__cell">{{ action.owner_name }}{% if action.owner_id %}<br><span class="govuk-body-s">{{ action.owner.person.get_full_name }}</span>{% endif %}</td>
      <td class="govuk-table__cell lscp-nowrap">{{ action.due_date|govuk_date }}{% if action.first_due_date %}<br><span class="govuk-body-s">was {{ action.first_due_date|govuk_date }}</span>{% endif %}</td>
      <td class="govuk-table__cell">{% include "action_plans/_rag.html" with rag=row.rag %}</td>
      <td class="govuk-table__cell">{% if action.latest_progress_on %}<span class="lscp-nowrap">{{ action.latest_progress_on|govuk_date }}</span>: {{ action.latest_progress|truncatewords:25 }}{% else %}<span class="govuk-body-s">None yet</span>{% endif %}</td>
    </tr>
  {% endwith %}{% endfor %}"""

TAG_ROW = "{% load action_plans %}{% for row in action_rows %}{% action_row row %}{% endfor %}"


def test_the_row_tag_draws_what_the_row_template_drew(world_a):
    ctx = world_a.ctx()
    plan = make_plan(world_a, actions=4)
    first, second, third, _ = selectors.plan_page(ctx, plan).rows
    today = timezone.localdate()
    long = " ".join(f"word{n} <b>&amp;</b> \"quoted\" 'it's'" for n in range(40))
    services.action_update(
        ctx,
        first.action,
        description=long,
        owner_member=first.action.owner_member,
        owner=world_a.people["agency"],
        due_date=first.action.due_date + dt.timedelta(days=14),
        reason="The agency asked for <more> time",
    )
    services.action_update(
        ctx,
        second.action,
        description="Business unit's own",
        owner_member=None,
        due_date=second.action.due_date,
        reason="Owner changed",
    )
    services.progress_add(world_a.ctx("agency"), third.action, on=today, text=long, status="at_risk")
    rows = selectors.plan_page(ctx, plan).rows
    selectors.link_rows(ctx, rows)
    context = {"action_rows": rows}
    drawn = Template(TAG_ROW).render(Context(context))
    assert drawn == Template(TEMPLATE_ROW).render(Context(context))
    assert "&lt;b&gt;" in drawn and " …</td>" in drawn and "was " in drawn and "Business unit" in drawn
    assert world_a.people["agency"].person.get_full_name() in drawn and "None yet" in drawn
