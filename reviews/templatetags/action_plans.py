"""A plan's rows of actions, each drawn in one call (`{% action_row row %}`): a plan's page draws
a hundred or more, and as a template of fifteen variables, filters and an include each they cost
about as much as everything else the page draws (issue 15). The markup is the row's, written once
here; every value is escaped as the template escaped it."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from lscp.templatetags.lscp import govuk_date

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
