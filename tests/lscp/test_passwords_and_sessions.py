"""Passwords zxcvbn finds easy to guess are refused; idle sessions end (lscp/accounts/)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from tests.support.clients import error_by_field
from tests.support.world import PASSWORD

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def _set_password_page(client: Client, person) -> str:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    link = reverse("set-password", args=[uid, default_token_generator.make_token(person)])
    response = client.get(link, follow=True)
    return response.redirect_chain[-1][0] if response.redirect_chain else link


@pytest.mark.parametrize("password", ["passwordpassword", "qwertyuiop123456", "abcdefgh12345678"])
def test_an_easily_guessed_password_is_refused_with_advice(world_a, password):
    """`passwordpassword` passed Django's validators (12 characters, not on the common list)."""
    person = world_a.person("agency")
    client = Client()
    form_url = _set_password_page(client, person)
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 200
    error = error_by_field(response.content.decode(), "id_new_password1") or ""
    if not error:  # Django puts a mismatch or validator error on the second field
        error = error_by_field(response.content.decode(), "id_new_password2") or ""
    assert "Your password is too easy to guess" in error, error
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_a_hard_to_guess_password_is_accepted(world_a):
    person = world_a.person("agency")
    client = Client()
    form_url = _set_password_page(client, person)
    response = client.post(
        form_url, {"new_password1": "lantern quarry velvet 58", "new_password2": "lantern quarry velvet 58"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("lantern quarry velvet 58")


def test_the_persons_own_names_count_as_guessable(world_a):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    person = world_a.person("agency")
    person.first_name, person.last_name = "Marigold", "Featherstonehaugh"
    with pytest.raises(ValidationError, match="too easy to guess"):
        validate_password("marigoldfeatherstonehaugh", person)


# ----------------------------------------------------------------------------------------------
# Idle sessions


def _signed_in(world_a) -> Client:
    client = Client()
    assert (
        client.post(
            reverse("sign-in"), {"username": world_a.person("agency").username, "password": PASSWORD}
        ).status_code
        == 302
    )
    return client


def test_an_idle_session_ends_and_says_why(world_a):
    home = reverse("partnership-home", args=[world_a.slug])
    with time_machine.travel(START, tick=False) as clock:
        client = _signed_in(world_a)
        assert client.get(home).status_code == 200
        session_key = client.session.session_key
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(home)
        assert response.status_code == 302
        assert response["Location"] == reverse("sign-in") + "?next=" + home.replace("/", "%2F")
        page = client.get(response["Location"]).content.decode()
        assert "You were signed out after 30 minutes without activity" in page
        assert 'class="govuk-notification-banner' in page
        assert "_auth_user_id" not in client.session
        from django.contrib.sessions.models import Session

        assert not Session.objects.filter(session_key=session_key).exists()
        assert client.get(home).status_code == 302  # still signed out


def test_activity_within_the_limit_keeps_the_session(world_a, django_assert_max_num_queries):
    home = reverse("partnership-home", args=[world_a.slug])
    with time_machine.travel(START, tick=False) as clock:
        client = _signed_in(world_a)
        for _ in range(6):  # three hours, a request every 29 minutes
            clock.shift(dt.timedelta(minutes=29))
            assert client.get(home).status_code == 200
        # Pages tell the timeout warning how long is left.
        page = client.get(home).content.decode()
        assert re.search(r'<body[^>]* data-lscp-idle-remaining="1800" data-lscp-idle-warning="120"', page)
        assert 'id="lscp-timeout-warning"' in page


def test_eight_hours_after_signing_in_the_session_ends_however_busy(world_a):
    home = reverse("partnership-home", args=[world_a.slug])
    with time_machine.travel(START, tick=False) as clock:
        client = _signed_in(world_a)
        for _ in range(16):
            clock.shift(dt.timedelta(minutes=29))
            assert client.get(home).status_code == 200
        clock.shift(dt.timedelta(minutes=20))  # 8 hours 4 minutes
        response = client.get(home)
        assert response.status_code == 302 and response["Location"].startswith(reverse("sign-in"))
        assert "You were signed out 8 hours after signing in" in client.get(response["Location"]).content.decode()


def test_the_last_activity_is_written_at_most_once_a_minute(world_a):
    from django.contrib.sessions.models import Session

    home = reverse("partnership-home", args=[world_a.slug])
    with time_machine.travel(START, tick=False) as clock:
        client = _signed_in(world_a)
        client.get(home)
        row = Session.objects.get(session_key=client.session.session_key)
        clock.shift(dt.timedelta(seconds=30))
        client.get(home)
        assert Session.objects.get(session_key=row.session_key).session_data == row.session_data
        clock.shift(dt.timedelta(seconds=31))
        client.get(home)
        assert Session.objects.get(session_key=row.session_key).session_data != row.session_data


def test_stay_signed_in_refreshes_the_session(world_a):
    home = reverse("partnership-home", args=[world_a.slug])
    with time_machine.travel(START, tick=False) as clock:
        client = _signed_in(world_a)
        clock.shift(dt.timedelta(minutes=29))
        answer = client.post(reverse("session-refresh"), HTTP_ACCEPT="application/json")
        assert answer.status_code == 200 and answer.json() == {"remaining": 1800}
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(home).status_code == 200
        # As a plain form (no JavaScript), back to the page.
        back = client.post(reverse("session-refresh"), {"next": home})
        assert back.status_code == 302 and back["Location"] == home
        assert client.post(reverse("session-refresh"), {"next": "https://evil.example/"})["Location"] == "/"
        assert client.get(reverse("session-refresh")).status_code == 405
        # Idle past the limit, the refresh is too late: signed out.
        clock.shift(dt.timedelta(minutes=31))
        late = client.post(reverse("session-refresh"), HTTP_ACCEPT="application/json")
        assert late.status_code == 302 and late["Location"].startswith(reverse("sign-in"))


def test_api_tokens_are_not_affected(world_a):
    with time_machine.travel(START, tick=False) as clock:
        client = APIClient()
        token = client.post(
            "/api/v1/auth/token/", {"username": world_a.person("agency").username, "password": PASSWORD}, format="json"
        ).json()["token"]
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert client.get("/api/v1/me/").status_code == 200
        clock.shift(dt.timedelta(hours=2))
        assert client.get("/api/v1/me/").status_code == 200
