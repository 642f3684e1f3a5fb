"""Demo data: each app contributes a loader; all go through the real services and are safe to
run twice (each step looks for what it would create first)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

DEMO_PASSWORD = "demo-pass-2026"

LOADERS = ["partners.demo.load", *list(getattr(settings, "LSCP_DEMO_LOADERS", []))]


def demo_admin():
    from partners.models import Person

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
    admin = demo_admin()
    lines = []
    for path in LOADERS:
        result = import_string(path)(admin)
        if result:
            lines.append(result)
    lines.append("")
    lines.append(f"Demo logins (password {DEMO_PASSWORD}): admin, and for each of thurrock, southend, essex:")
    lines.append("  <slug>-business, <slug>-agency, <slug>-partner-council, <slug>-partner-police,")
    lines.append("  <slug>-partner-health, <slug>-scrutineer")
    return "\n".join(lines)
