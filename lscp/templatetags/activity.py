"""The activity log's rows, each drawn in one call (`{% event_row event slug %}`): as a template of
a dozen variables, filters and an include of the event's sentences, fifty rows cost about as much
as everything else the page does (issue 15). The markup is the row's and includes/
event_sentences.html's, written once here; every value is escaped as the template escaped it
(tests/lscp/activity/test_event_rows.py compares them)."""

from __future__ import annotations

import html

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from lscp.activity.describe import describe, record_url
from lscp.templatetags.lscp import govuk_datetime

register = template.Library()

_ROW = (
    '\n    <tr class="govuk-table__row">'
    '\n      <td class="govuk-table__cell lscp-nowrap">{at}</td>'
    '\n      <td class="govuk-table__cell">{actor}</td>'
    '\n      <td class="govuk-table__cell">{kind} {title}</td>'
    '\n      <td class="govuk-table__cell">{record}</td>'
    '\n      <td class="govuk-table__cell">{sentences}\n</td>'
    "\n    </tr>\n  "
)
# The kind's tag; any other kind is its label on a grey tag.
_KINDS = {
    kind: format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, words)
    for kind, colour, words in [
        ("view", "grey", "Viewed"),
        ("write", "blue", "Changed"),
        ("refusal", "red", "Refused"),
        ("security", "purple", "Security"),
    ]
}
_ON_THE_RECORD = mark_safe('<br><span class="govuk-body-s">The full text is on the record.</span>')


def sentences_of(event, said, slug: str) -> SafeString:
    """An event's sentences, with a link to its record's page when a text was cut (as
    includes/event_sentences.html draws them)."""
    # Each sentence escaped as escape() escapes it (html.escape of its text), without a format_html()
    # a sentence: a page of changes has two hundred.
    drawn = mark_safe(  # noqa: S308
        "<br>".join(f'<span class="govuk-body-s">{html.escape(str(s))}</span>' for s in said.sentences)
    )
    if not said.cut:
        return drawn
    url = record_url(event, slug)
    if not url:
        return drawn + _ON_THE_RECORD
    return drawn + format_html(
        '<br><a class="govuk-link govuk-body-s" href="{}">Read the full text'
        '<span class="govuk-visually-hidden"> on {}</span></a>',
        url,
        event.object_repr,
    )


@register.simple_tag
def event_row(event, slug: str) -> SafeString:
    """An activity-log event's row on the log's page of the partnership `slug`."""
    said = describe(event)
    kind = _KINDS.get(event.kind) or format_html(
        '<strong class="govuk-tag govuk-tag--grey">{}</strong>', event.get_kind_display()
    )
    return format_html(
        _ROW,
        at=govuk_datetime(event.at),
        actor=event.actor or "System",
        kind=kind,
        title=said.title,
        record=event.object_repr,
        sentences=sentences_of(event, said, slug),
    )
