"""Screenshot pages of a running instance as a given user (for looking at what we built).

    .venv/bin/python scripts/screenshot.py thurrock-business /thurrock/ /thurrock/people/ ...

Writes PNGs into var/screenshots/. Uses Debian's Chromium (no browser download).
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = "http://127.0.0.1:8000"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def main() -> None:
    username, paths = sys.argv[1], sys.argv[2:]
    out = Path("var/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        if username != "-":
            page.goto(f"{BASE}/accounts/sign-in/")
            page.fill("#id_username", username)
            page.fill("#id_password", "demo-pass-2026")
            page.click("button:has-text('Sign in')")
        for path in paths:
            page.goto(BASE + path)
            name = (username + path).strip("/").replace("/", "_").replace("?", "_") or "root"
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            print(out / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main()
