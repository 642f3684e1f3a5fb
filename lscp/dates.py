"""The one declared table of a case's date rules: "X cannot be before Y", "X cannot be after Y",
"X must be today or in the past", each REFUSED or only WARNED about.

Every page, API serializer and correction that records a date asks `check(...)`, so a date is
held to the same rules whether it is entered first or corrected later, and a new rule is a new
row of RULES (tests/lscp/test_dates.py walks the table, so each row is tested both ways).

    values = dates.notification_values(notification) | {"rapid_review_completed_on": on}
    dates.check("notification", values, changed={"rapid_review_completed_on"},
                inputs={"rapid_review_completed_on": "completed_on"}, confirmed=confirm)

A refusal is a ValidationError on the date's input. A warning (legal but unusual) is a
ValidationError on `confirm` carrying the warning's words, until the person confirms: a page shows
it as GOV.UK warning text with a "confirm" checkbox (lscp.web.forms.GovukForm), the API answers
400 until `confirm: true` is sent.

A rule whose other date is the one changed is checked too, its message turned round ("The date the
Panel was notified must be the same as or before the date the rapid review started"), so that a
correction cannot leave a later step before the one it follows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from lscp.checks import Errors, format_date, future_message

REFUSE, WARN = "refuse", "warn"
NOT_BEFORE, NOT_AFTER, NOT_FUTURE = "not_before", "not_after", "not_future"
CONFIRM = "confirm"  # the input that confirms a warning, on pages and in the API

# What each date is called in messages, by the record it belongs to ("the date ..." words, GOV.UK).
NAMES: dict[str, dict[str, str]] = {
    "notification": {
        "incident_date": "the incident date",
        "aware_date": "the date the local authority became aware",
        "received_on": "the date the partnership received the notification",
        "panel_notified_on": "the date the Panel was notified",
        "sos_notified_on": "the date the Secretary of State was notified",
        "ofsted_notified_on": "the date Ofsted was notified",
        "rapid_review_started_on": "the date the rapid review started",
        "rapid_review_completed_on": "the date the rapid review was completed",
        "outcome_sent_on": "the date the outcome was sent to the Panel",
        "panel_response_received_on": "the date the Panel's response was received",
        "last_signature_on": "the date the last safeguarding partner signed the rapid review",
    },
    "lcspr": {
        "decision_date": "the date of the decision to commission the review",
        "incident_date": "the incident date",
        "aware_date": "the date the local authority became aware",
        "draft_report_received_on": "the date the draft report was received",
        "final_report_received_on": "the date the final report was received",
        "sent_to_panel_on": "the date the report was sent to the Panel and the DfE",
        "published_on": "the date the report was published",
    },
    "information_request": {
        "requested_on": "the date of the request",
        "reply_by": "the reply-by date",
        "submitted_on": "the date the summary was submitted",
        "rapid_review_due": "the rapid review's due date",
    },
    "contribution": {
        "invoiced_on": "the date invoiced",
        "received_on": "the date received",
        "year_start": "the start of the financial year",
    },
}


@dataclass(frozen=True)
class Rule:
    """One row of the table: `field` of `record` against the date `other`. `words` replaces the generated message where it needs saying better."""

    record: str
    field: str
    test: str
    other: str | None = None
    severity: str = REFUSE
    words: str = ""

    def name(self, field: str) -> str:
        return NAMES[self.record][field]

    def broken(self, values: dict[str, Any]) -> bool:
        value = values.get(self.field)
        if not isinstance(value, dt.date):
            return False
        if self.test == NOT_FUTURE:
            return value > timezone.localdate()
        other = values.get(self.other)
        if not isinstance(other, dt.date):
            return False
        return value < other if self.test == NOT_BEFORE else value > other

    def message(self, values: dict[str, Any], *, turned: bool = False) -> str:
        """The message about `field`, or (turned) about `other`, the date the person changed."""
        other = values.get(self.other) if self.other else None
        if self.words:
            return self.words.format(date=format_date(other) if isinstance(other, dt.date) else "")
        if self.test == NOT_FUTURE:
            return future_message(_capital(self.name(self.field)))
        first, second = (self.other, self.field) if turned else (self.field, self.other)
        before = (self.test == NOT_BEFORE) == turned
        when = values.get(second)
        return (
            f"{_capital(self.name(first))} must be the same as or {'before' if before else 'after'} "
            f"{self.name(second)} ({format_date(when)})"
        )


def _capital(words: str) -> str:
    return words[0].upper() + words[1:]


RULES: list[Rule] = [
    # A notification's own dates (the statutory steps, reviews/notifications/steps.py).
    Rule("notification", "incident_date", NOT_FUTURE),
    Rule("notification", "aware_date", NOT_FUTURE),
    Rule("notification", "incident_date", NOT_AFTER, "aware_date"),
    Rule("notification", "panel_notified_on", NOT_FUTURE),
    Rule("notification", "panel_notified_on", NOT_BEFORE, "aware_date"),
    Rule("notification", "sos_notified_on", NOT_FUTURE),
    Rule("notification", "sos_notified_on", NOT_BEFORE, "aware_date"),
    Rule("notification", "ofsted_notified_on", NOT_FUTURE),
    Rule("notification", "ofsted_notified_on", NOT_BEFORE, "aware_date"),
    Rule("notification", "rapid_review_started_on", NOT_FUTURE),
    Rule("notification", "rapid_review_started_on", NOT_BEFORE, "panel_notified_on"),
    Rule("notification", "rapid_review_completed_on", NOT_FUTURE),
    Rule("notification", "rapid_review_completed_on", NOT_BEFORE, "rapid_review_started_on"),
    Rule(
        "notification",
        "rapid_review_completed_on",
        NOT_BEFORE,
        "last_signature_on",
        severity=WARN,
        words="The date the rapid review was completed is before the last safeguarding partner signed it "
        "({date}). Check the date: confirm it only if you are recording a completion signed on paper first",
    ),
    Rule("notification", "outcome_sent_on", NOT_FUTURE),
    Rule("notification", "outcome_sent_on", NOT_BEFORE, "rapid_review_completed_on"),
    Rule("notification", "panel_response_received_on", NOT_FUTURE),
    Rule("notification", "panel_response_received_on", NOT_BEFORE, "outcome_sent_on"),
    # A local child safeguarding practice review, against the case it reviews.
    Rule("lcspr", "decision_date", NOT_FUTURE),
    Rule("lcspr", "decision_date", NOT_BEFORE, "incident_date"),
    Rule("lcspr", "draft_report_received_on", NOT_FUTURE),
    Rule("lcspr", "draft_report_received_on", NOT_BEFORE, "decision_date"),
    Rule("lcspr", "final_report_received_on", NOT_FUTURE),
    Rule("lcspr", "final_report_received_on", NOT_BEFORE, "decision_date"),
    Rule("lcspr", "sent_to_panel_on", NOT_FUTURE),
    Rule("lcspr", "sent_to_panel_on", NOT_BEFORE, "final_report_received_on"),
    Rule("lcspr", "published_on", NOT_FUTURE),
    Rule("lcspr", "published_on", NOT_BEFORE, "final_report_received_on"),
    # A request for an individual agency summary.
    Rule("information_request", "reply_by", NOT_BEFORE, "requested_on"),
    Rule(
        "information_request",
        "reply_by",
        NOT_AFTER,
        "rapid_review_due",
        severity=WARN,
        words="The reply-by date is after the rapid review's due date ({date}): the summaries would arrive after "
        "the review should be complete. Confirm it only if the review cannot use them sooner",
    ),
    Rule("information_request", "submitted_on", NOT_FUTURE),
    Rule("information_request", "submitted_on", NOT_BEFORE, "requested_on"),
    # A member's contribution to a financial year.
    Rule("contribution", "invoiced_on", NOT_FUTURE),
    Rule("contribution", "invoiced_on", NOT_BEFORE, "year_start"),
    Rule("contribution", "received_on", NOT_FUTURE),
    Rule("contribution", "received_on", NOT_BEFORE, "invoiced_on"),
]


def rules_for(record: str) -> list[Rule]:
    return [rule for rule in RULES if rule.record == record]


def problems(
    record: str, values: dict[str, Any], *, changed: set[str] | frozenset[str]
) -> tuple[dict[str, str], list[str]]:
    """(refusals by field, warnings) for the dates in `changed`, given all the record's `values`."""
    refusals: dict[str, str] = {}
    warnings: list[str] = []
    for rule in rules_for(record):
        if rule.field in changed:
            target, turned = rule.field, False
        elif rule.other in changed and rule.test in (NOT_BEFORE, NOT_AFTER):
            target, turned = rule.other, True
        else:
            continue
        if not rule.broken(values):
            continue
        message = rule.message(values, turned=turned)
        if rule.severity == WARN:
            warnings.append(message)
        else:
            refusals.setdefault(target, message)
    return refusals, warnings


def add_refusals(
    errors: Errors,
    record: str,
    values: dict[str, Any],
    *,
    changed: set[str] | frozenset[str],
    inputs: dict[str, str] | None = None,
) -> list[str]:
    """Add the table's refusals of the changed dates to `errors` (by input name, one message per
    input as GOV.UK shows); return the warnings, for a caller that asks for confirmation."""
    inputs = inputs or {}
    refusals, warnings = problems(record, values, changed=changed)
    for field, words in refusals.items():
        name = inputs.get(field, field)
        if name not in errors:
            errors.add(name, words)
    return warnings


def check(
    record: str,
    values: dict[str, Any],
    *,
    changed: set[str] | frozenset[str],
    inputs: dict[str, str] | None = None,
    confirmed: bool = False,
    errors: Errors | None = None,
) -> None:
    """Refuse (a ValidationError by input name) the changed dates the table refuses; then, unless
    `confirmed`, refuse with the warnings on `confirm`. With `errors` given (the submission's other
    problems), the refusals join them and all are raised at once: the check ends the checking."""
    errors = errors if errors is not None else Errors()
    warnings = add_refusals(errors, record, values, changed=changed, inputs=inputs)
    errors.raise_if_any()
    if warnings and not confirmed:
        raise ValidationError({CONFIRM: warnings})


# ----------------------------------------------------------------------------------------------
# Each record's dates, and the case's dates they are checked against


def _fields(obj, names: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


NOTIFICATION_DATES = [name for name in NAMES["notification"] if name != "last_signature_on"]


def notification_values(notification) -> dict[str, Any]:
    from reviews.rapid_review.selectors import last_signature_date, rapid_review_for

    values = _fields(notification, NOTIFICATION_DATES)
    review = rapid_review_for(notification)
    values["last_signature_on"] = last_signature_date(review) if review is not None else None
    return values


def lcspr_values(lcspr=None, *, notification=None) -> dict[str, Any]:
    notification = notification or lcspr.notification
    values = {"incident_date": notification.incident_date, "aware_date": notification.aware_date}
    if lcspr is not None:
        values.update(_fields(lcspr, [n for n in NAMES["lcspr"] if n not in ("incident_date", "aware_date")]))
    return values


def information_request_values(request=None, *, notification=None) -> dict[str, Any]:
    from lscp.deadlines import subject_type_id
    from lscp.models import Deadline

    notification = notification or request.notification
    due = (
        Deadline.objects.for_partnership(notification.partnership)
        .filter(subject_type_id=subject_type_id(notification), subject_id=notification.pk, kind="rapid_review")
        .values_list("due_date", flat=True)
        .first()
    )
    values: dict[str, Any] = {"rapid_review_due": due, "requested_on": timezone.localdate()}
    if request is not None:
        values.update(_fields(request, ["requested_on", "reply_by", "submitted_on"]))
    return values


def contribution_values(year, contribution=None) -> dict[str, Any]:
    values: dict[str, Any] = {"year_start": year.first_day}
    if contribution is not None:
        values.update(_fields(contribution, ["invoiced_on", "received_on"]))
    return values


VALUES: dict[str, Callable[..., dict[str, Any]]] = {
    "notification": notification_values,
    "lcspr": lcspr_values,
    "information_request": information_request_values,
}
