"""The activity log's rows drawn by one tag each (`{% event_row %}`, issue 15): the same HTML as the
row template and includes/event_sentences.html they replace, byte for byte, in every branch (each
kind, someone or the system, no sentences or several, a text cut with its record's page or without
one, text escaped)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.utils import timezone

from lscp.models import ActivityEvent
from reviews.notifications.models import Notification

pytestmark = pytest.mark.django_db

# The row as activity_list.html drew it before the tag.
TEMPLATE_ROW = """{% for event in page %}{% describe_event event as said %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell lscp-nowrap">{{ event.at|govuk_datetime }}</td>
      <td class="govuk-table__cell">{{ event.actor|default:"System" }}</td>
      <td class="govuk-table__cell">{% if event.kind == "view" %}<strong class="govuk-tag govuk-tag--grey">Viewed</strong>{% elif event.kind == "write" %}<strong class="govuk-tag govuk-tag--blue">Changed</strong>{% elif event.kind == "refusal" %}<strong class="govuk-tag govuk-tag--red">Refused</strong>{% elif event.kind == "security" %}<strong class="govuk-tag govuk-tag--purple">Security</strong>{% else %}<strong class="govuk-tag govuk-tag--grey">{{ event.get_kind_display }}</strong>{% endif %} {{ said.title }}</td>
      <td class="govuk-table__cell">{{ event.object_repr }}</td>
      <td class="govuk-table__cell">{% include "includes/event_sentences.html" with url_slug=partnership.slug record=event.object_repr %}</td>
    </tr>
  {% empty %}{% endfor %}"""

TAG_ROW = "{% load activity %}{% for event in page %}{% event_row event partnership.slug %}{% empty %}{% endfor %}"


def test_the_row_tag_draws_what_the_row_template_drew(world_a):
    case = ContentType.objects.get_for_model(Notification)
    person = world_a.people["business"].person
    person.first_name = "Ann <b>&amp;</b>"
    long = " ".join(f"word{n} <i>&</i> 'it's'" for n in range(80))
    events = []
    for kind, _ in ActivityEvent.Kind.choices:
        for actor in [None, person]:
            events += [
                ActivityEvent(kind=kind, event="notification.submitted", actor=actor, object_repr="Case <1> & 'two'"),
                ActivityEvent(
                    kind=kind,
                    event="notification.changed_in_admin",
                    actor=actor,
                    object_type=case,
                    object_id="12",
                    object_repr="NOT-1 <x>",
                    changes={"summary": {"old": "short", "new": long}, "status": {"old": "submitted", "new": "closed"}},
                ),
                ActivityEvent(
                    kind=kind,
                    event="made.up.code",
                    actor=actor,
                    object_type=ContentType.objects.get_for_model(ActivityEvent),
                    object_id="3",
                    changes={"note": long},
                    details={"shown": 50, "total": 70, "filters": {"q": "<a>"}},
                ),
                ActivityEvent(kind=kind, event="request.refused.403", details={"method": "GET", "path": "/x?<y>"}),
            ]
    for event in events:
        event.at = timezone.now()
    context = {"page": events, "partnership": world_a.partnership}
    drawn = Template(TAG_ROW).render(Context(context))
    assert drawn == Template(TEMPLATE_ROW).render(Context(context))
    for words in [
        "Read the full text",
        "The full text is on the record.",
        "System",
        "Ann &lt;b&gt;",
        "--purple",
        "Export",
    ]:
        assert words in drawn
