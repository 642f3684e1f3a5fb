"""Odd input is a message, never a 500: every form on every page, as each reader finds it, is sent
with characters a parser trips on in every field a person can type or choose in.

The pages and their forms are found as the stale-version suite finds them (every partnership
page with the world's records, read as the business unit, an agency lead and a statutory
partner's DSP), GET forms (list filters) as well as POST forms. Each text, number,
date part and choice is given each odd value below; the hidden fields (the CSRF token, the version
read) keep the page's values. A POST runs in a savepoint that is rolled back, so one form's
change does not move the next page. The test client re-raises any exception a view lets through,
so a 500 fails here with its traceback. A form added later is covered without editing this file.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.db import transaction

from tests.suites.test_stale_versions import READERS, Form, FormParser, more_states, page_urls
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db

# '²' is a digit to str.isdigit() but not to int(); '٣' is a digit to both; then a number too
# large for any column, a negative, a date part out of range, markup, and nothing at all.
ODD = ["²", "٣", "9" * 30, "-1", "0", "<b>x</b>", " "]

# At least this many distinct forms are found and sent (82 today; a broken enumerator fails here).
MIN_FORMS = 80


class AnyFormParser(FormParser):
    """Every `<form>`: the POST ones as the stale-version suite reads them, and the GET ones."""

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            values = {k: (v if v is not None else "") for k, v in attrs}
            form = Form(action=values.get("action") or self.page_url)
            form.method = values.get("method", "get").lower()
            self.form = form
            return
        super().handle_starttag(tag, attrs)


def forms_on(html: str, page_url: str) -> list[Form]:
    parser = AnyFormParser(page_url)
    parser.feed(html)
    return parser.forms


TYPED = {"text", "textarea", "select", "email", "url", "tel", "search", "number", "date", "radio", "checkbox"}


def odd_data(form: Form, odd: str) -> dict[str, list[str]]:
    """The form as the page gave it, with `odd` in every field a person fills in or chooses."""
    data: dict[str, list[str]] = {}
    for control in form.controls:
        if control.tag == "button":
            continue
        if control.type in TYPED or control.tag in ("textarea", "select"):
            data[control.name] = [odd]
        elif control.type == "hidden":
            data.setdefault(control.name, []).append(control.value)
    button = next((c for c in form.controls if c.tag == "button" and c.name), None)
    if button is not None:
        data[button.name] = [button.value]
    return data


@pytest.fixture(scope="module")
def states(shared_worlds, django_db_blocker):
    """The shared world with records in the states whose forms its own records are past."""
    with django_db_blocker.unblock():
        more_states(shared_worlds[0])
    return shared_worlds[0]


@pytest.fixture(scope="module")
def found(states, django_db_blocker) -> list[tuple[str, str, Form]]:
    """(reader, page, form) for each distinct form (by where it goes and what it asks)."""
    seen, result = set(), []
    with django_db_blocker.unblock():
        urls = list(page_urls(states))
        for reader in READERS:
            client = signed_in(states.people[reader])
            for url in urls:
                response = client.get(url)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                for form in forms_on(response.content.decode(), url):
                    key = (form.method, *form.signature())
                    if key in seen or not any(c.type in TYPED or c.tag != "input" for c in form.controls):
                        continue
                    seen.add(key)
                    result.append((reader, url, form))
    return result


def test_every_form_takes_odd_input_without_a_500(states, found, db):
    assert len(found) >= MIN_FORMS, f"only {len(found)} forms found"
    sent, failures = 0, []
    for reader, page, form in found:
        client = signed_in(states.people[reader])
        path = urlsplit(form.action).path or page
        for odd in ODD:
            data = odd_data(form, odd)
            try:
                if form.method == "post":
                    with transaction.atomic():
                        client.post(path, data)
                        transaction.set_rollback(True)
                else:
                    client.get(path, data)
            except Exception as error:  # the client re-raises what the view let through: a 500
                failures.append(f"{form.method.upper()} {path} as {reader} with {odd!r}: {error!r}"[:300])
            sent += 1
    assert not failures, "\n".join(failures)
    assert sent >= MIN_FORMS * len(ODD)
