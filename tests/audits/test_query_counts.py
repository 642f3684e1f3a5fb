"""The dataset, the challenge log and the annual reports run a fixed number of queries however many
indicators, quarterly values, challenges or reports there are (see test_query_counts.py)."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from audits.annual_report import services as annual_report_services
from audits.challenges import services as challenge_services
from audits.dataset import services as dataset_services
from audits.models import Indicator
from partners.models import Member
from tests.support import queries

pytestmark = pytest.mark.django_db


# One record of every model (so every section of a page has something to show), built once for
# the module; each test's growth is rolled back.
@pytest.fixture
def world_a(shared_a):
    return shared_a


QUARTERS = [(2024, 3), (2024, 4), (2025, 1), (2025, 2), (2025, 3), (2025, 4)]


def grow(world, n: int) -> None:
    """n more indicators (each with six quarters' values and a correction), n more quarters of the
    maker's indicator, n more challenges (every third responded, every third closed) and n more
    annual reports."""
    ctx = world.ctx()
    start = Indicator.objects.for_partnership(world.partnership).count()
    members = list(Member.objects.for_partnership(world.partnership))
    for i in range(n):
        indicator = dataset_services.indicator_save(
            ctx,
            name=f"Indicator {start}-{i}",
            unit=["number", "percent", "rate", "days"][i % 4],
            direction=["higher", "lower", "neither"][i % 3],
            reporting_member=members[i % len(members)],
        )
        for year, quarter in QUARTERS:
            dataset_services.indicator_value_set(
                ctx, indicator, year_start=year, quarter=quarter, value=str(10 + i + quarter)
            )
        dataset_services.indicator_value_set(ctx, indicator, year_start=2025, quarter=4, value="99", note="Corrected")
        year = 2024 - start - i
        dataset_services.indicator_value_set(
            ctx, world.objects[Indicator], year_start=year, quarter=1 + i % 4, value=str(i)
        )
        challenge = challenge_services.challenge_log(
            ctx,
            raised_on=dt.date(2025, 6, 1) + dt.timedelta(days=i),
            raised_by="scrutineer",
            raised_by_name="The scrutineer",
            to_member=members[i % len(members)],
            subject=f"Challenge {start}-{i}",
            challenge="Why?",
        )
        if i % 3:
            challenge_services.challenge_respond(
                ctx,
                challenge,
                response="Because.",
                responded_on=dt.date(2025, 7, 1),
                outcome="Done." if i % 3 == 2 else "",
                close=i % 3 == 2,
            )
        first = dt.date(2000 + start + i, 4, 1)
        annual_report_services.annual_report_save(
            ctx,
            title=f"Report {start}-{i}",
            period_start=first,
            period_end=first.replace(year=first.year + 1) - dt.timedelta(days=1),
        )


# (what, url template, ceiling). A list read or an export is one INSERT into the activity log (issue 12).
PAGES = [
    ("dataset", "/{slug}/dataset/", 9),
    ("dataset, filtered and sorted", "/{slug}/dataset/?active=all&sort=-organisation", 9),
    ("indicator", "/{slug}/dataset/{indicator}/", 8),
    ("indicator, earlier quarters", "/{slug}/dataset/{indicator}/?to=2011-1", 8),
    ("enter a value", "/{slug}/dataset/{indicator}/values/add/", 8),
    ("dataset spreadsheet", "/{slug}/dataset/dataset.xlsx", 6),
    ("challenge log", "/{slug}/challenges/", 8),
    ("challenge log, closed by organisation", "/{slug}/challenges/?status=closed&sort=organisation", 8),
    ("annual reports", "/{slug}/annual-reports/", 7),
    ("api indicators", "/api/v1/{slug}/indicators/", 5),
    ("api challenges", "/api/v1/{slug}/challenges/", 4),
    ("api annual reports", "/api/v1/{slug}/annual-reports/", 4),
]


@pytest.mark.parametrize(("what", "url", "ceiling"), PAGES, ids=[p[0] for p in PAGES])
def test_query_count_is_constant(what, url, ceiling, world_a, as_user):
    if url.startswith("/api/"):
        client = APIClient()
        client.force_authenticate(world_a.person("business"))
    else:
        client = as_user(world_a.people["business"])
    url = url.format(slug=world_a.slug, indicator=world_a.objects[Indicator].pk)
    grow(world_a, 3)
    small = queries.get(client, url)
    grow(world_a, 20)
    large = queries.get(client, url)
    queries.assert_constant(small, large, ceiling=ceiling, what=what)
