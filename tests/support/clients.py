"""Clients signed in as a person, for pages and the API, and reading what a page says."""

from __future__ import annotations

import html as html_lib
import re

from django.test import Client
from rest_framework.test import APIClient


def signed_in(membership) -> Client:
    client = Client()
    client.force_login(membership.person)
    return client


def api_as(membership) -> APIClient:
    client = APIClient()
    client.force_authenticate(membership.person)
    return client


def error_by_field(html: str, field_id: str) -> str:
    """The GOV.UK error message shown by one field ('' if none)."""
    match = re.search(rf'<p id="{field_id}-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", "", match.group(1)).replace("Error:", "").strip()) if match else ""


def personal_token(person, name: str = "tests") -> str:
    """A new API token's key for this person (as POST /api/v1/auth/token/ makes one)."""
    from lscp import tokens

    return tokens.personal_token_create(person=person, name=name)[1]
