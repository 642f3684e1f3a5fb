"""Template helpers used on every page (loaded as a builtin)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import template
from django.utils import timezone
from django.utils.html import format_html

from lscp.checks import in_sentence as in_sentence_words
from lscp.checks import possessive as possessive_of
from lscp.deadlines import label_for
from lscp.money import format_money
from lscp.web.forms import render_field

register = template.Library()


@register.simple_tag
def govuk_field(bound_field):
    return render_field(bound_field)


@register.simple_block_tag
def scrolls(content, label: str):
    """A wide table in its own region that scrolls sideways, so the page does not (a phone is
    375 px wide): `{% scrolls "People" %}<table>…</table>{% endscrolls %}`. The region can be
    focused, to scroll it with the keyboard, and is named for screen readers."""
    return format_html(
        '<div class="lscp-table-scroll" tabindex="0" role="region" aria-label="{} (scrolls sideways)">{}</div>',
        label,
        content,
    )


@register.filter
def govuk_date(value) -> str:
    """'Wed 30 Dec 2026', the form every deadline is shown in."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.strftime("%a %-d %b %Y")


@register.filter
def govuk_datetime(value) -> str:
    if not value:
        return ""

    value = timezone.localtime(value)
    return value.strftime("%-d %b %Y, %H:%M")


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with some parameters changed (None removes one)."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = urlencode(sorted(params.lists()), doseq=True)
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_header(context, sorting, key: str, label: str):
    """A table header cell that sorts the list server-side, with aria-sort for screen readers."""
    current, descending = sorting.key, sorting.descending
    if current == key:
        aria = "descending" if descending else "ascending"
        target = key if descending else f"-{key}"
    else:
        aria = "none"
        target = key
    href = query(context, sort=target, page=None)
    return format_html(
        '<th scope="col" class="govuk-table__header" aria-sort="{}"><a class="govuk-link" href="{}">{}</a></th>',
        aria,
        href,
        label,
    )


@register.filter
def clock_status(deadline, today) -> str:
    return deadline.status_on(today)


@register.filter
def clock_label(deadline) -> str:
    return label_for(deadline)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""


@register.filter
def money(value) -> str:
    """£1,234.56 from a Decimal (never a float); '' for None."""

    return format_money(value)


@register.filter
def money_pounds(value) -> str:
    """£1,235: whole pounds, for charts' axis labels and compact tables."""

    return format_money(value, pence=False)


@register.filter
def percent(value) -> str:
    """A share already rounded for display (Decimal('68.3')) as '68.3%'; '' for None."""
    if value is None or value == "":
        return ""
    return f"{value}%"


@register.simple_tag
def describe_event(event):
    """An activity-log event in words (lscp.activity.describe): `{% describe_event event as said %}`."""
    from lscp.activity.describe import describe

    return describe(event)


@register.simple_tag
def event_record_url(event, slug: str):
    """The page of an event's record, when it has one: `{% event_record_url event slug as url %}`."""
    from lscp.activity.describe import record_url

    return record_url(event, slug)


@register.simple_tag
def error_summary(form, formset=None):
    """The error summary's (message, link) pairs: the form's, then its formset's rows'."""
    from lscp.web.forms import error_summary_items

    return error_summary_items(form, formset or None)


@register.filter
def in_sentence(value) -> str:
    """A label inside a sentence, its proper nouns kept (lscp.checks.in_sentence); never `|lower`."""
    return in_sentence_words(value)


@register.filter
def possessive(value) -> str:
    """'Essex Police's', 'Thurrock Schools'' (lscp.checks.possessive)."""
    return possessive_of(value)
