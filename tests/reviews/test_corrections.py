"""Correcting a recorded fact of a case (reviews/corrections.py): checked by the date table as a
first entry is, logged with the reason, clocks re-derived by the deadline engine, stale reads refused."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from lscp import deadlines
from lscp.models import ActivityEvent
from lscp.states import StaleVersion
from reviews import corrections
from reviews.notifications import services
from tests.support.makers_reviews import submit

pytestmark = pytest.mark.django_db


def _notified(world):
    """Aware Mon 30 Nov 2026, the Panel notified Tue 1 Dec, the rapid review started Wed 2 Dec."""
    with time_machine.travel(dt.datetime(2026, 12, 2, 10), tick=False):
        notification = submit(world, aware_date=dt.date(2026, 11, 30), incident_date=dt.date(2026, 11, 30))
        notification = services.record_step(
            world.ctx(), notification, step="panel_notified", on=dt.date(2026, 12, 1), panel_reference="P-1"
        )
        return services.record_step(world.ctx(), notification, step="rapid_review_started", on=dt.date(2026, 12, 2))


def _clock(notification, kind):
    return {c.kind: c for c in deadlines.clocks_for(notification)}[kind]


def test_a_correction_re_derives_the_clocks_and_is_logged_with_its_reason(world_a):
    notification = _notified(world_a)
    assert _clock(notification, "rapid_review").due_date == dt.date(2026, 12, 22)
    with time_machine.travel(dt.datetime(2026, 12, 3, 10), tick=False):
        corrected = corrections.correct(
            world_a.ctx(),
            notification,
            field="panel_notified_on",
            value=dt.date(2026, 11, 30),
            reason="Typed the day after",
            version=notification.version,
        )
    assert corrected.panel_notified_on == dt.date(2026, 11, 30) and corrected.version == notification.version + 1
    # The rapid review's 15 working days now run from Mon 30 Nov; the Panel's clock is met that day.
    assert _clock(corrected, "rapid_review").due_date == dt.date(2026, 12, 21)
    assert _clock(corrected, "panel_notification").met_on == dt.date(2026, 11, 30)
    event = ActivityEvent.objects.for_partnership(world_a.partnership).get(event="notification.corrected")
    assert event.changes == {
        "panel_notified_on": {"old": "2026-12-01", "new": "2026-11-30", "reason": "Typed the day after"}
    }


def test_a_correction_is_checked_against_the_case_as_a_first_entry_is(world_a):
    notification = _notified(world_a)
    with time_machine.travel(dt.datetime(2026, 12, 3, 10), tick=False):
        with pytest.raises(ValidationError) as error:
            corrections.correct(
                world_a.ctx(),
                notification,
                field="panel_notified_on",
                value=dt.date(2026, 12, 3),
                reason="",
                version=notification.version,
            )
        assert error.value.message_dict == {
            "reason": ["Enter the reason for the correction"],
            "value": [
                "The date the Panel was notified must be the same as or before the date the rapid review started "
                "(2 December 2026)"
            ],
        }
        with pytest.raises(ValidationError) as error:
            corrections.correct(
                world_a.ctx(), notification, field="outcome_sent_on", value=None, reason="x", version=None
            )
        assert error.value.message_dict == {"field": ["Choose a recorded date to correct"]}
        with pytest.raises(StaleVersion):
            corrections.correct(
                world_a.ctx(),
                notification,
                field="aware_date",
                value=dt.date(2026, 11, 29),
                reason="x",
                version=notification.version - 1,
            )
    notification.refresh_from_db()
    assert notification.panel_notified_on == dt.date(2026, 12, 1)


@pytest.mark.parametrize("field", corrections.CORRECTABLE["notification"].fields)
def test_every_correctable_field_is_named_by_the_date_table(field):
    assert corrections.CORRECTABLE["notification"].label(field).startswith("The ")
