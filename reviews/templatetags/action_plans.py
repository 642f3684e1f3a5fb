"""A plan's rows of actions, each drawn in one call (`{% action_row row %}`): a plan's page draws
a hundred or more, and as a template of fifteen variables, filters and an include each they cost
about as much as everything else the page draws (issue 15). The markup is the row's, written once
here; every value is escaped as the template escaped it. The list of plans draws its rows the same
way (`{% plan_row plan summary slug %}`)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from lscp.templatetags.lscp import govuk_date
from lscp.web.links import record_page_url

register = template.Library()

_ROW = (
    '\n    <tr class="govuk-table__row">'
    '\n      <td class="govuk-table__cell"><a class="govuk-link" href="{url}">{number}</a> {description}</td>'
    '\n      <td class="govuk-table__cell">{owner}{person}</td>'
    '\n      <td class="govuk-table__cell lscp-nowrap">{due}{was}</td>'
    '\n      <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{colour}">{rag}</strong>\n</td>'
    '\n      <td class="govuk-table__cell">{progress}</td>'
    "\n    </tr>\n  "
)


_NONE_YET = mark_safe('<span class="govuk-body-s">None yet</span>')  # a constant: nothing to escape


def _words(text, count: int) -> str:
    """The truncatewords filter's words."""
    return Truncator(text).words(count, truncate=" …")


@register.simple_tag
def action_row(row) -> SafeString:
    """An action's row (selectors.Row) in a plan's tables of actions."""
    action = row.action
    return format_html(
        _ROW,
        url=row.url,
        number=action.number,
        description=_words(action.description, 30),
        owner=action.owner_name,
        person=format_html('<br><span class="govuk-body-s">{}</span>', action.owner.person.get_full_name())
        if action.owner_id
        else "",
        due=govuk_date(action.due_date),
        was=format_html('<br><span class="govuk-body-s">was {}</span>', govuk_date(action.first_due_date))
        if action.first_due_date
        else "",
        colour=row.rag.colour,
        rag=row.rag.label,
        progress=format_html(
            '<span class="lscp-nowrap">{}</span>: {}',
            govuk_date(action.latest_progress_on),
            _words(action.latest_progress, 25),
        )
        if action.latest_progress_on
        else _NONE_YET,
    )


_PLAN_ROW = (
    '\n    <tr class="govuk-table__row">'
    '\n      <td class="govuk-table__cell"><a class="govuk-link" href="{url}">{title}</a></td>'
    '\n      <td class="govuk-table__cell">{source}{reference}</td>'
    '\n      <td class="govuk-table__cell lscp-nowrap">{created}</td>'
    '\n      <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{colour}">{status}</strong></td>'
    '\n      <td class="govuk-table__cell">{sentence}{overdue}</td>'
    "\n    </tr>\n  "
)
_PLAN_COLOURS = {"live": "green", "ratifying": "yellow", "closed": "blue"}


@register.simple_tag
def plan_row(plan, summary, slug: str) -> SafeString:
    """A plan's row in the list of plans, with its summary (selectors.Summary)."""
    overdue = summary.overdue
    return format_html(
        _PLAN_ROW,
        url=record_page_url("action-plan-detail", slug, plan.pk),
        title=plan.title,
        source=plan.get_source_kind_display(),
        reference=format_html('<br><span class="govuk-body-s">{}</span>', plan.source_reference)
        if plan.source_reference
        else "",
        created=govuk_date(plan.created_on),
        colour=_PLAN_COLOURS.get(plan.status, "grey"),
        status=plan.get_status_display(),
        sentence=summary.sentence,
        overdue=format_html('<br><strong class="govuk-tag govuk-tag--red">{} overdue</strong>', overdue)
        if overdue
        else "",
    )
