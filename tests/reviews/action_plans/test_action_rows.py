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


# The list of plans' row as plan_list.html drew it before the tag.
TEMPLATE_PLAN_ROW = """{% for plan, summary in rows %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'action-plan-detail' partnership.slug plan.pk %}">{{ plan.title }}</a></td>
      <td class="govuk-table__cell">{{ plan.get_source_kind_display }}{% if plan.source_reference %}<br><span class="govuk-body-s">{{ plan.source_reference }}</span>{% endif %}</td>
      <td class="govuk-table__cell lscp-nowrap">{{ plan.created_on|govuk_date }}</td>
      <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{% if plan.status == 'live' %}green{% elif plan.status == 'ratifying' %}yellow{% elif plan.status == 'closed' %}blue{% else %}grey{% endif %}">{{ plan.get_status_display }}</strong></td>
      <td class="govuk-table__cell">{{ summary.sentence }}{% if summary.overdue %}<br><strong class="govuk-tag govuk-tag--red">{{ summary.overdue }} overdue</strong>{% endif %}</td>
    </tr>
  {% empty %}{% endfor %}"""

TAG_PLAN_ROW = (
    "{% load action_plans %}{% for plan, summary in rows %}{% plan_row plan summary partnership.slug %}"
    "{% empty %}{% endfor %}"
)


def test_the_plan_row_tag_draws_what_the_plan_row_template_drew(world_a):
    """Every status's colour, a source reference or none, actions or none, overdue or not, text escaped."""
    plan = make_plan(world_a, title="Child Q <b>&amp;</b> \"quoted\" 'it's'", actions=3)
    summary = selectors.plan_summaries(world_a.ctx(), [plan], selectors.windows_for(world_a.ctx()))[plan.pk]
    rows = []
    for status in ["draft", "ratifying", "live", "closed"]:
        for reference in ["", "Rapid review of <Child Q> & co"]:
            each = type(plan).objects.for_partnership(world_a.partnership).get(pk=plan.pk)
            each.status, each.source_reference = status, reference
            rows.append((each, summary))
    rows.append((plan, selectors.Summary(recommendations=0, actions=0)))
    late = selectors.Summary(recommendations=2, actions=7)
    late.by_rag.update({"overdue": 3, "complete": 4})
    rows.append((plan, late))
    context = {"rows": rows, "partnership": world_a.partnership}
    drawn = Template(TAG_PLAN_ROW).render(Context(context))
    assert drawn == Template(TEMPLATE_PLAN_ROW).render(Context(context))
    for words in ["--grey", "--yellow", "--green", "--blue", "3 overdue", "no actions yet", "&lt;Child Q&gt; &amp; co"]:
        assert words in drawn
