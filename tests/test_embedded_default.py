"""`make demo` runs on SQLite (lscp/settings/local.py), the rest of the suite on PostgreSQL: every
migration must apply on SQLite too. An index with NULLS LAST (issue 15's chain index) once broke
`make demo` while every PostgreSQL test passed."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_migration_applies_to_the_demos_sqlite_database(tmp_path):
    (tmp_path / "demo_settings.py").write_text(
        "from lscp.settings.local import *  # noqa\n"
        f"DATABASES['default']['NAME'] = {str(tmp_path / 'demo.sqlite3')!r}\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "demo_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
    }
    done = subprocess.run(  # noqa: S603 (this interpreter and manage.py)
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "demo.sqlite3").stat().st_size > 0
