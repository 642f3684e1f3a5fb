"""What the audits tests share: dates, frozen time, an API client, and the returns of the
`cycle` fixture (tests/audits/conftest.py)."""

import datetime as dt

import time_machine
from rest_framework.test import APIClient

from audits.models import SelfAssessment

D = dt.date


def at(day):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10), tick=False)


def api(person):
    client = APIClient()
    client.force_authenticate(person)
    return client


def agency_return(world, cycle):
    return SelfAssessment.objects.for_partnership(world.partnership).get(cycle=cycle, member=world.members["agency"])


def police_return(world, cycle):
    return SelfAssessment.objects.for_partnership(world.partnership).get(cycle=cycle, member=world.members["police"])
