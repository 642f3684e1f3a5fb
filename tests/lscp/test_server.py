"""A web server's process is readied once the application is loaded (lscp/server.py): start-up's
objects are frozen out of the garbage collector's sight, so a full collection walks only what
requests made (issue 15: those collections were the API notifications' p95)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json
import lscp.wsgi  # the web server's entry point
print(json.dumps({"frozen": gc.get_freeze_count(), "walked": len(gc.get_objects())}))
"""


def test_the_wsgi_entry_point_freezes_what_start_up_made():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lscp.settings.test"}
    result = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120
    )
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    # Every view imported and frozen: a full collection walks a few hundred objects, not the
    # application's (over 100,000).
    assert counts["frozen"] > 100_000
    assert counts["walked"] < counts["frozen"] / 20


def test_the_database_connection_runs_without_the_jit(db):
    """PostgreSQL's JIT is off on the application's connections (the settings' OPTIONS): compiling
    cost one dashboard query 61 ms on the national bench."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
