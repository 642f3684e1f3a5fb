"""Demo data: each app contributes a loader; all go through the real services and are safe to
run twice (each step looks for what it would create first)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from lscp import deadlines
from partners.models import Person

DEMO_PASSWORD = "demo-pass-2026"

LOADERS = ["partners.demo.load", *list(getattr(settings, "LSCP_DEMO_LOADERS", []))]


def demo_admin():
    admin, created = Person.objects.get_or_create(
        username="admin",
        defaults={
            "email": "admin@lscp.invalid",
            "first_name": "Ada",
            "last_name": "Administrator",
            "is_staff": True,
            "is_superuser": True,
        },
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    return admin


@transaction.atomic
def load() -> str:
    """Every app's demo data, then one sweep, so the escalations due now show on the case pages
    and in the demo mail folder from the first minute. The sweep comes after every loader: one run
    mid-way would leave the clocks loaded after it (a self-assessment cycle's, an audit's
    actions') for the next load to escalate, and loading twice would not be a no-op."""

    admin = demo_admin()
    lines = []
    for path in LOADERS:
        result = import_string(path)(admin)
        if result:
            lines.append(result)
    decided = deadlines.sweep(dispatch=lambda ids: deadlines.escalate(ids))
    lines.append(f"Clocks with an escalation step due now: {decided}")
    lines.append("")
    lines.append(f"Demo logins (password {DEMO_PASSWORD}): admin, and for each of thurrock, southend, essex:")
    lines.append("  <slug>-business, <slug>-agency, <slug>-partner-council, <slug>-partner-police,")
    lines.append("  <slug>-partner-health (the DSPs), <slug>-scrutineer; and Thurrock's LSPs thurrock-lsp-council,")
    lines.append("  thurrock-lsp-police, thurrock-lsp-health")
    return "\n".join(lines)
