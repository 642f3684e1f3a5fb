"""Issue 14 §6: a change to a clock's length or unit shows its effect before saving (how many open
clocks move, the earliest and latest new due dates, computed without saving), needs a reason, is
recorded in the activity log and is emailed to the statutory partners' DSPs."""

import datetime as dt
import html as html_lib
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from lscp import deadlines
from lscp.deadlines import services as deadline_services
from lscp.models import ActivityEvent, Deadline, DeadlinePolicy, OutboxEmail
from tests.support.clients import error_by_field
from tests.support.makers_reviews import submit

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)
FORM = {
    "panel_notification_length": "5",
    "panel_notification_unit": "working",
    "rapid_review_length": "15",
    "rapid_review_unit": "working",
    "rapid_review_start": "panel_notified",
    "outcome_to_panel_length": "5",
    "outcome_to_panel_unit": "working",
    "panel_response_length": "15",
    "panel_response_unit": "working",
    "lcspr_completion_length": "6",
    "lcspr_completion_unit": "months",
    "lcspr_pre_publication_length": "7",
    "lcspr_pre_publication_unit": "working",
}


def text(html: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


def panel_clock(notification):
    return {d.kind: d for d in deadlines.clocks_for(notification)}["panel_notification"]


@pytest.fixture
def two_open_clocks(world_a):
    """Two notifications whose Panel clocks are open: aware on Mon 23 and Tue 24 Nov 2026."""
    with time_machine.travel(NOW, tick=False):
        return [
            submit(world_a, aware_date=dt.date(2026, 11, 23), incident_date=dt.date(2026, 11, 23)),
            submit(world_a, aware_date=dt.date(2026, 11, 24), incident_date=dt.date(2026, 11, 24)),
        ]


def test_the_preview_counts_the_clocks_that_move_and_saves_nothing(world_a, two_open_clocks):
    with time_machine.travel(NOW, tick=False):
        before = list(Deadline.objects.for_partnership(world_a.partnership).values_list("pk", "due_date"))
        [change] = deadline_services.preview_clock_rules(
            world_a.ctx(), {"panel_notification": {"length": 10, "unit": "working", "start": "aware"}}
        )
    assert change.effect.open_clocks == 2 and change.effect.moved == 2
    assert (change.effect.earliest, change.effect.latest) == (dt.date(2026, 12, 7), dt.date(2026, 12, 8))
    assert change.old_words.due == "5 working days after the date the local authority became aware"
    assert change.new_words.due == "10 working days after the date the local authority became aware"
    assert list(Deadline.objects.for_partnership(world_a.partnership).values_list("pk", "due_date")) == before
    assert not DeadlinePolicy.objects.for_partnership(world_a.partnership).exists()


def test_a_change_needs_a_reason_is_logged_and_the_dsps_are_emailed(world_a, two_open_clocks):
    rules = {"panel_notification": {"length": 10, "unit": "working", "start": "aware"}}
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(ValidationError) as error:
            deadline_services.set_clock_rules(world_a.ctx(), rules)
        assert error.value.message_dict == {"reason": ["Say why the deadline policy is changing"]}
        assert panel_clock(two_open_clocks[0]).due_date == dt.date(2026, 11, 30)
        assert deadline_services.set_clock_rules(world_a.ctx(), rules, reason="Agreed by the partners' executive") == 1
    assert panel_clock(two_open_clocks[0]).due_date == dt.date(2026, 12, 7)
    logged = ActivityEvent.objects.for_partnership(world_a.partnership).get(event="deadline_policy.changed")
    assert logged.changes == {
        "length": {"old": 5, "new": 10},
        "reason": {"old": None, "new": "Agreed by the partners' executive"},
    }
    email = OutboxEmail.objects.for_partnership(world_a.partnership).get(key__startswith="deadline-policy:")
    dsps = sorted(world_a.person(who).email for who in ("council", "police", "health"))
    assert sorted(email.to) == dsps
    assert "Notify the National Panel: due 5 working days after" in email.body
    assert "now due 10 working days after the date the local authority became aware" in email.body
    assert "2 open clocks moved: new due dates from 7 December 2026 to 8 December 2026" in email.body
    assert "Agreed by the partners' executive" in email.body


def test_the_page_shows_the_effect_then_asks_the_reason_then_saves(world_a, two_open_clocks, as_user):
    business = as_user(world_a.people["business"])
    url = reverse("deadline-policy-edit", args=[world_a.slug])
    changed = {**FORM, "panel_notification_length": "10"}
    with time_machine.travel(NOW, tick=False):
        check = business.post(url, changed)
        assert check.status_code == 200
        page = text(check.content.decode())
        assert "Check the change to the deadline policy" in page
        assert "Open clocks that move 2 of 2: new due dates from Mon 7 Dec 2026 to Tue 8 Dec 2026" in page
        assert panel_clock(two_open_clocks[0]).due_date == dt.date(2026, 11, 30)  # nothing saved yet
        # Going back keeps the input.
        back = business.post(url, {**changed, "change": "panel_notification"}).content.decode()
        assert 'name="panel_notification_length"' in back and 'value="10"' in back
        no_reason = business.post(url, {**changed, "confirm": "1", "reason": ""})
        assert error_by_field(no_reason.content.decode(), "id_reason") == "Say why the deadline policy is changing"
        assert panel_clock(two_open_clocks[0]).due_date == dt.date(2026, 11, 30)
        saved = business.post(url, {**changed, "confirm": "1", "reason": "Agreed at the executive"})
        assert saved.status_code == 302
    assert panel_clock(two_open_clocks[0]).due_date == dt.date(2026, 12, 7)
    assert (
        OutboxEmail.objects.for_partnership(world_a.partnership).filter(key__startswith="deadline-policy:").count() == 1
    )
