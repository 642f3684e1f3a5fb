"""A real OpenID Connect provider on loopback for the identity-provider tests: panva's
oidc-provider (tests/support/oidc/, installed by `npm ci --prefix tests/support/oidc`, which
`make test` runs), started once per test process by the `oidc_provider` fixture.

Its accounts (below) are typed at its sign-in page by their id; tests give a person of theirs the
account's email address. `settings(provider)` is what an installation would set, for
override_settings; `through_provider(client, account)` signs in as the account with the Django test
client, following the redirects between the two as a browser would.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

HERE = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "lscp-test"
CLIENT_SECRET = "test-only-client-secret"
CALLBACK = "http://testserver/accounts/oidc/callback/"
PROVIDER_NAME = "Essex County Council"

ACCOUNTS = {
    "verified": {"email": "verified@oidc.example.org", "email_verified": True, "amr": ["pwd"]},
    "shouting": {"email": "VERIFIED@OIDC.Example.ORG", "email_verified": True, "amr": ["pwd"]},
    "mfa": {"email": "mfa@oidc.example.org", "email_verified": True, "amr": ["pwd", "mfa"]},
    "unverified": {"email": "unverified@oidc.example.org", "email_verified": False, "amr": ["pwd"]},
    # As Microsoft Entra ID work accounts: an email and no email_verified.
    "entra": {"email": "entra@oidc.example.org", "amr": ["pwd", "mfa"]},
    "unknown": {"email": "nobody@oidc.example.org", "email_verified": True, "amr": ["pwd", "mfa"]},
    "no-email": {"amr": ["pwd"]},
    # Names and an address the provider would like the service to take.
    "renamer": {
        "email": "verified@oidc.example.org",
        "email_verified": True,
        "given_name": "Changed",
        "family_name": "ByTheProvider",
        "name": "Changed ByTheProvider",
        "amr": ["pwd"],
    },
}


@dataclass(frozen=True)
class Provider:
    issuer: str
    start_seconds: float


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unavailable(reason: str):
    if os.environ.get("LSCP_REQUIRE_OIDC_PROVIDER") == "1":
        pytest.fail(f"The test OpenID Connect provider is required (LSCP_REQUIRE_OIDC_PROVIDER=1): {reason}")
    pytest.skip(f"{reason} (run `npm ci --prefix tests/support/oidc`, as `make test` does)")


@pytest.fixture(scope="session")
def oidc_provider():
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed")
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        _unavailable("tests/support/oidc/node_modules is missing")
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENT": json.dumps(
            {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [CALLBACK]}
        ),
        "OIDC_ACCOUNTS": json.dumps(ACCOUNTS),
    }
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603  (node and our own script)
        [node, str(HERE / "provider.mjs")], cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = started + 30
        while True:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.poll() is not None else ""
                pytest.fail(f"The test OpenID Connect provider did not start: {output}")
            time.sleep(0.05)
        yield Provider(issuer=issuer, start_seconds=time.monotonic() - started)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def settings(provider: Provider, **overrides) -> dict:
    """An installation's configuration for this provider (endpoints from its discovery document)."""
    return {
        "LSCP_OIDC_ENABLED": True,
        "LSCP_OIDC_PROVIDER_NAME": PROVIDER_NAME,
        "LSCP_OIDC_ISSUER": provider.issuer,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "",
        "OIDC_OP_TOKEN_ENDPOINT": "",
        "OIDC_OP_USER_ENDPOINT": "",
        "OIDC_OP_JWKS_ENDPOINT": "",
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": "openid email profile",
        **overrides,
    }


def sign_in_at_provider(authorize_url: str, account: str, callback_prefix: str) -> str:
    """Follow the provider's pages from `authorize_url` as a browser would, signing in as
    `account`; the URL the provider sends the browser back to (under `callback_prefix`)."""
    browser = requests.Session()
    url = authorize_url
    for _ in range(10):
        if url.startswith(callback_prefix):
            return url
        path = urlsplit(url).path
        if path.startswith("/interaction/"):
            response = browser.get(url, allow_redirects=False)
            if response.status_code == 200:
                response = browser.post(url, data={"account": account}, allow_redirects=False)
        else:
            response = browser.get(url, allow_redirects=False)
        assert response.status_code in (302, 303), f"{url}: {response.status_code} {response.text[:300]}"
        url = requests.compat.urljoin(url, response.headers["Location"])
    raise AssertionError(f"The provider never sent the browser back: last at {url}")


def through_provider(client, account: str, *, next_url: str = ""):
    """Sign in with the Django test `client` as the provider's `account`: the response to the
    callback (a redirect to where the service sends the person next)."""
    start = client.get("/accounts/oidc/authenticate/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start
    back = sign_in_at_provider(start["Location"], account, CALLBACK.rsplit("?", 1)[0])
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}")
