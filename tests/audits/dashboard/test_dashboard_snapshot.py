"""Every figure of the dashboard on the demo data, against the figures committed in
demo_figures.json: the dashboard's speed-ups (issue 15: timeliness aggregated in SQL, the late
clocks as a paginated list of their own, clocks matched by ContentType id) change no figure.

The demo is loaded on a fixed day (it is dated back from the day it is loaded) and read on it.
demo_figures.json was written once by this test from the code as it was before those speed-ups
(LSCP_WRITE_DASHBOARD_SNAPSHOT=1 writes it again: only for a deliberate change of a figure)."""

import datetime as dt
import json
import os
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder

from audits.dashboard import selectors
from audits.dashboard.api import dashboard_figures
from lscp.tenancy import TenantContext
from partners.models import Membership, Partnership
from tests.conftest import built_once

DAY = dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC)
SNAPSHOT = Path(__file__).with_name("demo_figures.json")


@pytest.fixture(scope="module")
def demo_on_a_fixed_day(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker), time_machine.travel(DAY, tick=False):
        call_command("load_demo", "--force")
        yield


def all_late(ctx) -> list[list]:
    """Every late clock (met late, or open past its due date), however the dashboard pages them."""
    rows = [
        [late.kind, late.reference, late.month, late.due_date, late.met_on, late.working_days_late]
        for late in selectors.name_late(ctx, selectors.late_clocks(ctx))
    ]
    order = {kind: index for index, kind in enumerate(selectors.clock_kinds())}
    return sorted(rows, key=lambda row: (order[row[0]], row[3], row[1], row[4] or dt.date.min))


def figures_of(partnership) -> dict:
    membership = Membership.objects.for_partnership(partnership).filter(role="scrutineer").first()
    ctx = TenantContext(partnership=partnership, user=membership.person, membership=membership)
    data = selectors.figures(ctx)
    shown = dashboard_figures(ctx)
    for clock in shown["timeliness"]:
        clock.pop("late_count")  # the late list's own count (new): the rows are compared below
    for key in ("late_count", "latest_late", "late_url"):
        shown.pop(key)
    coverage, heat = data["coverage"], data["heatmap"]
    shown["audits"].update(
        with_children=coverage.with_children,
        with_families=coverage.with_families,
        with_practitioners=coverage.with_practitioners,
    )
    shown["self_assessment"]["counts"] = heat.counts if heat.cycle else None
    shown["late"] = all_late(ctx)
    return json.loads(json.dumps(shown, cls=DjangoJSONEncoder))


def test_every_dashboard_figure_on_the_demo_is_unchanged(demo_on_a_fixed_day, db):
    with time_machine.travel(DAY, tick=False):
        found = {p.slug: figures_of(p) for p in Partnership.objects.order_by("slug")}
    if os.environ.get("LSCP_WRITE_DASHBOARD_SNAPSHOT") == "1":
        SNAPSHOT.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
    expected = json.loads(SNAPSHOT.read_text())
    assert set(found) == set(expected) == {"essex", "southend", "thurrock"}
    for slug in expected:
        for key in expected[slug]:
            assert found[slug][key] == expected[slug][key], f"{slug}: {key}"
    # The demo has late clocks of several kinds, an LCSPR's among them (issue 14 §3).
    kinds = {row[0] for slug in expected for row in expected[slug]["late"]}
    assert len(kinds) >= 3
    assert any(
        clock["clock"].startswith("lcspr") and clock["met"] + clock["open"] for clock in found["thurrock"]["timeliness"]
    )
