"""`make bench` cannot rot unseen: the suite runs it at a tiny size, against the real PostgreSQL
and Redis, and checks that every figure line is printed (it crashed for days before this test)."""

import io

import pytest
import time_machine
from django.core.management import call_command

from lscp.management.commands.bench import FIGURES, PAGES


# Transactional: the delivery figure's workers read committed rows (lscp/bench/delivery.py).
@pytest.mark.django_db(transaction=True)
def test_the_bench_prints_every_figure_at_a_tiny_size():
    out = io.StringIO()
    with time_machine.travel("2026-11-26 09:00 +0000", tick=True):
        call_command("bench", "--tiny", stdout=out)
    lines = out.getvalue().splitlines()
    printed = [next((line for line in lines if line.startswith(figure + " ")), None) for figure in FIGURES]
    assert [figure for figure, line in zip(FIGURES, printed, strict=True) if line is None] == [], out.getvalue()
    # The figures are figures: the escalation line names its clocks and their rate.
    throughput = printed[FIGURES.index("bench escalation: throughput")]
    assert "60 clocks (60 emails decided)" in throughput and "clocks/s" in throughput
    loaded = printed[FIGURES.index("bench escalation: loaded")]
    assert "overdue from 1 day to 3,65" in loaded  # ten years
    assert "not measured" not in printed[FIGURES.index("bench sweep: with the broker")]
    # The national design point (issue 15), tiny: the engine's clocks survive a refresh, every page answers.
    assert printed[FIGURES.index("bench load: refresh sample")].endswith("10 records, 0 changed")
    assert "escalations by the engine" in printed[FIGURES.index("bench load: national")]
    for name in PAGES:
        line = printed[FIGURES.index(f"bench page {name}:")]
        assert "not measured" not in line and "floor p95" in line and "queries" in line and "bytes" in line, line
    assert "MiB after the page runs" in printed[FIGURES.index("bench memory:")]
    # Delivery: every email of the 100 clocks reached the loopback server once, with 1 and 2 workers.
    for figure in ("bench delivery: 1 worker,", "bench delivery: 2 workers,"):
        line = printed[FIGURES.index(figure)]
        assert "100 emails" in line and "duplicates 0" in line and "MISMATCH" not in line, line
