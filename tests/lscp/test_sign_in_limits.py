"""Sign-in limits (lscp/accounts/limits.py): per account with django-axes, a throttle per
address that never keeps out a person who knows their password, one hash whatever the account."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from lscp.activity.signals import security_event
from partners import services
from tests.support.world import PASSWORD

LOCKED = "This account is locked because a wrong password was entered too many times. Wait 15 minutes"
WRONG = "Enter a correct username and password"
WAIT = "There have been too many attempts to sign in from your network. Wait"


def sign_in(username, password, client=None, address="198.51.100.1"):
    client = client or Client(REMOTE_ADDR=address)
    return client.post(reverse("sign-in"), {"username": username, "password": password})


@pytest.fixture
def events():
    sent = []

    def record(sender, event, person=None, **kwargs):
        sent.append((event, person))

    security_event.connect(record)
    yield sent
    security_event.disconnect(record)


def test_a_username_and_its_email_address_share_one_count(world_a):
    """Five wrong passwords for one account lock it, typed as the username or the email address
    in any case (on main each had its own five: ten guesses)."""
    person = world_a.person("agency")
    for typed in (person.username, person.email.upper(), person.username, person.email, person.username.upper()):
        html = sign_in(typed, "guess").content.decode()
    assert LOCKED in html and WRONG not in html
    # Locked: the right password is refused too, by either name, input kept.
    for typed in (person.email, person.username):
        response = sign_in(typed, PASSWORD)
        assert response.status_code == 200 and LOCKED in response.content.decode()
        assert f'value="{typed}"' in response.content.decode()
    # Others sign in as usual.
    assert sign_in(world_a.person("council").username, PASSWORD).status_code == 302


def test_a_lock_lasts_the_cool_off_then_the_right_password_works(world_a, settings):
    settings.AXES_FAILURE_LIMIT = 3
    username = world_a.person("police").username
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(3):
            sign_in(username, "guess")
        clock.shift(dt.timedelta(minutes=14))
        assert LOCKED in sign_in(username, PASSWORD).content.decode()
        clock.shift(dt.timedelta(minutes=2))
        assert sign_in(username, PASSWORD).status_code == 302


def test_an_unknown_name_locks_alike_so_a_lock_reveals_no_account(world_a):
    for _ in range(5):
        html = sign_in("Nobody-Here", "guess").content.decode()
    assert LOCKED in html
    assert LOCKED in sign_in("nobody-here", "guess").content.decode()


def test_a_success_clears_the_count(world_a):
    username = world_a.person("agency").username
    for _ in range(2):
        for _ in range(4):
            sign_in(username, "guess")
        assert sign_in(username, PASSWORD).status_code == 302


def test_fifty_wrong_passwords_from_one_address_keep_nobody_out_for_long(world_a):
    """Behind a NAT or the proxy one address is everyone's. On main, 50 failures from it
    refused every person there, right passwords included, for 15 minutes."""
    nat = "192.0.2.7"
    council = world_a.person("council").username
    # The council's officer has signed in on this browser before.
    usual = Client(REMOTE_ADDR=nat)
    assert sign_in(council, PASSWORD, usual).status_code == 302
    usual.post(reverse("sign-out"))
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        answers = [sign_in(f"guess-{n}@example.org", "password1", address=nat).content.decode() for n in range(50)]
        assert all(WRONG in html for html in answers[:30])
        assert all(WAIT in html for html in answers[30:])  # throttled: 30 a minute, no more checked
        assert "Wait 60 seconds" in answers[30]
        # The officer on their usual browser, with the right password: in.
        assert sign_in(council, PASSWORD, usual).status_code == 302
        # Someone on a new browser there waits what is left of the minute, and is then let in.
        police = world_a.person("police").username
        clock.shift(dt.timedelta(seconds=45))
        assert "Wait 15 seconds" in sign_in(police, PASSWORD, address=nat).content.decode()
        clock.shift(dt.timedelta(seconds=16))
        assert sign_in(police, PASSWORD, address=nat).status_code == 302
        # Elsewhere nothing was ever slowed, and no account was locked by the spray.
        assert sign_in(world_a.person("agency").username, PASSWORD, address="203.0.113.9").status_code == 302


def test_the_address_is_remote_addr_unless_proxies_are_trusted(world_a, settings):
    """With no trusted proxy, X-Forwarded-For is anyone's to write and is ignored: changing it
    does not escape the throttle. With one, the address that proxy appended is the client's."""
    spray = [{"HTTP_X_FORWARDED_FOR": f"10.9.{n}.1"} for n in range(31)]
    for n, headers in enumerate(spray):
        html = Client(REMOTE_ADDR="192.0.2.7", **headers).post(
            reverse("sign-in"), {"username": f"x{n}", "password": "guess"}
        )
    assert WAIT in html.content.decode()

    settings.LSCP_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for n in range(31):
        Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.50").post(
            reverse("sign-in"), {"username": f"y{n}", "password": "guess"}
        )
    throttled = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.50").post(
        reverse("sign-in"), {"username": world_a.person("agency").username, "password": PASSWORD}
    )
    assert WAIT in throttled.content.decode()
    other = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.50, 203.0.113.51").post(
        reverse("sign-in"), {"username": world_a.person("agency").username, "password": PASSWORD}
    )
    assert other.status_code == 302


class CountingHasher(MD5PasswordHasher):
    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


def test_the_password_is_hashed_once_whatever_the_account(world_a, settings):
    """Deactivated accounts were hashed twice (0.93 s against 0.52 s): told apart by timing."""
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    no_membership = world_a.person("scrutineer")
    services.person_deactivate(ctx=world_a.ctx(), membership=world_a.people["scrutineer"])
    inactive = world_a.person("police")
    inactive.is_active = False
    inactive.save()
    cases = {
        "active": (world_a.person("agency").username, 302),
        "deactivated account": (inactive.username, 200),
        "no membership": (no_membership.username, 200),
        "unknown": ("no-such-person", 200),
        "unknown email": ("no-such-person@example.org", 200),
    }
    for case, (username, status) in cases.items():
        for password in (PASSWORD, "wrong"):
            CountingHasher.calls = 0
            response = sign_in(username, password)
            assert CountingHasher.calls == 1, (case, password, CountingHasher.calls)
            assert response.status_code == (status if password == PASSWORD else 200), case
    assert "Your access has been removed" in sign_in(inactive.username, PASSWORD).content.decode()


def test_token_and_page_share_the_count_and_a_lock_is_429(world_a):
    username = world_a.person("police").username
    client = APIClient()
    for _ in range(3):
        wrong = client.post("/api/v1/auth/token/", {"username": username, "password": "guess"}, format="json")
        assert wrong.status_code == 400 and WRONG in wrong.json()["non_field_errors"][0]
    sign_in(username, "guess")
    locked = client.post("/api/v1/auth/token/", {"username": username, "password": "guess"}, format="json")
    assert locked.status_code == 429 and locked["Retry-After"] == "900"
    assert LOCKED in locked.json()["detail"]
    refused = client.post("/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json")
    assert refused.status_code == 429
    assert LOCKED in sign_in(username, PASSWORD).content.decode()


def test_lock_and_unlock_by_the_business_unit(world_a, as_user, events):
    agency = world_a.people["agency"]
    username = agency.person.username
    for _ in range(5):
        sign_in(username, "guess")
    assert [e for e in events if e[0] == "locked-out"] == [("locked-out", agency.person)]
    sign_in(username, PASSWORD)  # refused while locked: not another "locked-out"
    assert len([e for e in events if e[0] == "locked-out"]) == 1

    page = reverse("person-detail", args=[world_a.slug, agency.pk])
    unlock = reverse("person-unlock", args=[world_a.slug, agency.pk])
    # Who may see people but not manage them sees that it is locked, and no button.
    seen = as_user(world_a.people["council"]).get(page).content.decode()
    assert "Locked after too many wrong passwords" in seen and unlock not in seen
    assert as_user(world_a.people["council"]).post(unlock).status_code in (403, 404)
    assert LOCKED in sign_in(username, PASSWORD).content.decode()

    business = as_user(world_a.people["business"])
    html = business.get(page).content.decode()
    assert "Locked after too many wrong passwords" in html and unlock in html
    response = business.post(unlock)
    assert response.status_code == 302 and response["Location"] == page
    assert "has been unlocked" in business.get(page).content.decode()
    assert ("unlocked", agency.person) in events
    assert sign_in(username, PASSWORD).status_code == 302


def test_the_reset_commands_unlock(world_a):
    username = world_a.person("agency").username
    for typed in (username, world_a.person("agency").email):
        for _ in range(5):
            sign_in(typed, "guess")
        assert LOCKED in sign_in(username, PASSWORD).content.decode()
        call_command("axes_reset_username", username, stdout=io.StringIO())
        assert sign_in(username, PASSWORD).status_code == 302
    for _ in range(5):
        sign_in(username, "guess")
    call_command("axes_reset", stdout=io.StringIO())
    assert sign_in(username, PASSWORD).status_code == 302


# ----------------------------------------------------------------------------------------------
# Admin signs in through the sign-in page (finding 1)


def test_admin_login_is_the_sign_in_page_and_its_limits(world_a):
    """Admin's own form let the administrator's password be guessed without limit."""
    admin_login = reverse("admin:login")
    client = Client()
    response = client.get(admin_login + "?next=/admin/partners/person/")
    assert response.status_code == 302
    assert response["Location"] == reverse("sign-in") + "?next=%2Fadmin%2Fpartners%2Fperson%2F"
    for _ in range(5):
        answer = client.post(admin_login, {"username": "root", "password": "guess", "next": "/admin/"})
        assert answer.status_code == 302 and 'type="password"' not in answer.content.decode()
    assert not client.session.get("_auth_user_id")
    # Guessing goes through the sign-in page, whose lock holds for the administrator too.
    for _ in range(5):
        client.post(reverse("sign-in") + "?next=/admin/", {"username": "root", "password": "guess"})
    assert LOCKED in client.post(reverse("sign-in"), {"username": "root", "password": PASSWORD}).content.decode()
    call_command("axes_reset", stdout=io.StringIO())
    signed_in = client.post(
        reverse("sign-in") + "?next=/admin/", {"username": "root", "password": PASSWORD, "next": "/admin/"}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get(admin_login).status_code == 302
    # Signed in but no administrator: refused, not sent round the sign-in page forever.
    member = Client()
    member.force_login(world_a.person("agency"))
    assert member.get(admin_login + "?next=/admin/").status_code == 403


def test_the_admin_address_is_a_setting():
    code = (
        "import django; django.setup(); from django.urls import reverse; "
        "print(reverse('admin:index'), reverse('admin:login'))"
    )
    env = {"LSCP_ADMIN_URL": "back-office-7f3a/"}
    moved = _run(code, env)
    assert moved.stdout.split() == ["/back-office-7f3a/", "/back-office-7f3a/login/"]
    bad = _run(code, {"LSCP_ADMIN_URL": "/admin"})
    assert bad.returncode != 0 and "LSCP_ADMIN_URL" in bad.stderr


def _run(code: str, extra: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (this interpreter, our code)
        [sys.executable, "-c", code], env={**os.environ, **extra}, capture_output=True, text=True, timeout=120
    )
