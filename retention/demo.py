"""Demo retention for Thurrock: the schedule with its defaults, the case-review rule changed to
delete after 15 years (as a partnership might decide), and one legal hold on a case (an invented
inquiry freeze). Loaded through the services; safe to run twice."""

from __future__ import annotations

from lscp.tenancy import TenantContext
from partners.models import Partnership, Person
from retention import selectors, services
from retention.models import LegalHold, RecordKind
from reviews.notifications.models import Notification

HOLD_NAME = "Child Q: the coroner's inquest"


def load(admin: Person) -> str:
    partnership = Partnership.objects.filter(slug="thurrock").first()
    if partnership is None:
        return ""
    ctx = TenantContext.for_administrator(partnership=partnership, user=admin)
    rules = selectors.ensure_rules(partnership)
    case_rule = next(r for r in rules if r.kind == RecordKind.CASE)
    if case_rule.changed_at is None:
        services.rule_change(ctx, case_rule, years=15, action="delete", version=case_rule.version)
    if not LegalHold.objects.for_partnership(partnership).filter(name=HOLD_NAME).exists():
        case = (
            Notification.objects.for_partnership(partnership)
            .filter(children__reference="Child Q")
            .order_by("pk")
            .first()
        )
        services.hold_place(
            ctx,
            name=HOLD_NAME,
            reason="The coroner asked the partnership to keep every record of the case until the inquest ends.",
            notification=case,
        )
    return "Retention: Thurrock's schedule and one legal hold"
