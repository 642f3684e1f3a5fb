"""What an email says: its subject and body from a template, with the one footer every email
ends with, and links back into the service.

`message("escalation", partnership=..., ...)` renders templates/emails/escalation.txt: its first
line is the subject, then a blank line, then the body, to which templates/emails/footer.txt is
added (why the person gets the email, and that it holds no details of any child). Emails are plain
text: nothing is HTML-escaped. `link("notification-detail", slug, pk)` is a page's full address.
"""

from __future__ import annotations

from django.conf import settings
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse


def message(name: str, **context) -> tuple[str, str]:
    """(subject, body) of templates/emails/<name>.txt, rendered with `context` (which names the
    `partnership` the email is sent for)."""
    text = _render(f"emails/{name}.txt", context)
    subject, _, body = text.strip().partition("\n")
    footer = _render("emails/footer.txt", context).strip()
    return subject.strip(), f"{body.strip()}\n\n{footer}"


def _render(template: str, context: dict) -> str:
    return get_template(template).template.render(Context(context, autoescape=False))


def link(name: str, *args) -> str:
    """The full address of a page, for an email."""
    return absolute(reverse(name, args=args))


def absolute(path: str) -> str:
    return settings.LSCP_BASE_URL.rstrip("/") + path
