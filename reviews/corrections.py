"""Correcting a recorded fact of a case: a date typed wrong, changed with a reason.

`correct(ctx, obj, field=..., value=..., reason=..., version=...)` checks the new value against the
rest of the case exactly as a first entry is (the table of lscp.dates, warnings included), refuses
a stale read (StaleVersion: the API's 409), records "<kind>.corrected" (notification, lcspr, information_request) in the activity log with
{field: {"old", "new", "reason", "case_closed"?}} and re-derives the record's clocks through the
deadline engine (deadlines.refresh: escalation ladders and the dashboard follow; no Deadline row is
patched). A correction after the case is closed is allowed, and the log says the case was closed.

Each correctable field is declared once in CORRECTABLE, by record kind: the page's Change links,
the API's `field` enum and the service read it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from lscp import activity, dates, deadlines
from lscp.checks import Errors
from lscp.permissions import Policy
from lscp.states import check_version
from lscp.tenancy import TenantContext
from reviews.lcspr.models import Lcspr
from reviews.lcspr.permissions import LcsprPolicy
from reviews.notifications.models import Notification, Status
from reviews.notifications.permissions import NotificationPolicy
from reviews.rapid_review.models import InformationRequest
from reviews.rapid_review.permissions import InformationRequestPolicy

REASON_MAX = 1000
CLOSED = (Status.PANEL_RESPONDED, Status.SOS_OFSTED_NOTIFIED)


@dataclass(frozen=True)
class Kind:
    """A record kind that can be corrected: its model, the date table's record name, its fields,
    and the policy permission that allows correcting it (the one that records its steps)."""

    model: type
    record: str
    fields: tuple[str, ...]
    policy: type[Policy]
    permission: str

    def label(self, field: str) -> str:
        words = dates.NAMES[self.record][field]
        return words[0].upper() + words[1:]


CORRECTABLE: dict[str, Kind] = {
    "notification": Kind(
        Notification,
        "notification",
        (
            "aware_date",
            "incident_date",
            "panel_notified_on",
            "sos_notified_on",
            "ofsted_notified_on",
            "rapid_review_started_on",
            "rapid_review_completed_on",
            "outcome_sent_on",
            "panel_response_received_on",
        ),
        NotificationPolicy,
        "manage",
    ),
    # The rapid review's started, completed and outcome dates are the notification's own (above).
    "lcspr": Kind(
        Lcspr,
        "lcspr",
        ("decision_date", "draft_report_received_on", "final_report_received_on", "sent_to_panel_on", "published_on"),
        LcsprPolicy,
        "manage",
    ),
    # A reply-by date corrected re-derives the request's clock (deadlines.refresh).
    "information_request": Kind(
        InformationRequest, "information_request", ("reply_by",), InformationRequestPolicy, "request"
    ),
}
KINDS = {kind.model: kind for kind in CORRECTABLE.values()}


def _choices(record: str) -> list[tuple[str, str]]:
    return [(name, CORRECTABLE[record].label(name)) for name in CORRECTABLE[record].fields]


# The API's `field` enum of each kind (a list of choices, as ENUM_NAME_OVERRIDES reads it).
NOTIFICATION_FIELDS = _choices("notification")
LCSPR_FIELDS = _choices("lcspr")
INFORMATION_REQUEST_FIELDS = _choices("information_request")


def case_closed_on(notification: Notification) -> dt.date | None:
    """The day the case closed (the Panel's response, or the Secretary of State and Ofsted told), or None."""
    if notification.status == Status.PANEL_RESPONDED:
        return notification.panel_response_received_on
    if notification.status == Status.SOS_OFSTED_NOTIFIED:
        return notification.sos_notified_on
    return None


def correctable(obj) -> list[str]:
    """The record's facts that can be corrected now (those recorded)."""
    return [name for name in KINDS[type(obj)].fields if getattr(obj, name) is not None]


def notification_of(obj) -> Notification:
    return obj if isinstance(obj, Notification) else obj.notification


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


@transaction.atomic
def correct(
    ctx: TenantContext,
    obj: Notification | Lcspr | InformationRequest,
    *,
    field: str,
    value: dt.date | None,
    reason: str,
    version: int | None,
    confirm: bool = False,
):
    """Correct one recorded fact of a notification, its LCSPR or a request for information, with
    the reason (see the module docstring)."""
    kind = KINDS[type(obj)]
    kind.policy.require(ctx, kind.permission, obj)
    locked = kind.model.objects.for_partnership(ctx.partnership).select_for_update().get(pk=obj.pk)
    check_version(locked, version, what=notification_of(locked).reference)
    errors = Errors()
    if field not in kind.fields or getattr(locked, field) is None:
        errors.add("field", "Choose a recorded date to correct")
        errors.raise_if_any()
    errors.required("value", value, name="the new date")
    reason = errors.text("reason", reason, name="The reason for the correction", max_length=REASON_MAX)
    dates.check(
        kind.record,
        dates.VALUES[kind.record](locked) | {field: value},
        changed={field},
        inputs={field: "value"},
        confirmed=confirm,
        errors=errors,
    )
    old = getattr(locked, field)
    if old == value:
        return locked
    closed_on = case_closed_on(notification_of(locked))
    change = {"old": _plain(old), "new": _plain(value), "reason": reason}
    if closed_on is not None:
        change["case_closed"] = True
    setattr(locked, field, value)
    locked.bump_version()
    locked.save()
    activity.record(ctx, event=f"{kind.record}.corrected", obj=locked, changes={field: change})
    deadlines.refresh(locked)
    return locked
