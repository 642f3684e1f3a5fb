"""The production shape builds: `collectstatic` under the production settings and storage (as the
Dockerfile runs it) succeeds, and every file the compiled CSS names is among the files collected.

We are not a GOV.UK service: the CSS must name no GOV.UK crest or crown and no GDS Transport font.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILT_CSS = ROOT / "static" / "dist" / "lscp.css"
URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


def urls_in(css: str) -> list[str]:
    return [url for url in URL.findall(css) if not url.startswith(("data:", "#"))]


def test_collectstatic_with_the_production_settings_and_every_url_in_the_css_is_collected(tmp_path):
    assert BUILT_CSS.exists(), "static/dist/lscp.css is built by `make assets` (npm run build)"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LSCP_STATIC_ROOT"))},
        "DJANGO_SETTINGS_MODULE": "lscp.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "lscp.example.org",
        "LSCP_STATIC_ROOT": str(tmp_path / "static"),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    collected = tmp_path / "static"

    built = BUILT_CSS.read_text()
    assert "GDS Transport" not in built and "@font-face" not in built
    assert "govuk-crest" not in built
    for url in urls_in(built):
        assert url.startswith("/static/"), f"lscp.css names {url}, which the app does not serve"
        assert (collected / url.removeprefix("/static/")).is_file(), f"lscp.css names {url}: not collected"

    # What production serves: the hashed copy, its urls rewritten to hashed names.
    [served] = [p for p in (collected / "dist").glob("lscp.*.css") if re.fullmatch(r"lscp\.[0-9a-f]{12}\.css", p.name)]
    for url in urls_in(served.read_text()):
        target = (
            (served.parent / url).resolve() if not url.startswith("/") else collected / url.removeprefix("/static/")
        )
        assert target.is_file(), f"{served.name} names {url}: not collected"
