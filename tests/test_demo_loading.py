"""Loading the demo into an empty database (test_demo.py reads one loaded demo)."""

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command

from lscp import deadlines
from lscp.models import Escalation, OutboxEmail

pytestmark = pytest.mark.django_db


def test_demo_refuses_to_load_outside_demo_mode():
    with pytest.raises(CommandError, match="only in demo mode"):
        call_command("load_demo")


def test_the_demo_decides_every_escalation_due_when_it_loads():
    """Each app's loader used to sweep the clocks loaded so far, so a clock loaded after the last
    sweep waited for the next load to be escalated, and loading the demo twice was not a no-op.
    Loaded on Christmas Eve 2027, the "Neglect audit action plan" (loaded by the audits loader,
    after the action plans' sweep) has an action due on 10 December 2027, two weeks overdue.
    One sweep after every loader now decides it: a sweep straight after loading finds nothing
    left to decide."""
    with time_machine.travel(dt.datetime(2027, 12, 24, 10, tzinfo=dt.UTC), tick=False):
        call_command("load_demo", "--force")
        escalations = Escalation.dangerously_unscoped.count()
        emails = OutboxEmail.dangerously_unscoped.count()
        assert escalations > 0  # the sweep ran
        deadlines.sweep(dispatch=lambda ids: deadlines.escalate(ids))
        assert (Escalation.dangerously_unscoped.count(), OutboxEmail.dangerously_unscoped.count()) == (
            escalations,
            emails,
        )
