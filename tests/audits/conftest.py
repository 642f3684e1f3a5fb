"""The audits tests' fixtures."""

import datetime as dt

import pytest

from audits.models import Standard
from audits.self_assessment import services as self_assessment_services


@pytest.fixture
def cycle(world_a):
    world_a.objects[Standard]  # the Section 11 standards the cycle copies
    today = dt.date.today()
    return self_assessment_services.cycle_create(
        world_a.ctx(),
        name="Section 11 audit 2026-27",
        framework="s11",
        opens_on=today - dt.timedelta(days=5),
        due_on=today + dt.timedelta(days=10),
        members=[world_a.members["agency"], world_a.members["police"]],
    )
